"""The words of the demo dataset: activity, provider and supplier templates, buyers, plans.

Everything here is invented for the demo EXCEPT what carries a source: the Thames Valley Police
& Crime Plan priorities, and the names of real public bodies used as demo buyers (named only so
the demo reads like the UK; they have not endorsed dicm). Places come from ``datasets.places``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.model import PlanPriority


@dataclass(frozen=True)
class ActivityTemplate:
    """An activity kind; ``{town}`` is replaced by a real place name."""

    name: str
    provider: str
    themes: tuple[str, ...]
    description: str
    needs: str  # the import syntax of datasets.fields
    outcome: str
    people_per_year: int
    rural: bool = False  # not offered in the metropolitan territories (URBAN)


ACTIVITY_TEMPLATES: tuple[ActivityTemplate, ...] = (
    ActivityTemplate(
        "{town} Boxing Academy youth diversion",
        "{town} Youth Trust",
        ("serious_violence", "youth_diversion"),
        "Evening boxing and mentoring for 11-18 year olds at risk of knife crime.",
        "volunteering:300 hours (coaches); cash:12000 GBP (ring and kit)",
        "youth_violence_reduction",
        120,
    ),
    ActivityTemplate(
        "{town} Domestic Abuse Outreach",
        "{town} Women's Aid",
        ("domestic_abuse", "violence_against_women_and_girls", "victims"),
        "Independent domestic violence advisers and a safe-house outreach service.",
        "cash:25000 GBP (adviser post); in_kind:40 items (mobile phones)",
        "domestic_abuse_repeat_victimisation",
        260,
    ),
    ActivityTemplate(
        "{town} Midnight Football",
        "{town} Community Sports CIC",
        ("youth_diversion", "antisocial_behaviour"),
        "Friday-night floodlit football with youth workers on hot-spot estates.",
        "volunteering:150 hours (youth workers); in_kind:60 items (kit)",
        "antisocial_behaviour_reduction",
        200,
    ),
    ActivityTemplate(
        "{town} Recovery Café",
        "{town} Recovery Community",
        ("drugs_alcohol", "mental_health"),
        "Peer-led recovery café for people leaving drug and alcohol treatment.",
        "cash:8000 GBP; skills:60 hours @catering (kitchen training)",
        "drug_related_offending_reduction",
        90,
    ),
    ActivityTemplate(
        "{town} Men's Shed",
        "{town} Men's Shed Association",
        ("mental_health", "health_wellbeing"),
        "Woodwork shed combating isolation among older men.",
        "in_kind:30 items (tools); skills:40 hours @construction (workshop safety)",
        "mental_health_crisis_reduction",
        45,
    ),
    ActivityTemplate(
        "{town} Through-the-Gate Mentoring",
        "{town} Second Chances",
        ("reoffending", "employment_skills"),
        "Mentors meet prison leavers at the gate and stay with them for a year.",
        "volunteering:400 hours (mentors); jobs:6 people (work placements)",
        "reoffending_reduction",
        70,
    ),
    ActivityTemplate(
        "{town} Victims' Drop-in",
        "{town} Victim Care Network",
        ("victims",),
        "Weekly drop-in helping victims and witnesses through the justice process.",
        "volunteering:120 hours (befrienders); cash:5000 GBP",
        "victim_wellbeing",
        310,
    ),
    ActivityTemplate(
        "{town} Winter Night Shelter",
        "{town} Homeless Action",
        ("homelessness", "health_wellbeing"),
        "Rotating church-hall night shelter with a housing caseworker.",
        "in_kind:200 items (bedding); volunteering:500 hours (night volunteers)",
        "rough_sleeping_reduction",
        85,
    ),
    ActivityTemplate(
        "{town} County Lines Exit Project",
        "{town} Youth Trust",
        ("exploitation", "youth_diversion", "drugs_alcohol"),
        "Specialist caseworkers helping children leave county-lines exploitation.",
        "cash:30000 GBP (caseworker); skills:20 hours @legal",
        "exploitation_exit",
        40,
    ),
    ActivityTemplate(
        "{town} Scams Awareness for Older People",
        "{town} Age Friendly Network",
        ("fraud_cybercrime", "victims"),
        "Talks and one-to-one help so older residents spot scams and report fraud.",
        "skills:50 hours @digital (online safety); volunteering:80 hours",
        "fraud_victimisation_reduction",
        400,
    ),
    ActivityTemplate(
        "{town} Farm and Rural Watch",
        "{town} Rural Community Council",
        ("rural_crime", "neighbourhood_crime"),
        "Farm watch scheme, trail cameras and marking of machinery.",
        "in_kind:25 items (trail cameras); cash:4000 GBP",
        "rural_theft_reduction",
        150,
        True,
    ),
    ActivityTemplate(
        "{town} Young Drivers Safety Course",
        "{town} Road Safety Trust",
        ("road_safety", "youth_diversion"),
        "Pre-driver sessions with crash survivors and fire crews.",
        "in_kind:2 items (simulators); volunteering:60 hours",
        "road_casualty_reduction",
        500,
    ),
    ActivityTemplate(
        "{town} Community Cohesion Festival",
        "{town} Together CIC",
        ("hate_crime", "health_wellbeing"),
        "Neighbourhood festival and hate-crime reporting centre run by local faith groups.",
        "cash:6000 GBP; volunteering:100 hours (stewards)",
        "hate_crime_reporting",
        2000,
    ),
    ActivityTemplate(
        "{town} Construction Skills for Care Leavers",
        "{town} Build Futures CIC",
        ("employment_skills", "reoffending"),
        "CSCS cards, site experience and apprenticeships for care leavers.",
        "jobs:8 people (apprenticeships); skills:120 hours @construction",
        "neet_reduction",
        30,
    ),
    ActivityTemplate(
        "{town} Mental Health Crisis Café",
        "{town} Mind Matters",
        ("mental_health",),
        "Out-of-hours crisis café, an alternative to A&E and police custody.",
        "cash:18000 GBP (night staff); volunteering:200 hours",
        "mental_health_crisis_reduction",
        600,
    ),
    ActivityTemplate(
        "{town} Burglary Target Hardening",
        "{town} Neighbourhood Watch",
        ("neighbourhood_crime",),
        "Free locks, lights and door chains fitted for repeat-victim households.",
        "in_kind:150 items (locks and lights); skills:60 hours @construction (fitting)",
        "burglary_reduction",
        180,
    ),
    ActivityTemplate(
        "{town} Detached Youth Work",
        "{town} Youth Trust",
        ("youth_diversion", "antisocial_behaviour", "exploitation"),
        "Youth workers on the streets and in parks where young people gather.",
        "volunteering:250 hours; cash:15000 GBP (youth worker)",
        "antisocial_behaviour_reduction",
        350,
    ),
    ActivityTemplate(
        "{town} Digital Skills Café",
        "{town} Digital Inclusion CIC",
        ("employment_skills", "fraud_cybercrime"),
        "Laptops, data and coaching for job seekers, with online-safety sessions.",
        "in_kind:50 items (laptops); skills:100 hours @digital",
        "employment_outcomes",
        220,
    ),
)


UMBRELLA_PROVIDER = "{territory} Community Safety Trust"


@dataclass(frozen=True)
class SupplierTemplate:
    """A business kind; ``{place}`` is replaced by a real place name."""

    name: str
    sectors: tuple[str, ...]
    offers: str  # the import syntax of datasets.fields
    description: str


SUPPLIER_TEMPLATES: tuple[SupplierTemplate, ...] = (
    SupplierTemplate(
        "{place} Build Ltd",
        ("construction",),
        "volunteering:400 hours; skills:200 hours @construction; jobs:4 people (apprentices)",
        "Regional building contractor (estates, custody suites).",
    ),
    SupplierTemplate(
        "{place} Fleet Services Ltd",
        ("automotive", "logistics"),
        "cash:20000 GBP; skills:80 hours @automotive; in_kind:2 items (minibuses)",
        "Vehicle maintenance and fleet management.",
    ),
    SupplierTemplate(
        "{place} Digital Solutions Ltd",
        ("digital",),
        "skills:300 hours @digital; in_kind:100 items (refurbished laptops)",
        "IT services and software for the public sector.",
    ),
    SupplierTemplate(
        "{place} Facilities Management plc",
        ("facilities", "catering"),
        "volunteering:600 hours; jobs:10 people; cash:15000 GBP",
        "Cleaning, catering and building services.",
    ),
    SupplierTemplate(
        "{place} Security Group Ltd",
        ("security",),
        "volunteering:200 hours; skills:60 hours @security; cash:10000 GBP",
        "Manned guarding, CCTV and alarm systems.",
    ),
    SupplierTemplate(
        "{place} Legal & Professional LLP",
        ("legal", "finance"),
        "skills:250 hours @legal; cash:25000 GBP",
        "Legal, audit and advisory services.",
    ),
)

#: real NHS bodies used as demo buyers, by police territory code (names only)
NHS_BUYERS: dict[str, tuple[str, ...]] = {
    "E23000029": (
        "Oxford University Hospitals NHS Foundation Trust",
        "Royal Berkshire NHS Foundation Trust",
    ),
    "E23000001": ("Guy's and St Thomas' NHS Foundation Trust",),
    "E23000005": ("Manchester University NHS Foundation Trust",),
    "E23000014": ("University Hospitals Birmingham NHS Foundation Trust",),
    "E23000010": ("Leeds Teaching Hospitals NHS Trust",),
    "W15000003": ("Cardiff and Vale University Health Board",),
    "S92000003": ("NHS Greater Glasgow and Clyde",),
    "N92000002": ("Belfast Health and Social Care Trust",),
}

#: real fire and rescue services used as demo buyers, by police territory code (names only)
FIRE_BUYERS: dict[str, tuple[str, ...]] = {
    "E23000029": (
        "Royal Berkshire Fire and Rescue Service",
        "Oxfordshire Fire and Rescue Service",
        "Buckinghamshire Fire and Rescue Service",
    ),
    "E23000001": ("London Fire Brigade",),
    "E23000005": ("Greater Manchester Fire and Rescue Service",),
    "E23000014": ("West Midlands Fire Service",),
    "S92000003": ("Scottish Fire and Rescue Service",),
    "N92000002": ("Northern Ireland Fire and Rescue Service",),
}

THAMES_VALLEY = "E23000029"

#: metropolitan territories: London (Met, City), Greater Manchester, West Midlands, Merseyside
URBAN = frozenset({"E23000001", "E23000034", "E23000005", "E23000014", "E23000004"})

#: Thames Valley PCC (Matthew Barber), Police and Criminal Justice Plan 2021-2025, published
#: 2021-06-30: five priorities "strong local policing, fighting serious organised crime,
#: fighting cybercrime and fraud, improving the criminal justice system, and tackling illegal
#: encampments" (as reported by the Bucks Herald, 2021-06-30). Theme codes are dicm's mapping.
THAMES_VALLEY_PLAN_SOURCE = (
    "Thames Valley PCC, Police and Criminal Justice Plan 2021-2025 (published 2021-06-30), "
    "https://www.thamesvalley-pcc.gov.uk/ ; reported in "
    "https://www.bucksherald.co.uk/news/crime/thames-valley-police-commissioner-reveals-pivotal-"
    "new-four-year-vision-for-the-region-3291928"
)
THAMES_VALLEY_PLAN_TITLE = "Police and Criminal Justice Plan 2021-2025"
THAMES_VALLEY_PLAN_FROM = date(2021, 6, 30)
THAMES_VALLEY_PRIORITIES: tuple[PlanPriority, ...] = (
    PlanPriority("neighbourhood_crime", "Strong local policing", 1.0),
    PlanPriority("antisocial_behaviour", "Strong local policing", 0.6),
    PlanPriority("exploitation", "Fighting serious organised crime", 1.0),
    PlanPriority("serious_violence", "Fighting serious organised crime", 0.8),
    PlanPriority("drugs_alcohol", "Fighting serious organised crime", 0.6),
    PlanPriority("fraud_cybercrime", "Fighting cybercrime and fraud", 1.0),
    PlanPriority("victims", "Improving the criminal justice system", 1.0),
    PlanPriority("reoffending", "Improving the criminal justice system", 0.8),
    PlanPriority("rural_crime", "Tackling illegal encampments", 0.4),
)

#: Used for every other territory, and marked as such: NOT any PCC's published plan.
DEFAULT_PLAN_SOURCE = "dicm default (not a published plan: replace with the PCC's own priorities)"
DEFAULT_PLAN_TITLE = "dicm default priorities"
DEFAULT_PLAN_FROM = date(2024, 5, 2)
DEFAULT_PRIORITIES: tuple[PlanPriority, ...] = (
    PlanPriority("serious_violence", "Serious violence", 1.0),
    PlanPriority("violence_against_women_and_girls", "Violence against women and girls", 1.0),
    PlanPriority("neighbourhood_crime", "Neighbourhood crime", 0.8),
    PlanPriority("antisocial_behaviour", "Anti-social behaviour", 0.8),
    PlanPriority("victims", "Supporting victims", 0.7),
    PlanPriority("reoffending", "Reducing reoffending", 0.6),
)

#: tender subjects a police force, council, NHS body or fire service might buy
TENDER_SUBJECTS: tuple[tuple[str, tuple[str, ...], float], ...] = (
    ("Estates maintenance framework", ("construction", "facilities"), 4_500_000.0),
    ("Fleet maintenance and repair", ("automotive",), 2_200_000.0),
    ("Custody healthcare and cleaning", ("facilities",), 1_800_000.0),
    ("IT service desk and devices", ("digital",), 3_000_000.0),
    ("Security and CCTV services", ("security",), 900_000.0),
    ("Legal services panel", ("legal",), 1_200_000.0),
)
