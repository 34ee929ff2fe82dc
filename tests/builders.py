"""Test-data builders: ``make_x(**overrides)`` returns a valid entity; override what a test needs.

Locations default to real places in Thames Valley (lon, lat).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from shapely.geometry import Point, box

from domain.model import (
    Activity,
    Buyer,
    LocalAuthority,
    Need,
    Offer,
    PlanPriority,
    PolicePlan,
    Provider,
    Region,
    Site,
    Supplier,
    Tender,
    Territory,
)
from domain.vocabulary import BuyerKind, SupportType, ValidationStatus

READING = (-0.9730, 51.4543)
OXFORD = (-1.2577, 51.7520)
MILTON_KEYNES = (-0.7594, 52.0406)
SLOUGH = (-0.5950, 51.5105)


def make_provider(**overrides: Any) -> Provider:
    base = Provider(id="prov-1", name="Reading Youth Trust")
    return replace(base, **overrides)


def make_activity(**overrides: Any) -> Activity:
    lon, lat = overrides.pop("lon_lat", READING)
    base = Activity(
        id="act-1",
        provider_id="prov-1",
        name="Boxing club youth diversion",
        location=Point(lon, lat),
        description="Evening boxing sessions diverting young people from knife crime.",
        themes=("serious_violence", "youth_diversion"),
        needs=(Need(SupportType.VOLUNTEERING, "coaches", 200, "hours"),),
        validation_status=ValidationStatus.VALIDATED,
        validated_until=date(2099, 1, 1),
    )
    return replace(base, **overrides)


def make_supplier(**overrides: Any) -> Supplier:
    base = Supplier(
        id="sup-1",
        name="Thames Build Ltd",
        sites=(Site("site-1", "Reading depot", Point(*READING), "RG1 1AA"),),
        offers=(Offer(SupportType.VOLUNTEERING, 500, "hours"),),
        sectors=("construction",),
    )
    return replace(base, **overrides)


def make_buyer(**overrides: Any) -> Buyer:
    base = Buyer(id="buyer-1", name="Thames Valley Police", kind=BuyerKind.POLICE)
    return replace(base, **overrides)


def make_tender(**overrides: Any) -> Tender:
    base = Tender(
        id="tender-1",
        buyer_id="buyer-1",
        title="Fleet maintenance 2027-2030",
        delivery_area=box(-1.6, 51.3, -0.5, 52.1),
        priorities=("serious_violence",),
        contract_value_gbp=1_000_000.0,
    )
    return replace(base, **overrides)


def now() -> datetime:
    return datetime.now(UTC)


# --- geography around Reading (appended by the store work; boxes, not real boundaries) -------
SOUTH_EAST = "E12000008"
THAMES_VALLEY = "E23000029"  # ONS Police Force Area code (E23000035 is Devon & Cornwall)
READING_LA = "E06000038"


def make_region(**overrides: Any) -> Region:
    base = Region(code=SOUTH_EAST, name="South East", geometry=box(-1.8, 51.2, -0.3, 52.2))
    return replace(base, **overrides)


def make_territory(**overrides: Any) -> Territory:
    base = Territory(
        code=THAMES_VALLEY,
        name="Thames Valley",
        force_name="Thames Valley Police",
        pcc_name="Thames Valley Police and Crime Commissioner",
        region_code=SOUTH_EAST,
        geometry=box(-1.6, 51.3, -0.5, 52.1),
    )
    return replace(base, **overrides)


def make_local_authority(**overrides: Any) -> LocalAuthority:
    base = LocalAuthority(
        code=READING_LA,
        name="Reading",
        territory_code=THAMES_VALLEY,
        region_code=SOUTH_EAST,
        geometry=box(-1.05, 51.41, -0.93, 51.49),
    )
    return replace(base, **overrides)


def make_plan(**overrides: Any) -> PolicePlan:
    """A one-priority (serious violence) Police & Crime Plan for Thames Valley."""
    base = PolicePlan(
        THAMES_VALLEY,
        1,
        "Police and Criminal Justice Plan",
        date(2021, 7, 1),
        (PlanPriority("serious_violence", "Serious violence"),),
        "test",
    )
    return replace(base, **overrides)
