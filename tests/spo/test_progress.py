"""Progress against milestones: on track, at risk, behind, and delivered vs committed."""

from __future__ import annotations

from datetime import date

import pytest

from domain.vocabulary import SupportType
from spo.model import Milestone, ProgressReport
from spo.progress import DeliveryStatus, expected_by, line_status, spo_progress
from tests.spo.builders import make_line, make_spo

D = DeliveryStatus
LINE = make_line(
    amount=200.0,
    milestones=(Milestone(date(2027, 3, 31), 50.0), Milestone(date(2027, 12, 31), 200.0)),
)


def _report(amount: float, on: date, line_id: str = "line-1", n: int = 1) -> ProgressReport:
    return ProgressReport(f"r{n}", "spo-1", line_id, amount, on, "prov")


@pytest.mark.parametrize(
    ("delivered", "as_of", "expected"),
    [
        (0.0, date(2027, 1, 1), D.ON_TRACK),  # nothing due, next milestone > 30 days away
        (0.0, date(2027, 3, 15), D.AT_RISK),  # first milestone due in 16 days, nothing done
        (30.0, date(2027, 3, 15), D.ON_TRACK),  # over half of it already delivered
        (50.0, date(2027, 4, 1), D.ON_TRACK),
        (45.0, date(2027, 4, 1), D.ON_TRACK),  # 90 % of the due amount
        (30.0, date(2027, 4, 1), D.AT_RISK),  # 60 %
        (29.0, date(2027, 4, 1), D.BEHIND),
        (199.0, date(2028, 1, 1), D.ON_TRACK),
        (100.0, date(2028, 1, 1), D.BEHIND),
    ],
)
def test_line_status_against_milestones(delivered: float, as_of: date, expected: D) -> None:
    assert line_status(LINE, delivered, as_of) is expected


def test_expected_is_the_latest_due_milestone() -> None:
    assert expected_by(LINE, date(2027, 3, 30)) == 0.0
    assert expected_by(LINE, date(2027, 3, 31)) == 50.0
    assert expected_by(LINE, date(2030, 1, 1)) == 200.0


def test_spo_takes_the_worst_line_and_totals_delivered_vs_committed() -> None:
    cash = make_line(
        id="line-2",
        support_type=SupportType.CASH,
        unit="GBP",
        amount=1000.0,
        milestones=(Milestone(date(2027, 2, 1), 1000.0),),
    )
    spo = make_spo(lines=(LINE, cash))
    reports = [
        _report(50.0, date(2027, 3, 1), n=1),
        _report(10.0, date(2027, 3, 20), n=2),
        _report(400.0, date(2027, 2, 1), "line-2", n=3),
        _report(999.0, date(2027, 6, 1), "line-2", n=4),  # after the date: not counted
    ]
    p = spo_progress(spo, reports, date(2027, 4, 1))
    by_id = {lp.line_id: lp for lp in p.lines}
    assert by_id["line-1"].status is D.ON_TRACK and by_id["line-1"].delivered == 60.0
    assert by_id["line-2"].status is D.BEHIND
    assert p.status is D.BEHIND
    assert p.committed_by_unit == {"GBP": 1000.0, "hours": 200.0}
    assert p.delivered_by_unit == {"GBP": 400.0, "hours": 60.0}
