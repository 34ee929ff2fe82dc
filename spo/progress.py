"""Delivery against milestones: per line and per SPO, as of a date.

Milestones are cumulative targets. On a date, a line's *expected* amount is the amount of the
latest milestone already due (0 before the first). Its status compares delivered to expected:

- ``on_track``: nothing is due yet, or delivered >= ``ON_TRACK_SHARE`` (90 %) of expected;
- ``at_risk``: delivered >= ``AT_RISK_SHARE`` (60 %) of expected, or nothing is overdue but the
  next milestone falls due within ``AT_RISK_WINDOW_DAYS`` (30) days with under half its
  remaining amount delivered;
- ``behind``: otherwise.

An SPO takes the worst status of its lines. Only reports dated on or before the date count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from domain.errors import DeliveryExceedsCommitment, FutureDelivery, InvalidInput
from spo.model import ProgressReport, Spo, SpoLine

ON_TRACK_SHARE = 0.9
AT_RISK_SHARE = 0.6
AT_RISK_WINDOW_DAYS = 30


class DeliveryStatus(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BEHIND = "behind"


_RANK = {DeliveryStatus.ON_TRACK: 0, DeliveryStatus.AT_RISK: 1, DeliveryStatus.BEHIND: 2}


class Rag(StrEnum):
    """The red/amber/green rating a buyer's and a PCC's reports use for a delivery status."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"


#: the one rule from delivery status to RAG rating (events, pages and reports all use it)
RAG_OF_STATUS = {
    DeliveryStatus.ON_TRACK: Rag.GREEN,
    DeliveryStatus.AT_RISK: Rag.AMBER,
    DeliveryStatus.BEHIND: Rag.RED,
}


@dataclass(frozen=True)
class LineProgress:
    """One line's committed, expected and delivered amounts and its status on ``as_of``."""

    line_id: str
    unit: str
    committed: float
    expected: float
    delivered: float
    status: DeliveryStatus


@dataclass(frozen=True)
class SpoProgress:
    """Every line's progress, the SPO's status and delivered vs committed per unit."""

    spo_id: str
    as_of: date
    status: DeliveryStatus
    lines: tuple[LineProgress, ...]
    committed_by_unit: dict[str, float]
    delivered_by_unit: dict[str, float]

    @property
    def rag(self) -> Rag:
        """The SPO's RAG rating: its (worst line's) status under :data:`RAG_OF_STATUS`."""
        return RAG_OF_STATUS[self.status]


def check_report(
    line: SpoLine,
    amount: float,
    *,
    delivered_on: date | None = None,
    today: date | None = None,
    delivered_so_far: float = 0.0,
) -> None:
    """A delivery report is a positive amount, dated no later than ``today``, that keeps the
    line's total delivery within its committed amount (``delivered_so_far`` excludes any
    report this one corrects). Delivering more needs a variation recorded by the buyer."""
    if not amount > 0:
        raise InvalidInput(f"a delivery report on line {line.id!r} needs a positive amount")
    if delivered_on is not None and today is not None and delivered_on > today:
        raise FutureDelivery(
            f"delivery is dated {delivered_on.isoformat()}, after today ({today.isoformat()})"
        )
    if delivered_so_far + amount > line.amount + 1e-9:
        raise DeliveryExceedsCommitment(
            f"line {line.id!r} commits {line.amount:g} {line.unit}; {delivered_so_far:g} is "
            f"already reported, so {amount:g} more would exceed it (the buyer records a "
            f"variation to commit more)"
        )


def expected_by(line: SpoLine, as_of: date) -> float:
    """The cumulative amount due on ``as_of`` under the line's milestones."""
    due = [m.amount for m in line.milestones if m.due <= as_of]
    return max(due) if due else 0.0


def line_status(line: SpoLine, delivered: float, as_of: date) -> DeliveryStatus:
    """The status of ``line`` with ``delivered`` to date, per the thresholds above."""
    expected = expected_by(line, as_of)
    if expected > 0 and delivered < ON_TRACK_SHARE * expected:
        return (
            DeliveryStatus.AT_RISK
            if delivered >= AT_RISK_SHARE * expected
            else DeliveryStatus.BEHIND
        )
    upcoming = [
        m for m in line.milestones if as_of < m.due <= as_of + timedelta(days=AT_RISK_WINDOW_DAYS)
    ]
    if upcoming:
        target = upcoming[0].amount
        if delivered - expected < 0.5 * (target - expected) and delivered < target:
            return DeliveryStatus.AT_RISK
    return DeliveryStatus.ON_TRACK


def delivered_by_line(reports: Iterable[ProgressReport], as_of: date) -> dict[str, float]:
    """Line id -> amount delivered on or before ``as_of``."""
    totals: dict[str, float] = {}
    for r in reports:
        if r.delivered_on <= as_of:
            totals[r.line_id] = totals.get(r.line_id, 0.0) + r.amount
    return totals


def spo_progress(spo: Spo, reports: Iterable[ProgressReport], as_of: date) -> SpoProgress:
    """Progress of every line of ``spo`` and the SPO as a whole on ``as_of``."""
    delivered = delivered_by_line((r for r in reports if r.spo_id == spo.id), as_of)
    lines = tuple(
        LineProgress(
            line_id=line.id,
            unit=line.unit,
            committed=line.amount,
            expected=expected_by(line, as_of),
            delivered=delivered.get(line.id, 0.0),
            status=line_status(line, delivered.get(line.id, 0.0), as_of),
        )
        for line in sorted(spo.lines, key=lambda x: x.id)
    )
    committed_units: dict[str, float] = {}
    delivered_units: dict[str, float] = {}
    for lp in lines:
        committed_units[lp.unit] = committed_units.get(lp.unit, 0.0) + lp.committed
        delivered_units[lp.unit] = delivered_units.get(lp.unit, 0.0) + lp.delivered
    worst = max((lp.status for lp in lines), key=_RANK.__getitem__, default=DeliveryStatus.ON_TRACK)
    return SpoProgress(
        spo_id=spo.id,
        as_of=as_of,
        status=worst,
        lines=lines,
        committed_by_unit=dict(sorted(committed_units.items())),
        delivered_by_unit=dict(sorted(delivered_units.items())),
    )
