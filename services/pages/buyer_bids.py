"""A buyer's view of the bids on one tender, side by side, and the scoring form behind them.

Each bid's committed pounds are the one measure (:func:`spo.measure.bid_values`, the rows a
formalised SPO would give), split into cash and everything else (in-kind goods, hours, jobs at
their open proxies); share in the delivery area, priority alignment and need are the rubric's
own measurable parts (:func:`spo.scoring.measure_parts`) with the need indicator matching uses,
so the figures a buyer compares are the figures the score is built from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from domain.errors import NotFound, StaleVersion
from domain.model import Account, Supplier, Tender
from domain.vocabulary import Role, SupportType
from services.access import require_own_organisation, require_role, visible_spos
from services.events import Broadcaster
from services.imports import need_by_area
from services.need_indicators import default_indicator
from services.pages.forms import FORM, FormErrors, raise_if_any
from services.seal import is_intact
from services.settings import ServiceSettings
from services.spo import score as score_spo
from spo.measure import bid_values, totals
from spo.model import Spo, SpoState
from spo.scoring import (
    MEASURABLE_PARTS,
    QUALITATIVE_PARTS,
    Mark,
    Rubric,
    ScoringInputs,
    lot_shares,
    measure_parts,
)
from store.port import Store

#: how each rubric part is named on a page
PART_LABELS: dict[str, str] = {
    "committed_value": "Committed value",
    "local_share": "Share in the delivery area and lots",
    "priority_alignment": "Priority alignment",
    "need": "Need of the areas served",
    "purpose": "Purpose",
    "capability": "Capability",
    "local_knowledge_engagement": "Local knowledge and engagement",
    "collaboration": "Collaboration",
    "transparency": "Transparency",
}
#: what a buyer marks each relational quality on (the toolkit's questions)
PART_HINTS: dict[str, str] = {
    "purpose": "Does the supplier share the purpose of the activities it supports?",
    "capability": "Can it deliver what it commits, on time?",
    "local_knowledge_engagement": "Does it know and engage the local community?",
    "collaboration": "Will it work with the providers, the buyer and others?",
    "transparency": "Will it report openly what it delivers?",
}
MAX_REASON = 2000
#: states a bid may still be scored in
SCORABLE = frozenset({SpoState.SUBMITTED, SpoState.SCORED})


@dataclass(frozen=True)
class Part:
    """One rubric part as a form or table row: its weight, and the bid's measure or mark."""

    name: str
    label: str
    weight: float
    measurable: bool
    hint: str = ""


@dataclass(frozen=True)
class Bid:
    """One bid (SPO) in the comparison."""

    spo: Spo
    supplier_name: str
    committed_gbp: float
    cash_gbp: float
    in_kind_gbp: float  # every other support type at its open proxy (goods, hours, jobs)
    unvalued_lines: int  # lines in a unit no proxy values: counted at £0
    measures: dict[str, tuple[float, str]]  # measurable part -> (0..1, why)
    lot_shares: tuple[tuple[str, float], ...]  # (lot name, share of £)
    intact: bool

    @property
    def marks(self) -> dict[str, tuple[float, str]]:
        """Qualitative part -> (0..max mark, reason) once scored, else empty."""
        if self.spo.score is None:
            return {}
        return {
            p: (self.spo.score.raw[p] * Rubric().max_mark, self.spo.score.reasons[p])
            for p in QUALITATIVE_PARTS
            if p in self.spo.score.raw
        }

    @property
    def is_scorable(self) -> bool:
        return self.spo.state in SCORABLE and self.intact

    @property
    def is_awardable(self) -> bool:
        return self.spo.state is SpoState.SCORED and self.intact


@dataclass(frozen=True)
class BidsView:
    """A tender and its bids, best score first (unscored after, by id)."""

    tender: Tender
    bids: tuple[Bid, ...]
    parts: tuple[Part, ...]
    max_mark: int
    need_label: str


def rubric_parts(rubric: Rubric | None = None) -> tuple[Part, ...]:
    """Every part of the published rubric in order, measurable ones first."""
    used = rubric or Rubric()
    return tuple(
        Part(
            name,
            PART_LABELS[name],
            used.weight[name],
            name in MEASURABLE_PARTS,
            PART_HINTS.get(name, ""),
        )
        for name in (*MEASURABLE_PARTS, *QUALITATIVE_PARTS)
    )


def own_tender(store: Store, viewer: Account | None, tender_id: str) -> tuple[Account, Tender]:
    """The signed-in buyer and one of its own tenders (another buyer's is ``NotFound``)."""
    actor = require_role(viewer, Role.BUYER)
    tender = store.get(Tender, tender_id)
    require_own_organisation(actor, tender.buyer_id, "tender")
    return actor, tender


def _need(settings: ServiceSettings) -> tuple[Mapping[str, float], str | None]:
    name = default_indicator(settings)
    found = need_by_area(settings, name) if name else None
    return (found or {}), name


def _bid(store: Store, spo: Spo, tender: Tender, need: Mapping[str, float]) -> Bid:
    rows = bid_values(spo)
    cash = sum(r.committed_gbp for r in rows if r.support_type == SupportType.CASH.value)
    plan = store.current_plan(tender.territory_code) if tender.territory_code else None
    inputs = ScoringInputs(
        tender=tender,
        marks={},
        need_by_area=need,
        priorities=tuple(p.theme for p in plan.priorities) if plan else (),
    )
    try:
        supplier_name = store.get(Supplier, spo.supplier_id).name
    except NotFound:
        supplier_name = spo.supplier_id
    lots = {lot.id: lot.name for lot in tender.lots}
    return Bid(
        spo=spo,
        supplier_name=supplier_name,
        committed_gbp=totals(rows).committed_gbp,
        cash_gbp=round(cash, 2),
        in_kind_gbp=round(totals(rows).committed_gbp - cash, 2),
        unvalued_lines=sum(1 for r in rows if not r.valued),
        measures=measure_parts(spo, inputs, Rubric()),
        lot_shares=tuple((lots[k], v) for k, v in lot_shares(spo, tender).items()),
        intact=is_intact(store, spo),
    )


def _rank(bid: Bid) -> tuple[int, float, str]:
    total = bid.spo.score.total if bid.spo.score else None
    return (total is None, -(total or 0.0), bid.spo.id)


def tender_bids(
    store: Store, settings: ServiceSettings, viewer: Account | None, tender_id: str
) -> BidsView:
    """The buyer's tender with every bid it may see (submitted onwards, never a draft or a
    withdrawn bid), measured the way the rubric measures them."""
    _actor, tender = own_tender(store, viewer, tender_id)
    need, name = _need(settings)
    bids = [_bid(store, s, tender, need) for s in visible_spos(store, viewer, tender_id=tender.id)]
    return BidsView(
        tender,
        tuple(sorted(bids, key=_rank)),
        rubric_parts(),
        Rubric().max_mark,
        f"need indicator {name}" if name else "no need indicator imported: need counts 0",
    )


def bid_view(
    store: Store, settings: ServiceSettings, viewer: Account | None, spo_id: str
) -> tuple[BidsView, Bid]:
    """One bid with its tender's comparison (``NotFound`` unless it is the buyer's)."""
    spo = store.get(Spo, spo_id)
    view = tender_bids(store, settings, viewer, spo.tender_id)
    for bid in view.bids:
        if bid.spo.id == spo_id:
            return view, bid
    raise NotFound(f"no bid {spo_id!r}")


def parse_marks(fields: Mapping[str, str], rubric: Rubric | None = None) -> dict[str, Mark]:
    """Each relational quality's mark (``mark-PART``, a whole number 0..max) and written
    reason (``reason-PART``), every problem at once (:class:`FormErrors`)."""
    used = rubric or Rubric()
    errors: dict[str, str] = {}
    marks: dict[str, Mark] = {}
    for part in QUALITATIVE_PARTS:
        label = PART_LABELS[part]
        text = fields.get(f"mark-{part}", "").strip()
        reason = fields.get(f"reason-{part}", "").strip()
        mark = -1
        if not text:
            errors[f"mark-{part}"] = f"Choose a mark from 0 to {used.max_mark} for {label.lower()}"
        elif not text.isdigit() or not 0 <= int(text) <= used.max_mark:
            errors[f"mark-{part}"] = f"The mark for {label.lower()} must be 0 to {used.max_mark}"
        else:
            mark = int(text)
        if not reason:
            errors[f"reason-{part}"] = f"Write the reason for the {label.lower()} mark"
        elif len(reason) > MAX_REASON:
            errors[f"reason-{part}"] = (
                f"The reason for {label.lower()} must be {MAX_REASON} characters or fewer"
            )
        if mark >= 0 and reason:
            marks[part] = Mark(mark, reason)
    raise_if_any(errors)
    return marks


def parse_version(text: str) -> int:
    """The ``expected_version`` a form carries (a tampered form is a form error)."""
    if not text.strip().isdigit():
        raise FormErrors({FORM: "This form is out of date: open the bid again"})
    return int(text)


def score_bid(
    store: Store,
    settings: ServiceSettings,
    viewer: Account | None,
    spo_id: str,
    *,
    fields: Mapping[str, str],
    bus: Broadcaster | None = None,
) -> Spo:
    """Score a bid from the scoring form: marks and reasons checked all at once, then the
    published rubric with the need indicator the comparison shows."""
    own_tender(store, viewer, store.get(Spo, spo_id).tender_id)
    version = parse_version(fields.get("expected_version", ""))
    marks = parse_marks(fields)
    need, name = _need(settings)
    try:
        return score_spo(
            store,
            spo_id,
            actor=viewer,
            expected_version=version,
            marks=marks,
            need_by_area=dict(need) or None,
            need_indicator=name,
            bus=bus,
        )
    except StaleVersion as exc:
        raise FormErrors({FORM: "Someone changed this bid since you opened it: reload"}) from exc
