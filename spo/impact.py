"""Secondary impact: frontline costs an activity's reported outcomes may avoid, as a range.

INDICATIVE ONLY. Each outcome an activity reports (``Evidence.outcome`` with a yearly
``quantity``) is multiplied by a published unit cost from ``unit_costs.csv`` — every figure with
its source, price year, URL and a confidence flag ("verified" against the publication;
"corroborated" by a secondary report of the publication; "unverified" = to be checked before
quoting) — and by
an *attribution* range: the share of the avoided cost credited to the activity. The attribution
range is dicm's own assumption, widening as evidence weakens (``ATTRIBUTION_BY_STRENGTH``);
it is not a published figure. Costs are not inflated to a common price year.

Fiscal costs (direct costs to a public budget: police, NHS, criminal justice, social care) are
reported apart from wider economic and social costs (which, for crime, already contain police,
health and justice elements that the source does not let us separate).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from domain.model import Evidence

#: evidence strength (1 anecdotal .. 5 independent evaluation) -> (low, high) attribution share
ATTRIBUTION_BY_STRENGTH: dict[int, tuple[float, float]] = {
    1: (0.0, 0.1),
    2: (0.05, 0.2),
    3: (0.1, 0.3),
    4: (0.2, 0.5),
    5: (0.3, 0.7),
}


@dataclass(frozen=True)
class UnitCost:
    """A published unit cost of one outcome, with its provenance."""

    outcome: str
    description: str
    unit: str
    value_gbp: float
    price_year: str
    category: str  # policing | nhs | criminal_justice | social_care | wider_social
    kind: str  # fiscal | economic_and_social
    source: str
    url: str
    confidence: str  # verified | corroborated (by a secondary report of it) | unverified
    note: str


@dataclass(frozen=True)
class ImpactItem:
    """One reported outcome costed: quantity x unit cost x attribution (low..high)."""

    outcome: str
    quantity: float
    unit_cost: UnitCost
    attribution_low: float
    attribution_high: float
    low_gbp: float
    high_gbp: float


@dataclass(frozen=True)
class ImpactEstimate:
    """Avoided costs per year as ranges, fiscal apart from wider social, with every item."""

    fiscal_low_gbp: float
    fiscal_high_gbp: float
    social_low_gbp: float
    social_high_gbp: float
    items: tuple[ImpactItem, ...]
    unmatched_outcomes: tuple[str, ...]  # reported outcomes dicm has no unit cost for
    indicative: bool = True


@cache
def load_unit_costs() -> dict[str, UnitCost]:
    """Outcome code -> unit cost, from ``spo/unit_costs.csv``."""
    text = files("spo").joinpath("unit_costs.csv").read_text(encoding="utf-8")
    return {
        r["outcome"]: UnitCost(
            outcome=r["outcome"],
            description=r["description"],
            unit=r["unit"],
            value_gbp=float(r["value_gbp"]),
            price_year=r["price_year"],
            category=r["category"],
            kind=r["kind"],
            source=r["source"],
            url=r["url"],
            confidence=r["confidence"],
            note=r["note"],
        )
        for r in csv.DictReader(text.splitlines())
    }


def cost_item(evidence: Evidence, unit_cost: UnitCost) -> ImpactItem:
    """One outcome costed as a range."""
    low, high = ATTRIBUTION_BY_STRENGTH[min(5, max(1, evidence.strength))]
    quantity = max(0.0, evidence.quantity or 0.0)
    base = quantity * unit_cost.value_gbp
    return ImpactItem(
        outcome=unit_cost.outcome,
        quantity=quantity,
        unit_cost=unit_cost,
        attribution_low=low,
        attribution_high=high,
        low_gbp=round(base * low, 2),
        high_gbp=round(base * high, 2),
    )


def estimate_impact(
    evidence: Iterable[Evidence], unit_costs: dict[str, UnitCost] | None = None
) -> ImpactEstimate:
    """The avoided-cost range of the outcomes in ``evidence`` (outcome and quantity set)."""
    costs = load_unit_costs() if unit_costs is None else unit_costs
    items: list[ImpactItem] = []
    unmatched: list[str] = []
    for ev in evidence:
        if ev.outcome is None:
            continue
        if ev.outcome in costs:
            items.append(cost_item(ev, costs[ev.outcome]))
        else:
            unmatched.append(ev.outcome)
    fiscal = [i for i in items if i.unit_cost.kind == "fiscal"]
    social = [i for i in items if i.unit_cost.kind != "fiscal"]
    return ImpactEstimate(
        fiscal_low_gbp=round(sum(i.low_gbp for i in fiscal), 2),
        fiscal_high_gbp=round(sum(i.high_gbp for i in fiscal), 2),
        social_low_gbp=round(sum(i.low_gbp for i in social), 2),
        social_high_gbp=round(sum(i.high_gbp for i in social), 2),
        items=tuple(items),
        unmatched_outcomes=tuple(sorted(set(unmatched))),
    )
