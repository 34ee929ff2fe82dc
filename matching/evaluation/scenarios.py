"""The labelled evaluation scenarios (``scenarios.json``) as domain objects.

See ``matching.evaluation.builder`` for how the file is made and the expert's labelling rule.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from shapely.geometry import Point, box

from domain.model import (
    Activity,
    Evidence,
    Lot,
    Need,
    Offer,
    PlanPriority,
    PolicePlan,
    Site,
    Supplier,
    Tender,
)
from domain.vocabulary import SupportType, ValidationStatus
from matching.context import MatchingContext

DATA_FILE = Path(__file__).with_name("scenarios.json")


@dataclass(frozen=True)
class Scenario:
    """One supplier's question, the activities around it, and the expert's graded answer."""

    id: str
    supplier: Supplier
    tender: Tender | None
    radius_m: float
    activities: tuple[Activity, ...]
    grades: dict[str, int]  # activity id -> 0..3 (eligible activities only)
    why: dict[str, str]


@dataclass(frozen=True)
class ScenarioSet:
    """All scenarios and the context (plans, names, date) they share."""

    scenarios: tuple[Scenario, ...]
    context: MatchingContext


def _activity(row: dict[str, Any]) -> Activity:
    until = row["validated_until"]
    return Activity(
        id=row["id"],
        provider_id=row["provider_id"],
        name=row["name"],
        location=Point(row["lon"], row["lat"]),
        description=row["description"],
        themes=tuple(row["themes"]),
        needs=tuple(
            Need(SupportType(n["support_type"]), amount=n["amount"], sector=n["sector"])
            for n in row["needs"]
        ),
        evidence=(Evidence("evaluation", strength=row["evidence_strength"]),),
        validation_status=ValidationStatus(row["validation_status"]),
        validated_until=date.fromisoformat(until) if until else None,
        funding_gap_gbp=row["funding_gap_gbp"],
        at_risk=row["at_risk"],
        local_authority_code=row["local_authority_code"],
        territory_code=row["territory_code"],
    )


def _supplier(scenario_id: str, row: dict[str, Any]) -> Supplier:
    return Supplier(
        id=f"{scenario_id}-supplier",
        name=row["name"],
        sites=tuple(
            Site(f"{scenario_id}-site-{i}", s["name"], Point(s["lon"], s["lat"]))
            for i, s in enumerate(row["sites"])
        ),
        offers=tuple(Offer(SupportType(kind), sector=sector) for kind, sector in row["offers"]),
        sectors=tuple(row["sectors"]),
    )


def _tender(scenario_id: str, row: dict[str, Any] | None) -> Tender | None:
    if row is None:
        return None
    area = row["delivery_area"]
    return Tender(
        id=f"{scenario_id}-tender",
        buyer_id="buyer",
        title=row["title"],
        territory_code=row["territory_code"],
        delivery_area=box(*area) if area else None,
        lots=tuple(
            Lot(f"{scenario_id}-lot-{i}", lot["name"], box(*lot["bbox"]))
            for i, lot in enumerate(row["lots"])
        ),
        priorities=tuple(row["priorities"]),
    )


def _context(data: dict[str, Any]) -> MatchingContext:
    plans = {
        code: PolicePlan(
            code,
            1,
            "Police and Crime Plan (illustrative)",
            date(2024, 1, 1),
            tuple(PlanPriority(t, title, w) for t, title, w in prios),
            "dicm evaluation scenarios (illustrative)",
        )
        for code, prios in data["plans"].items()
    }
    return MatchingContext(
        plans=plans,
        need_by_area=data["need_by_area"],
        area_names=data["territory_names"],
        as_of=date.fromisoformat(data["as_of"]),
    )


def load_scenarios(path: Path = DATA_FILE) -> ScenarioSet:
    """Read the scenario file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    scenarios = []
    for row in data["scenarios"]:
        labels = dict(row["labels"])
        scenarios.append(
            Scenario(
                id=row["id"],
                supplier=_supplier(row["id"], row["supplier"]),
                tender=_tender(row["id"], row["tender"]),
                radius_m=row["radius_m"],
                activities=tuple(_activity(a) for a in row["activities"]),
                grades={k: v["grade"] for k, v in labels.items()},
                why={k: v["why"] for k, v in labels.items()},
            )
        )
    return ScenarioSet(tuple(scenarios), _context(data))
