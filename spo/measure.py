"""The one measure of committed and delivered social value, in pounds, per SPO line.

Every figure dicm shows (API aggregates, map pages, exports, the social value report) is a sum
of :class:`LineValue` rows built here, so two surfaces can never disagree on the same area:

- only **formalised** SPOs count (:data:`spo.model.FORMAL_STATES`);
- *committed* is the line's amount, counted in the period its SPO was locked (awarded);
- *delivered* sums the line's progress reports dated inside the period and not after ``as_of``
  (today), a corrected report replaced by its correction;
- pounds use the open proxy values of :mod:`spo.values` for every support type (cash, in-kind,
  volunteer and skills hours, jobs); a unit no proxy fits is kept in its own unit, worth £0,
  and flagged ``valued=False``.

A period is a calendar year (``2026``) or quarter (``2026-Q4``), the names the data uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from domain.errors import InvalidInput
from spo.model import FORMAL_STATES, ProgressReport, Spo
from spo.values import ProxyValue, proxy_for

_PERIOD = re.compile(r"^(\d{4})(?:-Q([1-4]))?$")


@dataclass(frozen=True)
class Period:
    """A named calendar period with its inclusive dates."""

    label: str
    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def parse_period(text: str) -> Period:
    """``2026`` or ``2026-Q4`` as a :class:`Period`; ``InvalidInput`` for anything else."""
    match = _PERIOD.match(text.strip())
    if match is None:
        raise InvalidInput(f"unknown period {text!r}: use a year (2026) or a quarter (2026-Q4)")
    year = int(match.group(1))
    if match.group(2) is None:
        return Period(str(year), date(year, 1, 1), date(year, 12, 31))
    q = int(match.group(2))
    end_month = 3 * q
    end = date(year + 1, 1, 1) if end_month == 12 else date(year, end_month + 1, 1)
    return Period(
        f"{year}-Q{q}", date(year, end_month - 2, 1), date.fromordinal(end.toordinal() - 1)
    )


def quarter_of(day: date) -> str:
    """The quarter label (``2026-Q4``) a day falls in."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


#: a measured line's cells in pounds, with the proxy that valued it (every export says them so)
VALUE_FIELDS: tuple[str, ...] = (
    "committed_gbp",
    "delivered_gbp",
    "valued",
    "proxy_code",
    "proxy_value_gbp",
    "proxy_source",
    "proxy_price_year",
    "proxy_confidence",
    "committed_period",
)


@dataclass(frozen=True)
class LineValue:
    """One formalised SPO line's commitment and delivery, in its unit and in pounds."""

    spo_id: str
    supplier_id: str
    tender_id: str
    line_id: str
    activity_id: str
    territory_code: str | None
    local_authority_code: str | None
    lon: float | None
    lat: float | None
    priority: str
    support_type: str
    unit: str
    committed: float
    delivered: float
    committed_gbp: float
    delivered_gbp: float
    valued: bool  # False: no proxy fits the unit, the pounds are 0 and the unit figure stands
    proxy: ProxyValue | None
    committed_period: str  # the quarter the SPO was locked in ("" if never locked)


def counted_reports(reports: Iterable[ProgressReport], as_of: date) -> list[ProgressReport]:
    """Reports that count on ``as_of``: dated no later, and not replaced by a correction."""
    dated = [r for r in reports if r.delivered_on <= as_of]
    replaced = {r.corrects for r in dated if r.corrects}
    return [r for r in dated if r.id not in replaced]


def _gbp(unit_amount: float, proxy: ProxyValue | None) -> float:
    return 0.0 if proxy is None else round(unit_amount * proxy.value_gbp, 2)


def measure_spo(
    spo: Spo,
    reports: Iterable[ProgressReport],
    *,
    as_of: date,
    period: Period | None = None,
) -> list[LineValue]:
    """One row per line of a formalised SPO (none otherwise) with something in ``period``."""
    if spo.state not in FORMAL_STATES:
        return []
    locked = spo.locked_at.date() if spo.locked_at else None
    commits = period is None or (locked is not None and locked in period)
    delivered: dict[str, float] = {}
    for r in counted_reports((r for r in reports if r.spo_id == spo.id), as_of):
        if period is None or r.delivered_on in period:
            delivered[r.line_id] = delivered.get(r.line_id, 0.0) + r.amount
    rows = []
    for line in sorted(spo.lines, key=lambda x: x.id):
        committed = line.amount if commits else 0.0
        done = delivered.get(line.id, 0.0)
        if not commits and done == 0.0:
            continue
        proxy = proxy_for(line.support_type, line.unit)
        rows.append(
            LineValue(
                spo_id=spo.id,
                supplier_id=spo.supplier_id,
                tender_id=spo.tender_id,
                line_id=line.id,
                activity_id=line.activity_id,
                territory_code=line.territory_code,
                local_authority_code=line.local_authority_code,
                lon=line.lon,
                lat=line.lat,
                priority=line.priority,
                support_type=line.support_type.value,
                unit=line.unit,
                committed=committed,
                delivered=done,
                committed_gbp=_gbp(committed, proxy),
                delivered_gbp=_gbp(done, proxy),
                valued=proxy is not None,
                proxy=proxy,
                committed_period=quarter_of(locked) if locked else "",
            )
        )
    return rows


def measure(
    spos: Iterable[Spo],
    reports_by_spo: Mapping[str, Iterable[ProgressReport]],
    *,
    as_of: date,
    period: Period | None = None,
    priority: str | None = None,
) -> list[LineValue]:
    """Rows of every formalised SPO in ``spos`` (optionally one priority), by SPO and line."""
    rows = [
        row
        for spo in spos
        for row in measure_spo(spo, reports_by_spo.get(spo.id, ()), as_of=as_of, period=period)
        if priority is None or row.priority == priority
    ]
    return sorted(rows, key=lambda r: (r.spo_id, r.line_id))


@dataclass(frozen=True)
class Totals:
    """Committed and delivered pounds summed over rows."""

    committed_gbp: float
    delivered_gbp: float


def totals(rows: Iterable[LineValue]) -> Totals:
    """The pounds of ``rows`` summed (rounded to the penny)."""
    committed = delivered = 0.0
    for r in rows:
        committed += r.committed_gbp
        delivered += r.delivered_gbp
    return Totals(round(committed, 2), round(delivered, 2))
