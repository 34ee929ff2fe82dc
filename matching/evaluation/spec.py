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


def _scenario(
    sid: str,
    supplier: str,
    sites: list[str],
    offers: str,
    sectors: str,
    tender: dict[str, Any] | None,
    towns: list[str],
) -> dict[str, Any]:
    """One scenario row as the builder reads it."""
    pairs = [
        (kind, sector or None) for kind, _, sector in (o.partition(":") for o in offers.split())
    ]
    if tender is not None:
        tender = {**tender, "lots": [list(lot) for lot in tender.get("lots", [])]}
        if "area" in tender:
            tender["area"] = list(tender["area"])
    return {
        "id": sid,
        "supplier": supplier,
        "sites": sites,
        "offers": [list(p) for p in pairs],
        "sectors": sectors.split(),
        "tender": tender,
        "towns": towns,
    }


# town -> (GeoNames admin2, ONS local authority code, police force area code)
TOWNS: dict[str, tuple[str, str, str]] = {
    # England
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
    "Rotherham": ("Rotherham", "E08000018", "E23000011"),
    "Barnsley": ("Barnsley", "E08000016", "E23000011"),
    "Liverpool": ("Liverpool", "E08000012", "E23000004"),
    "Nottingham": ("Nottingham", "E06000018", "E23000019"),
    "Derby": ("Derby", "E06000015", "E23000018"),
    "Plymouth": ("Plymouth", "E06000026", "E23000035"),
    "Norwich": ("Norfolk", "E07000148", "E23000024"),
    "Leeds": ("City and Borough of Leeds", "E08000035", "E23000010"),
    "Bradford": ("Bradford", "E08000032", "E23000010"),
    "Birmingham": ("City and Borough of Birmingham", "E08000025", "E23000014"),
    "Coventry": ("Coventry", "E08000026", "E23000014"),
    "Bristol": ("Bristol", "E06000023", "E23000036"),
    "Bath": ("Bath and North East Somerset", "E06000022", "E23000036"),
    "Newcastle upon Tyne": ("Newcastle upon Tyne", "E08000021", "E23000007"),
    "Gateshead": ("Gateshead", "E08000037", "E23000007"),
    "Leicester": ("City of Leicester", "E06000016", "E23000021"),
    "Brighton": ("Brighton and Hove", "E06000043", "E23000033"),
    "Hull": ("City of Kingston upon Hull", "E06000010", "E23000012"),
    "Middlesbrough": ("Middlesbrough", "E06000002", "E23000013"),
    # Wales
    "Cardiff": ("Cardiff", "W06000015", "W15000003"),
    "Swansea": ("City and County of Swansea", "W06000011", "W15000003"),
    "Bridgend": ("Bridgend county borough", "W06000013", "W15000003"),
    "Pontypridd": ("Rhondda Cynon Taf", "W06000016", "W15000003"),
    "Newport": ("Newport", "W06000022", "W15000002"),
    "Caerphilly": ("Caerphilly County Borough", "W06000018", "W15000002"),
    "Wrexham": ("Wrexham", "W06000006", "W15000001"),
    "Rhyl": ("Denbighshire", "W06000004", "W15000001"),
    "Carmarthen": ("Carmarthenshire", "W06000010", "W15000004"),
    "Llanelli": ("Carmarthenshire", "W06000010", "W15000004"),
    # Scotland (one police territory, Police Scotland)
    "Glasgow": ("Glasgow City", "S12000049", "S92000003"),
    "Paisley": ("Renfrewshire", "S12000038", "S92000003"),
    "Edinburgh": ("Edinburgh", "S12000036", "S92000003"),
    "Livingston": ("West Lothian", "S12000040", "S92000003"),
    "Aberdeen": ("Aberdeen City", "S12000033", "S92000003"),
    "Dundee": ("Dundee City", "S12000042", "S92000003"),
    "Inverness": ("Highland", "S12000017", "S92000003"),
    # Northern Ireland (one police territory, PSNI; 2014 local government districts)
    "Belfast": ("City of Belfast", "N09000003", "N92000002"),
    "Lisburn": ("Lisburn District", "N09000007", "N92000002"),
    "Derry": ("City of Derry", "N09000005", "N92000002"),
    "Newry": ("Newry and Mourne District", "N09000010", "N92000002"),
}

TERRITORY_NAMES: dict[str, str] = {
    "E23000029": "Thames Valley",
    "E23000005": "Greater Manchester",
    "E23000011": "South Yorkshire",
    "E23000004": "Merseyside",
    "E23000019": "Nottinghamshire",
    "E23000018": "Derbyshire",
    "E23000035": "Devon & Cornwall",
    "E23000024": "Norfolk",
    "E23000010": "West Yorkshire",
    "E23000014": "West Midlands",
    "E23000036": "Avon and Somerset",
    "E23000007": "Northumbria",
    "E23000021": "Leicestershire",
    "E23000033": "Sussex",
    "E23000012": "Humberside",
    "E23000013": "Cleveland",
    "W15000003": "South Wales",
    "W15000002": "Gwent",
    "W15000001": "North Wales",
    "W15000004": "Dyfed-Powys",
    "S92000003": "Scotland",
    "N92000002": "Northern Ireland",
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
    "E23000018": [
        ("rural_crime", "Rural and wildlife crime", 1.0),
        ("antisocial_behaviour", "Anti-social behaviour", 0.8),
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
    "E23000010": [
        ("exploitation", "Safeguarding children from exploitation", 1.0),
        ("hate_crime", "Hate crime", 0.8),
        ("reoffending", "Reducing reoffending", 0.7),
    ],
    "E23000014": [
        ("serious_violence", "Preventing violence", 1.0),
        ("youth_diversion", "Opportunities for young people", 0.9),
        ("victims", "Supporting victims", 0.7),
    ],
    "E23000036": [
        ("domestic_abuse", "Domestic abuse", 1.0),
        ("drugs_alcohol", "Drugs and alcohol harm", 0.8),
        ("homelessness", "Rough sleeping", 0.6),
    ],
    "E23000007": [
        ("antisocial_behaviour", "Anti-social behaviour", 1.0),
        ("violence_against_women_and_girls", "Violence against women and girls", 0.9),
    ],
    "E23000021": [
        ("hate_crime", "Hate crime", 1.0),
        ("serious_violence", "Serious violence", 0.9),
    ],
    "E23000033": [
        ("road_safety", "Road safety", 1.0),
        ("violence_against_women_and_girls", "Violence against women and girls", 0.9),
        ("fraud_cybercrime", "Fraud and scams", 0.6),
    ],
    "E23000012": [
        ("drugs_alcohol", "Drugs and alcohol", 1.0),
        ("reoffending", "Reducing reoffending", 0.8),
    ],
    "E23000013": [
        ("victims", "Supporting victims and witnesses", 1.0),
        ("youth_diversion", "Diverting young people from crime", 0.8),
    ],
    "W15000003": [
        ("violence_against_women_and_girls", "Violence against women and girls", 1.0),
        ("youth_diversion", "Early intervention for young people", 0.9),
        ("mental_health", "Mental health crisis", 0.7),
    ],
    "W15000002": [
        ("antisocial_behaviour", "Anti-social behaviour", 1.0),
        ("domestic_abuse", "Domestic abuse", 0.9),
    ],
    "W15000001": [
        ("exploitation", "County lines and exploitation", 1.0),
        ("rural_crime", "Rural crime", 0.8),
        ("road_safety", "Road safety", 0.6),
    ],
    "W15000004": [
        ("rural_crime", "Rural crime", 1.0),
        ("drugs_alcohol", "Drugs and alcohol", 0.8),
        ("victims", "Supporting victims", 0.7),
    ],
    "S92000003": [
        ("drugs_alcohol", "Drug deaths and alcohol harm", 1.0),
        ("violence_against_women_and_girls", "Violence against women and girls", 0.9),
        ("reoffending", "Reducing reoffending", 0.7),
    ],
    "N92000002": [
        ("domestic_abuse", "Domestic and sexual abuse", 1.0),
        ("hate_crime", "Hate crime and sectarianism", 0.9),
        ("youth_diversion", "Early intervention for young people", 0.7),
    ],
}

# Illustrative need indicator (0..1, 1 = most need) per local authority: values made up for
# the evaluation, not IMD figures. Missing areas have no need data.
NEED_BY_AREA: dict[str, float] = {
    "E08000003": 0.9, "E08000012": 0.85, "E06000018": 0.8, "E08000025": 0.85,
    "E06000010": 0.9, "E06000002": 0.95, "W06000016": 0.8, "S12000049": 0.9,
    "S12000042": 0.75, "N09000003": 0.8, "N09000005": 0.85, "E06000038": 0.3,
    "E07000178": 0.2, "W06000015": 0.55, "E08000019": 0.7, "E08000032": 0.8,
}  # fmt: skip

# Each scenario: (id, supplier, sites, offers as "type" or "type:sector", supplier sectors,
# tender or None, the towns its activities cluster in). A tender has a title, priorities and
# either "area": (town, half-height in degrees) or "lots": [(name, town, half-height)], or
# neither (its territory is its delivery area).
SCENARIOS: list[dict[str, Any]] = [
    _scenario(sid, supplier, sites, offers, sectors, tender, towns)
    for sid, supplier, sites, offers, sectors, tender, towns in [
        ("reading-builder", "Thames Build Ltd", ["Reading"], "volunteering skills:construction",
         "construction", None, ["Reading", "Wokingham", "Maidenhead"]),
        ("oxford-digital", "Cherwell Digital", ["Oxford"], "skills:digital cash", "digital",
         {"title": "Police IT managed service", "priorities": ["fraud_cybercrime"],
          "area": ("Oxford", 0.12)}, ["Oxford", "Witney"]),
        ("mk-logistics", "Ouzel Logistics", ["Milton Keynes"], "jobs in_kind:logistics",
         "logistics", {"title": "Custody transport", "priorities": ["reoffending"],
                       "area": ("Milton Keynes", 0.1)}, ["Milton Keynes"]),
        ("manchester-caterer", "Irwell Catering", ["Manchester", "Salford"],
         "in_kind:catering volunteering", "catering", None, ["Manchester", "Salford"]),
        ("wigan-homecare", "Borough Homecare", ["Wigan"], "jobs volunteering", "care",
         {"title": "Homecare framework", "priorities": ["mental_health", "victims"],
          "lots": [("Wigan North", "Wigan", 0.05), ("Leigh", "Leigh", 0.05)]},
         ["Wigan", "Leigh"]),
        ("sheffield-engineering", "Don Valley Engineering", ["Sheffield"],
         "jobs skills:engineering", "engineering", None, ["Sheffield", "Rotherham"]),
        ("liverpool-law", "Mersey Legal LLP", ["Liverpool"], "skills:legal cash", "legal",
         {"title": "Victim services legal panel", "priorities": ["victims"],
          "area": ("Liverpool", 0.08)}, ["Liverpool"]),
        ("nottingham-bank", "Trent Building Society", ["Nottingham"],
         "cash volunteering skills:finance", "finance", None, ["Nottingham", "Derby"]),
        ("plymouth-marine", "Sound Marine Engineering", ["Plymouth"], "skills:engineering jobs",
         "engineering", None, ["Plymouth"]),
        ("norwich-insurer", "Wensum Insurance", ["Norwich"], "cash skills:finance", "finance",
         {"title": "Rural fleet insurance", "priorities": ["rural_crime", "fraud_cybercrime"],
          "area": ("Norwich", 0.15)}, ["Norwich"]),
        ("leeds-printer", "Aire Print", ["Leeds"], "in_kind:printing volunteering", "printing",
         {"title": "Print and post", "priorities": ["exploitation"]}, ["Leeds", "Bradford"]),
        ("birmingham-fm", "Brum Facilities", ["Birmingham", "Coventry"],
         "jobs skills:construction volunteering", "construction", None,
         ["Birmingham", "Coventry"]),
        ("bristol-energy", "Severn Energy", ["Bristol"], "cash skills:engineering",
         "engineering", {"title": "Station energy retrofit", "priorities": ["domestic_abuse"],
                         "area": ("Bristol", 0.07)}, ["Bristol", "Bath"]),
        ("newcastle-haulier", "Tyne Haulage", ["Gateshead"], "jobs in_kind:logistics",
         "logistics", None, ["Newcastle upon Tyne", "Gateshead"]),
        ("leicester-textiles", "Soar Textiles", ["Leicester"], "in_kind:textiles cash",
         "textiles", {"title": "Uniform supply", "priorities": ["hate_crime"]}, ["Leicester"]),
        ("hull-ports", "Humber Ports", ["Hull"], "jobs cash", "logistics", None, ["Hull"]),
        ("middlesbrough-chem", "Tees Chemicals", ["Middlesbrough"], "skills:engineering cash",
         "engineering", {"title": "Forensic consumables", "priorities": ["victims"],
                         "area": ("Middlesbrough", 0.06)}, ["Middlesbrough"]),
        ("cardiff-media", "Bay Media", ["Cardiff"], "skills:digital volunteering", "digital",
         {"title": "Body-worn video platform",
          "priorities": ["violence_against_women_and_girls"], "area": ("Cardiff", 0.06)},
         ["Cardiff", "Pontypridd", "Newport"]),
        ("swansea-builder", "Tawe Construction", ["Swansea"], "skills:construction jobs",
         "construction", None, ["Swansea", "Llanelli", "Bridgend"]),
        ("newport-fleet", "Usk Fleet Services", ["Newport"], "volunteering cash", "logistics",
         {"title": "Fleet maintenance", "priorities": ["antisocial_behaviour"]},
         ["Newport", "Caerphilly", "Cardiff"]),
        ("wrexham-farmsupply", "Clwyd Farm Supplies", ["Wrexham"], "in_kind:agriculture cash",
         "agriculture", None, ["Wrexham", "Rhyl"]),
        ("carmarthen-dairy", "Tywi Dairies", ["Carmarthen"], "jobs in_kind:catering",
         "catering", {"title": "Custody catering", "priorities": ["drugs_alcohol"],
                      "lots": [("Carmarthen", "Carmarthen", 0.05),
                               ("Llanelli", "Llanelli", 0.05)]}, ["Carmarthen", "Llanelli"]),
        ("glasgow-software", "Clyde Software", ["Glasgow"], "skills:digital cash", "digital",
         {"title": "Case management system", "priorities": ["reoffending"],
          "area": ("Glasgow", 0.08)}, ["Glasgow", "Paisley"]),
        ("edinburgh-finance", "Forth Finance", ["Edinburgh"], "cash skills:finance volunteering",
         "finance", None, ["Edinburgh", "Livingston"]),
        ("dundee-games", "Tay Games Studio", ["Dundee"], "skills:digital jobs", "digital", None,
         ["Dundee"]),
        ("aberdeen-energy", "Dee Offshore", ["Aberdeen"], "cash skills:engineering jobs",
         "engineering", {"title": "Vessel charter", "priorities": ["drugs_alcohol"],
                         "area": ("Aberdeen", 0.07)}, ["Aberdeen"]),
        ("belfast-shipyard", "Lagan Engineering", ["Belfast"], "skills:engineering jobs",
         "engineering", None, ["Belfast", "Lisburn"]),
        ("belfast-caterer", "Titanic Quarter Catering", ["Belfast"],
         "in_kind:catering volunteering", "catering",
         {"title": "Custody suite meals", "priorities": ["youth_diversion"],
          "area": ("Belfast", 0.05)}, ["Belfast", "Lisburn"]),
        ("derry-call-centre", "Foyle Contact", ["Derry"], "jobs volunteering", "digital",
         {"title": "Non-emergency contact centre", "priorities": ["domestic_abuse"]},
         ["Derry"]),
    ]
]  # fmt: skip

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
    "community": (
        "Community garden",
        "a garden where local people and young families grow food and meet neighbours",
    ),
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
    "community": ("garden",),
}
