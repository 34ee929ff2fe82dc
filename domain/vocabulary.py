"""Controlled vocabularies: organisation kinds, support types, validation states, themes.

Themes are the shared language of Police & Crime Plan priorities, tender priorities and
activity themes; matching compares them by code. The list is dicm's own grouping of priorities
that recur across published Police & Crime Plans (e.g. Thames Valley PCC, Police and Crime Plan
2021-2025), not an official taxonomy.
"""

from __future__ import annotations

from enum import StrEnum


class BuyerKind(StrEnum):
    POLICE = "police"
    COUNCIL = "council"
    NHS = "nhs"
    FIRE_RESCUE = "fire_rescue"
    CRIMINAL_JUSTICE = "criminal_justice"
    UNIVERSITY = "university"


class ProviderKind(StrEnum):
    CHARITY = "charity"
    SOCIAL_ENTERPRISE = "social_enterprise"
    COMMUNITY_GROUP = "community_group"


class SupportType(StrEnum):
    """What a supplier can give and an activity can need."""

    CASH = "cash"
    VOLUNTEERING = "volunteering"
    SKILLS = "skills"
    IN_KIND = "in_kind"
    JOBS = "jobs"


class ValidationStatus(StrEnum):
    """The "Target!" state of an activity."""

    PENDING = "pending"
    VALIDATED = "validated"
    DECLINED = "declined"
    LAPSED = "lapsed"


class Role(StrEnum):
    SUPPLIER = "supplier"
    PROVIDER = "provider"
    VALIDATOR = "validator"
    BUYER = "buyer"
    PCC_OFFICE = "pcc_office"
    ADMIN = "admin"


# code -> human label. Codes are stable identifiers; labels may be reworded.
THEMES: dict[str, str] = {
    "serious_violence": "Serious violence and knife crime",
    "violence_against_women_and_girls": "Violence against women and girls",
    "domestic_abuse": "Domestic abuse",
    "youth_diversion": "Youth diversion and early intervention",
    "exploitation": "Child and adult exploitation, county lines",
    "drugs_alcohol": "Drugs and alcohol misuse",
    "mental_health": "Mental health",
    "reoffending": "Reducing reoffending and rehabilitation",
    "victims": "Support for victims and witnesses",
    "antisocial_behaviour": "Anti-social behaviour",
    "neighbourhood_crime": "Neighbourhood crime (burglary, theft, vehicle crime)",
    "rural_crime": "Rural and wildlife crime",
    "road_safety": "Road safety",
    "fraud_cybercrime": "Fraud and cybercrime",
    "hate_crime": "Hate crime and community cohesion",
    "homelessness": "Homelessness and housing",
    "employment_skills": "Employment, skills and education",
    "health_wellbeing": "Physical health and wellbeing",
}


def is_theme(code: str) -> bool:
    """True when ``code`` is in the theme vocabulary."""
    return code in THEMES
