"""SPO test builders: ``make_x(**overrides)`` returns a valid value; override what a test needs."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from domain.model import Account
from domain.vocabulary import Role, SupportType
from spo.model import Milestone, Spo, SpoLine
from tests.builders import READING

TVP = "E23000029"  # Thames Valley police force area
READING_LA = "E06000038"


def make_account(role: Role = Role.SUPPLIER, **overrides: Any) -> Account:
    org = {
        Role.SUPPLIER: "sup-1",
        Role.BUYER: "buyer-1",
        Role.PROVIDER: "prov-1",
    }.get(role)
    base = Account(
        id=f"acct-{role.value}",
        name=f"A {role.value}",
        role=role,
        organisation_id=org,
        territory_code=TVP if role in (Role.VALIDATOR, Role.PCC_OFFICE) else None,
    )
    return replace(base, **overrides)


def make_line(**overrides: Any) -> SpoLine:
    base = SpoLine(
        id="line-1",
        activity_id="act-1",
        support_type=SupportType.VOLUNTEERING,
        amount=200.0,
        unit="hours",
        priority="serious_violence",
        milestones=(
            Milestone(date(2027, 3, 31), 50.0, "first quarter"),
            Milestone(date(2027, 12, 31), 200.0, "year end"),
        ),
        lon=READING[0],
        lat=READING[1],
        local_authority_code=READING_LA,
        territory_code=TVP,
    )
    return replace(base, **overrides)


def make_spo(**overrides: Any) -> Spo:
    base = Spo(
        id="spo-1",
        supplier_id="sup-1",
        tender_id="tender-1",
        lines=(make_line(),),
        title="Coaching hours for the boxing club",
    )
    return replace(base, **overrides)
