"""Demo SPO scenarios: every lifecycle state, in every territory, with progress (pure).

Thames Valley gets one SPO in each of the eight states plus extra ones in delivery, awarded in
different quarters (so its PCC office sees £ across periods), its last tender left open with
no bid (so every supplier has one to bid for), and :data:`OPEN_BIDS` more bids
from different suppliers submitted to its first tender (so its buyer has bids to score side by
side); every other territory gets one SPO, the states cycling, so a PCC anywhere sees social
value flowing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import shapely

from demo import catalogue as cat
from demo.people import make_plans
from domain.model import Activity, Need, Supplier, Tender, Territory
from domain.vocabulary import SupportType, ValidationStatus
from spo.model import SpoState

#: the states in the order the cycle hands them out
STATE_CYCLE: tuple[SpoState, ...] = (
    SpoState.IN_DELIVERY,
    SpoState.AWARDED,
    SpoState.SUBMITTED,
    SpoState.SCORED,
    SpoState.DRAFT,
    SpoState.NOT_AWARDED,
    SpoState.REVIEWED,
    SpoState.WITHDRAWN,
)
_DELIVERED = {SpoState.IN_DELIVERY, SpoState.REVIEWED}
_FORMAL = {SpoState.AWARDED, SpoState.IN_DELIVERY, SpoState.REVIEWED}
#: submitted bids from different suppliers waiting for the Thames Valley buyer's scores
OPEN_BIDS = 3
#: how long ago Thames Valley's formalised SPOs were drafted, in turn: awards in four quarters
_STARTS_DAYS_AGO = (50, 140, 230, 320)


@dataclass(frozen=True)
class SpoLinePlan:
    """One line the scenario's supplier commits (amount in ``unit``); milestones are
    (due date, cumulative amount)."""

    activity_id: str
    support_type: SupportType
    amount: float
    unit: str
    priority: str
    milestones: tuple[tuple[date, float], ...]


@dataclass(frozen=True)
class SpoScenario:
    """An SPO to create and drive to ``target`` through the SPO services."""

    id: str
    supplier_id: str
    tender_id: str
    buyer_id: str
    title: str
    target: SpoState
    lines: tuple[SpoLinePlan, ...]
    progress: tuple[tuple[int, float, date], ...] = ()  # (line index, amount, delivered on)
    started_days_ago: int = 50  # when the draft is opened (award about 15 days later)


def scenarios_for(
    territories: Sequence[Territory],
    activities_by_territory: Mapping[str, Sequence[Activity]],
    suppliers: Sequence[Supplier],
    tenders: Sequence[Tender],
    rng: np.random.Generator,
    today: date,
) -> tuple[SpoScenario, ...]:
    """One scenario per (territory, state) pick; see the module docstring."""
    result: list[SpoScenario] = []
    for n, territory in enumerate(sorted(territories, key=lambda t: t.code)):
        if territory.code == cat.THAMES_VALLEY:
            states = (*STATE_CYCLE, SpoState.IN_DELIVERY, SpoState.IN_DELIVERY, SpoState.AWARDED)
        else:
            states = (STATE_CYCLE[n % len(STATE_CYCLE)],)
        own_tenders = [t for t in tenders if t.territory_code == territory.code]
        candidates = [
            a
            for a in activities_by_territory.get(territory.code, ())
            if a.validation_status is ValidationStatus.VALIDATED and a.needs
        ]
        if not own_tenders or not candidates:
            continue
        themes = [p.theme for p in make_plans([territory])[0].priorities]
        local = _suppliers_in(suppliers, territory) or list(suppliers)
        formal = 0
        # Thames Valley's last tender is left without bids: every supplier has one to bid for
        bid_on = own_tenders[:-1] if territory.code == cat.THAMES_VALLEY else own_tenders
        bid_on = bid_on or own_tenders
        for k, state in enumerate(states):
            tender = bid_on[k % len(bid_on)]
            supplier = local[int(rng.integers(len(local)))]
            started = 50
            if territory.code == cat.THAMES_VALLEY and state in _FORMAL:
                started = _STARTS_DAYS_AGO[formal % len(_STARTS_DAYS_AGO)]
                formal += 1
            result.append(
                _scenario(
                    f"spo-{territory.code.lower()}-{k + 1}",
                    supplier,
                    tender,
                    territory,
                    state,
                    _lines(candidates, themes, rng, today),
                    rng,
                    today,
                    started,
                )
            )
        if territory.code == cat.THAMES_VALLEY:
            result += _open_bids(
                territory, own_tenders[0], result, local, suppliers, candidates, themes, rng, today
            )
    return tuple(result)


def _scenario(
    id_: str,
    supplier: Supplier,
    tender: Tender,
    territory: Territory,
    state: SpoState,
    lines: tuple[SpoLinePlan, ...],
    rng: np.random.Generator,
    today: date,
    started_days_ago: int = 50,
) -> SpoScenario:
    since_award = max(1, started_days_ago - 15)
    progress = _progress(lines, rng, today, since_award) if state in _DELIVERED else ()
    return SpoScenario(
        id=id_,
        supplier_id=supplier.id,
        tender_id=tender.id,
        buyer_id=tender.buyer_id,
        title=f"{supplier.name} social value for {territory.name}",
        target=state,
        lines=lines,
        progress=progress,
        started_days_ago=started_days_ago,
    )


def _open_bids(
    territory: Territory,
    tender: Tender,
    made: Sequence[SpoScenario],
    local: Sequence[Supplier],
    everyone: Sequence[Supplier],
    candidates: Sequence[Activity],
    themes: Sequence[str],
    rng: np.random.Generator,
    today: date,
) -> list[SpoScenario]:
    """:data:`OPEN_BIDS` submitted SPOs on ``tender``, each from a supplier with no other SPO
    on it (local suppliers first), so the bids compete side by side."""
    taken = {s.supplier_id for s in made if s.tender_id == tender.id}
    ordered = [*local, *(s for s in everyone if s not in local)]
    bidders = [s for s in ordered if s.id not in taken][:OPEN_BIDS]
    return [
        _scenario(
            f"spo-{territory.code.lower()}-bid-{n + 1}",
            supplier,
            tender,
            territory,
            SpoState.SUBMITTED,
            _lines(candidates, themes, rng, today),
            rng,
            today,
        )
        for n, supplier in enumerate(bidders)
    ]


def _suppliers_in(suppliers: Sequence[Supplier], territory: Territory) -> list[Supplier]:
    """Suppliers with a site inside the territory."""
    if territory.geometry is None:
        return []
    owners = [n for n, s in enumerate(suppliers) for _ in s.sites]
    lon = np.array([site.location.x for s in suppliers for site in s.sites])
    lat = np.array([site.location.y for s in suppliers for site in s.sites])
    inside = shapely.contains_xy(territory.geometry, lon, lat)
    return [suppliers[n] for n in sorted({owners[i] for i in np.flatnonzero(inside)})]


def _lines(
    candidates: Sequence[Activity], themes: Sequence[str], rng: np.random.Generator, today: date
) -> tuple[SpoLinePlan, ...]:
    size = min(len(candidates), int(rng.integers(1, 4)))
    picked = [candidates[int(i)] for i in rng.choice(len(candidates), size=size, replace=False)]
    lines = []
    for activity in sorted(picked, key=lambda a: a.id):
        need = activity.needs[int(rng.integers(len(activity.needs)))]
        amount, unit = _amount(need, rng)
        priority = next((t for t in activity.themes if t in themes), activity.themes[0])
        start = today - timedelta(days=int(rng.integers(60, 200)))
        half = float(amount // 2) if unit in ("items", "people") else round(amount * 0.5, 2)
        milestones = (
            (start + timedelta(days=180), half),
            (start + timedelta(days=365), amount),
        )
        lines.append(
            SpoLinePlan(activity.id, need.support_type, amount, unit, priority, milestones)
        )
    return tuple(lines)


def _amount(need: Need, rng: np.random.Generator) -> tuple[float, str]:
    defaults = {SupportType.CASH: (5000.0, "GBP"), SupportType.JOBS: (2.0, "people")}
    base, unit = defaults.get(need.support_type, (100.0, "hours"))
    if need.support_type is SupportType.IN_KIND:
        unit = "items"
        base = 20.0
    if need.amount is not None and need.unit == unit:
        base = need.amount
    share = float(rng.choice([0.25, 0.5, 0.75, 1.0]))
    return float(max(1.0, round(base * share))), unit


def _progress(
    lines: Sequence[SpoLinePlan], rng: np.random.Generator, today: date, since_award: int
) -> tuple[tuple[int, float, date], ...]:
    """One or two reports a line, dated between the award and today; never the whole
    commitment, so the line's provider always has delivery left to report."""
    reports = []
    for index, line in enumerate(lines):
        amount = line.amount
        left = amount  # delivery never passes the commitment (the service refuses it)
        for step in range(int(rng.integers(1, 3))):
            delivered = float(max(1.0, round(amount * float(rng.uniform(0.1, 0.35)))))
            delivered = min(delivered, left)
            if delivered <= 0:
                break
            left -= delivered
            days_ago = round(since_award * (0.7 if step == 0 else 0.25))
            reports.append((index, delivered, today - timedelta(days=days_ago)))
    return tuple(reports)
