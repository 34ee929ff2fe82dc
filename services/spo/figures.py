"""Committed and delivered social value gathered from the store: the one read path of figures.

Every surface that shows £ (coverage and heatmap endpoints and pages, the SPO export, the
social value report) calls :func:`gather_figures` with its filters and sums the rows it gets,
so the same filters give the same £ everywhere. Formalised SPOs only, each verified against its
lock (:mod:`services.seal`): a tampered SPO is named in ``tampered`` and counted
nowhere. The pure measure is :mod:`spo.measure`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from domain.errors import InvalidInput
from domain.model import Tender
from domain.vocabulary import is_theme
from services.seal import split_intact
from spo.measure import LineValue, Period, Totals, measure, parse_period, totals
from spo.model import FORMAL_STATES, ProgressReport, Spo
from store.port import Store


@dataclass(frozen=True)
class Filters:
    """What a caller asked for, checked: a theme code and a named period (either optional)."""

    priority: str | None = None
    period: Period | None = None

    @property
    def label(self) -> str:
        """Words for an empty result: "no formalised social value for ... in ..."."""
        period = self.period.label if self.period else "any period"
        return f"{self.priority or 'any priority'}, {period}"


def parse_filters(priority: str | None = None, period: str | None = None) -> Filters:
    """``InvalidInput`` (422) for a priority that is not a theme code or an unknown period."""
    if priority is not None and priority != "all" and not is_theme(priority):
        raise InvalidInput(f"unknown priority {priority!r}: use a theme code")
    return Filters(
        priority=None if priority in (None, "all") else priority,
        period=None if period is None else parse_period(period),
    )


@dataclass(frozen=True)
class Figures:
    """The measured rows for some filters, and the SPOs left out because they fail the check."""

    rows: tuple[LineValue, ...]
    tampered_spos: tuple[Spo, ...]  # as stored, failing the check: named, never counted
    filters: Filters
    buyer_of_tender: dict[str, str]
    states: dict[str, str]  # SPO id -> state, for the SPOs measured

    @property
    def tampered(self) -> tuple[str, ...]:
        """Ids of the SPOs left out because their lock no longer verifies."""
        return tuple(s.id for s in self.tampered_spos)

    @property
    def totals(self) -> Totals:
        return totals(self.rows)

    @property
    def is_empty(self) -> bool:
        """True when nothing was committed or delivered for these filters."""
        return not self.rows

    @property
    def empty_message(self) -> str | None:
        """What to say instead of a map of zeros, or None when there are figures."""
        if self.rows:
            return None
        return f"no formalised social value for {self.filters.label}"


def formalised_spos(store: Store) -> Iterator[Spo]:
    """Every formalised SPO as stored (unverified), by state then id."""
    for state in sorted(FORMAL_STATES):
        yield from store.iter_all(Spo, state=state.value)


def _reports(store: Store, spo_ids: list[str]) -> dict[str, list[ProgressReport]]:
    by_spo: dict[str, list[ProgressReport]] = defaultdict(list)
    for spo_id in spo_ids:
        by_spo[spo_id] += store.iter_all(ProgressReport, spo_id=spo_id)
    return by_spo


def gather_figures(
    store: Store,
    filters: Filters | None = None,
    *,
    territory_code: str | None = None,
    buyer_id: str | None = None,
    as_of: date | None = None,
) -> Figures:
    """Measured rows of every intact formalised SPO (lines in ``territory_code``, SPOs of
    ``buyer_id``'s tenders) for ``filters``; delivery counted up to ``as_of`` (today)."""
    filters = filters or Filters()
    checked = split_intact(store, formalised_spos(store))
    buyers: dict[str, str] = {}
    for spo in (*checked.intact, *checked.tampered):
        if spo.tender_id not in buyers:
            buyers[spo.tender_id] = store.get(Tender, spo.tender_id).buyer_id

    def selected(spo: Spo) -> bool:
        if buyer_id is not None and buyers[spo.tender_id] != buyer_id:
            return False
        return territory_code is None or any(x.territory_code == territory_code for x in spo.lines)

    wanted = [s for s in checked.intact if selected(s)]
    tampered = tuple(sorted((s for s in checked.tampered if selected(s)), key=lambda s: s.id))
    rows = measure(
        wanted,
        _reports(store, [s.id for s in wanted]),
        as_of=as_of or date.today(),
        period=filters.period,
        priority=filters.priority,
    )
    if territory_code is not None:
        rows = [r for r in rows if r.territory_code == territory_code]
    states = {s.id: s.state.value for s in wanted}
    return Figures(tuple(rows), tampered, filters, buyers, states)
