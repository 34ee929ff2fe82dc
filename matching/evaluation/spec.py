"""The evaluation scenarios, as an expert would set them up: who the supplier is, what it can
give, where its sites are, what the buyer's tender asks for, and which Police & Crime Plan
priorities apply. ``matching.evaluation.builder`` turns this into the labelled data file.

Places are real (GeoNames coordinates via ``matching.evaluation.towns``); police force area
and local authority codes are real ONS codes (PFA December 2023, LAD December 2024). Plan
priorities are illustrative: modelled on themes that recur in published Police & Crime Plans,
not quoted from any one plan. Need indicators are illustrative too (not IMD values).
"""

from __future__ import annotations

from typing import Any

# town -> (GeoNames admin2, ONS local authority code, police force area code)
TOWNS: dict[str, tuple[str, str, str]] = {
    "Reading": ("Reading", "E06000038", "E23000029"),
    "Wokingham": ("Wokingham", "E06000041", "E23000029"),
    "Slough": ("Slough", "E06000039", "E23000029"),
    "Maidenhead": ("Royal Borough of Windsor and Maidenhead", "E06000040", "E23000029"),
    "Oxford": ("Oxfordshire", "E07000178", "E23000029"),
    "Witney": ("Oxfordshire", "E07000181", "E23000029"),
    "Milton Keynes": ("Milton Keynes", "E06000042", "E23000029"),
    "Manchester": ("Manchester", "E08000003", "E23000005"),
    "Salford": ("City and Borough of Salford", "E08000006", "E23000005"),
    "Wigan": ("Borough of Wigan", "E08000010", "E23000005"),
    "Leigh": ("Borough of Wigan", "E08000010", "E23000005"),
    "Sheffield": ("Sheffield", "E08000019", "E23000011"),
    "Liverpool": ("Liverpool", "E08000012", "E23000004"),
    "Nottingham": ("Nottingham", "E06000018", "E23000019"),
    "Plymouth": ("Plymouth", "E06000026", "E23000035"),
    "Norwich": ("Norfolk", "E07000148", "E23000024"),
}

TERRITORY_NAMES: dict[str, str] = {
    "E23000029": "Thames Valley",
    "E23000005": "Greater Manchester",
    "E23000011": "South Yorkshire",
    "E23000004": "Merseyside",
    "E23000019": "Nottinghamshire",
    "E23000035": "Devon & Cornwall",
    "E23000024": "Norfolk",
}

# territory -> plan priorities (theme, title, weight), heaviest first
PLANS: dict[str, list[tuple[str, str, float]]] = {
    "E23000029": [
        ("serious_violence", "Serious violence", 1.0),
        ("domestic_abuse", "Domestic abuse", 0.9),
        ("fraud_cybercrime", "Fraud and cybercrime", 0.7),
        ("rural_crime", "Rural crime", 0.5),
    ],
    "E23000005": [
        ("violence_against_women_and_girls", "Violence against women and girls", 1.0),
        ("homelessness", "Homelessness and rough sleeping", 0.9),
        ("drugs_alcohol", "Drugs and alcohol", 0.8),
    ],
    "E23000011": [
        ("youth_diversion", "Early intervention for young people", 1.0),
        ("exploitation", "Child exploitation and county lines", 0.9),
        ("serious_violence", "Serious violence", 0.8),
    ],
    "E23000004": [
        ("victims", "Supporting victims", 1.0),
        ("domestic_abuse", "Domestic abuse", 0.9),
        ("hate_crime", "Hate crime", 0.7),
    ],
    "E23000019": [
        ("serious_violence", "Knife crime", 1.0),
        ("reoffending", "Reducing reoffending", 0.9),
        ("antisocial_behaviour", "Anti-social behaviour", 0.6),
    ],
    "E23000035": [
        ("mental_health", "Mental health and policing", 1.0),
        ("road_safety", "Road safety", 0.8),
        ("drugs_alcohol", "Drugs and alcohol", 0.7),
    ],
    "E23000024": [
        ("rural_crime", "Rural crime", 1.0),
        ("fraud_cybercrime", "Fraud against older people", 0.9),
        ("domestic_abuse", "Domestic abuse", 0.8),
    ],
}

# Each scenario: the supplier (sites in towns, offers as (type, sector)), an optional tender
# (priorities, delivery area as towns +/- degrees, or lots), the towns activities cluster in.
SCENARIOS: list[dict[str, Any]] = [
    {
        "id": "reading-builder",
        "supplier": "Thames Build Ltd",
        "sites": ["Reading"],
        "offers": [["volunteering", None], ["skills", "construction"]],
        "sectors": ["construction"],
        "tender": None,
        "towns": ["Reading", "Wokingham", "Maidenhead"],
    },
    {
        "id": "oxford-digital",
        "supplier": "Cherwell Digital",
        "sites": ["Oxford"],
        "offers": [["skills", "digital"], ["cash", None]],
        "sectors": ["digital"],
        "tender": {
            "title": "Police IT managed service",
            "priorities": ["fraud_cybercrime"],
            "area": ["Oxford", 0.25],
        },
        "towns": ["Oxford", "Witney"],
    },
    {
        "id": "mk-logistics",
        "supplier": "Ouzel Logistics",
        "sites": ["Milton Keynes"],
        "offers": [["jobs", None], ["in_kind", "logistics"]],
        "sectors": ["logistics"],
        "tender": {
            "title": "Custody transport",
            "priorities": ["reoffending"],
            "area": ["Milton Keynes", 0.2],
        },
        "towns": ["Milton Keynes"],
    },
    {
        "id": "manchester-caterer",
        "supplier": "Irwell Catering",
        "sites": ["Manchester", "Salford"],
        "offers": [["in_kind", "catering"], ["volunteering", None]],
        "sectors": ["catering"],
        "tender": None,
        "towns": ["Manchester", "Salford"],
    },
    {
        "id": "wigan-homecare",
        "supplier": "Borough Homecare",
        "sites": ["Wigan"],
        "offers": [["jobs", None], ["volunteering", None]],
        "sectors": ["care"],
        "tender": {
            "title": "Homecare framework",
            "priorities": ["mental_health", "victims"],
            "lots": [["Wigan North", "Wigan", 0.06], ["Leigh", "Leigh", 0.06]],
        },
        "towns": ["Wigan", "Leigh"],
    },
    {
        "id": "sheffield-engineering",
        "supplier": "Don Valley Engineering",
        "sites": ["Sheffield"],
        "offers": [["jobs", None], ["skills", "engineering"]],
        "sectors": ["engineering"],
        "tender": None,
        "towns": ["Sheffield"],
    },
    {
        "id": "liverpool-law",
        "supplier": "Mersey Legal LLP",
        "sites": ["Liverpool"],
        "offers": [["skills", "legal"], ["cash", None]],
        "sectors": ["legal"],
        "tender": {
            "title": "Victim services legal panel",
            "priorities": ["victims"],
            "area": ["Liverpool", 0.15],
        },
        "towns": ["Liverpool"],
    },
    {
        "id": "nottingham-bank",
        "supplier": "Trent Building Society",
        "sites": ["Nottingham"],
        "offers": [["cash", None], ["volunteering", None], ["skills", "finance"]],
        "sectors": ["finance"],
        "tender": None,
        "towns": ["Nottingham"],
    },
    {
        "id": "plymouth-marine",
        "supplier": "Sound Marine Engineering",
        "sites": ["Plymouth"],
        "offers": [["skills", "engineering"], ["jobs", None]],
        "sectors": ["engineering"],
        "tender": None,
        "towns": ["Plymouth"],
    },
    {
        "id": "norwich-insurer",
        "supplier": "Wensum Insurance",
        "sites": ["Norwich"],
        "offers": [["cash", None], ["skills", "finance"]],
        "sectors": ["finance"],
        "tender": {
            "title": "Rural fleet insurance",
            "priorities": ["rural_crime", "fraud_cybercrime"],
            "area": ["Norwich", 0.5],
        },
        "towns": ["Norwich"],
    },
    {
        "id": "slough-it",
        "supplier": "Bath Road Systems",
        "sites": ["Slough", "Reading"],
        "offers": [["skills", "digital"], ["volunteering", None]],
        "sectors": ["digital"],
        "tender": None,
        "towns": ["Slough", "Reading", "Maidenhead"],
    },
    {
        "id": "sheffield-caterer",
        "supplier": "Sheaf Kitchens",
        "sites": ["Sheffield"],
        "offers": [["in_kind", "catering"], ["jobs", None]],
        "sectors": ["catering"],
        "tender": {
            "title": "School meals",
            "priorities": ["youth_diversion"],
            "area": ["Sheffield", 0.12],
        },
        "towns": ["Sheffield"],
    },
]

# What an activity about a theme is called and how its provider describes it.
THEME_TEXT: dict[str, tuple[str, str]] = {
    "serious_violence": (
        "Knife crime mentoring",
        "mentoring young people away from knives and weapon carrying after violent incidents",
    ),
    "violence_against_women_and_girls": (
        "Women's safety project",
        "safe spaces and advocacy for women and girls facing harassment and violence",
    ),
    "domestic_abuse": (
        "Domestic abuse refuge",
        "refuge places and outreach for families escaping domestic abuse",
    ),
    "youth_diversion": (
        "Youth club",
        "evening sport and youth work diverting teenagers from trouble",
    ),
    "exploitation": (
        "County lines outreach",
        "outreach to children exploited by county lines drug gangs",
    ),
    "drugs_alcohol": (
        "Recovery cafe",
        "peer support for people recovering from drug and alcohol addiction",
    ),
    "mental_health": ("Crisis cafe", "a night-time crisis cafe for adults in mental health crisis"),
    "reoffending": (
        "Prison leavers hub",
        "housing, work and mentoring for people leaving prison to stop reoffending",
    ),
    "victims": (
        "Victim support hub",
        "practical and emotional support for victims and witnesses of crime",
    ),
    "antisocial_behaviour": (
        "Street outreach",
        "detached youth work on estates with anti-social behaviour",
    ),
    "rural_crime": (
        "Farm watch",
        "volunteer patrols and advice against farm machinery theft and rural crime",
    ),
    "road_safety": ("Young drivers course", "road safety sessions for new young drivers"),
    "fraud_cybercrime": (
        "Scam awareness",
        "helping older people recognise scams, online fraud and cybercrime",
    ),
    "hate_crime": (
        "Community cohesion forum",
        "bringing communities together after hate crime incidents",
    ),
    "homelessness": ("Night shelter", "night shelter beds and meals for people sleeping rough"),
    "employment_skills": (
        "Skills academy",
        "training and work placements for unemployed young adults",
    ),
    "health_wellbeing": ("Community gym", "low-cost exercise classes for inactive adults"),
}

# The words an expert reads in a description to say which priority an untagged activity serves.
EXPERT_KEYWORDS: dict[str, tuple[str, ...]] = {
    "serious_violence": ("knife", "knives", "weapon", "violent"),
    "violence_against_women_and_girls": ("women", "girls"),
    "domestic_abuse": ("domestic abuse", "refuge"),
    "youth_diversion": ("youth", "teenagers"),
    "exploitation": ("county lines", "exploited"),
    "drugs_alcohol": ("drug", "alcohol", "addiction"),
    "mental_health": ("mental health",),
    "reoffending": ("prison", "reoffending"),
    "victims": ("victims", "witnesses"),
    "antisocial_behaviour": ("anti-social",),
    "rural_crime": ("rural", "farm"),
    "road_safety": ("road safety", "drivers"),
    "fraud_cybercrime": ("scam", "fraud", "cybercrime"),
    "hate_crime": ("hate crime",),
    "homelessness": ("sleeping rough", "shelter", "homeless"),
    "employment_skills": ("training", "work placements"),
    "health_wellbeing": ("exercise",),
}
