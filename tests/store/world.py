"""One of every stored entity, wired together, for the store contract suite."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from shapely.geometry import box

from domain.model import Account, Contract, Lot, SmallArea
from domain.vocabulary import Role, SupportType
from spo.model import (
    Milestone,
    ProgressReport,
    ScoreBreakdown,
    Spo,
    SpoLine,
    SpoState,
    Variation,
)
from store.port import Entity, Store
from tests.builders import (
    make_activity,
    make_buyer,
    make_local_authority,
    make_provider,
    make_region,
    make_supplier,
    make_tender,
    make_territory,
)

AT = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def make_spo(**overrides: Any) -> Spo:
    line = SpoLine(
        id="line-1",
        activity_id="act-1",
        support_type=SupportType.VOLUNTEERING,
        amount=120.0,
        unit="hours",
        priority="serious_violence",
        milestones=(Milestone(date(2027, 6, 30), 60.0, "half way"),),
        lon=-0.973,
        lat=51.4543,
        local_authority_code="E06000038",
        territory_code="E23000029",
    )
    score = ScoreBreakdown(
        rubric_id="rubric-1",
        total=71.5,
        parts={"where": 30.0, "how": 41.5},
        raw={"where": 0.75, "how": 0.83},
        reasons={"how": "credible plan"},
        scored_by="buyer-officer",
        scored_at=AT,
    )
    base = Spo(
        id="spo-1",
        supplier_id="sup-1",
        tender_id="tender-1",
        lines=(line,),
        state=SpoState.SCORED,
        title="Coaching hours for Reading boxing club",
        score=score,
        created_at=AT,
        updated_at=AT,
        extra={"note": "first bid"},
    )
    return replace(base, **overrides)


def make_contract(**overrides: Any) -> Contract:
    base = Contract(
        id="contract-1",
        tender_id="tender-1",
        supplier_id="sup-1",
        awarded_at=AT,
        spo_id="spo-1",
        value_gbp=950_000.0,
    )
    return replace(base, **overrides)


def make_progress(**overrides: Any) -> ProgressReport:
    base = ProgressReport(
        id="progress-1",
        spo_id="spo-1",
        line_id="line-1",
        amount=12.5,
        delivered_on=date(2027, 2, 1),
        reported_by="prov-1",
        evidence_url="https://example.org/photos",
        note="first sessions",
    )
    return replace(base, **overrides)


def make_account(**overrides: Any) -> Account:
    base = Account(
        id="acct-1",
        name="TVP validator",
        role=Role.VALIDATOR,
        territory_code="E23000029",
        token_hash="sha256:abc",
    )
    return replace(base, **overrides)


def make_lsoa(**overrides: Any) -> SmallArea:
    """Reading 001A (a real 2011 LSOA code), drawn as a made-up box inside Reading."""
    base = SmallArea(
        "E01016353",
        "Reading 001A",
        "lsoa",
        "E06000038",
        "E23000029",
        box(-1.0, 51.44, -0.98, 51.46),
    )
    return replace(base, **overrides)


def make_lotted_tender(**overrides: Any) -> Any:
    lots = (Lot("lot-1", "Reading", box(-1.05, 51.41, -0.93, 51.49)),)
    return make_tender(lots=lots, **overrides)


def one_of_each() -> list[Entity]:
    """Every entity type once, parents first (ENTITY_TYPES order)."""
    return [
        make_region(),
        make_territory(),
        make_local_authority(),
        make_lsoa(),
        make_provider(),
        make_activity(),
        make_supplier(),
        make_buyer(territory_code="E23000029"),
        make_lotted_tender(territory_code="E23000029"),
        make_contract(),
        make_spo(),
        make_progress(),
        make_account(),
    ]


def seed_order(items: list[Entity]) -> list[Entity]:
    """Parents before children (a contract after its SPO)."""
    order = [e for e in items if not isinstance(e, Contract | ProgressReport | Account)]
    return order + [e for e in items if isinstance(e, ProgressReport | Account | Contract)]


def seed_world(store: Store) -> list[Entity]:
    """Put one of each in seed order; returns them in ENTITY_TYPES order."""
    items = one_of_each()
    for entity in seed_order(items):
        store.put(entity)
    return items


def variation(version: int) -> Variation:
    return Variation(version, "scope change", "buyer-officer", AT, f"hash-{version}")
