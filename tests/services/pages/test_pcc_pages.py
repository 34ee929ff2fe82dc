"""The PCC office's pages: £ by plan priority against the plan, by local authority, by period
and by hexagon — all the one measure — avoided costs, drill-down to the SPOs, CSV export."""

from __future__ import annotations

import csv
import io

import pytest

from domain.errors import Forbidden, InvalidInput, NotFound
from domain.model import PlanPriority
from domain.vocabulary import Role
from services import spo as svc
from services.analytics import aggregate, cell_of
from services.pages import pcc as pages
from services.spo.figures import Filters, gather_figures
from services.spo.reports import territory_avoided_costs
from spo.measure import quarter_of
from store.port import Store
from tests.builders import READING, make_plan
from tests.services.pages.conftest import AT, PCC, PROVIDER, SUPPLIER, TODAY, in_delivery
from tests.spo.builders import make_account

HOURS_GBP = 200 * 12.21  # 200 volunteer hours at the National Living Wage proxy


@pytest.fixture
def funded(world: Store) -> Store:
    world.put_plan(make_plan())
    in_delivery(world, cash=True)
    svc.report_progress(
        world, "spo-1", actor=SUPPLIER, report_id="r1", line_id="line-2", amount=1000.0,
        delivered_on=TODAY, at=AT,
    )  # fmt: skip
    return world


def test_priorities_against_the_plan_are_the_one_measure(funded: Store) -> None:
    board = pages.dashboard(funded, PCC, today=TODAY)
    rows = {r.theme: r for r in board.priorities}
    assert list(rows) == ["serious_violence", "youth_diversion"]  # plan first, then off-plan
    sv, yd = rows["serious_violence"], rows["youth_diversion"]
    assert sv.plan_share == 1.0 and yd.plan_share is None and yd.words == "Not a plan priority"
    assert sv.committed_gbp == pytest.approx(HOURS_GBP) and yd.committed_gbp == 5000.0
    assert yd.delivered_gbp == 1000.0
    assert sv.words == "Below its plan share"  # all the plan's weight, a third of the £
    total = gather_figures(funded, territory_code="E23000029").totals
    assert board.totals == total
    assert sum(c.committed_gbp for c in board.cells) == pytest.approx(total.committed_gbp)
    api = aggregate(funded, PCC, "E23000029", level="h3", resolution=7)
    assert {c.key: c.committed_gbp for c in board.cells if c.committed_gbp} == {
        c.key: c.committed_gbp for c in api.rows if c.committed_gbp
    }
    assert [a.key for a in board.areas] == ["E06000038"]
    assert board.areas[0].committed_gbp == pytest.approx(HOURS_GBP)  # act-2 is outside Reading
    assert board.avoided == territory_avoided_costs(funded, PCC, "E23000029")


def test_period_and_priority_filter_every_figure(funded: Store) -> None:
    quarter = quarter_of(TODAY)
    board = pages.dashboard(funded, PCC, priority="youth_diversion", period=quarter, today=TODAY)
    assert board.totals.committed_gbp == 5000.0 and board.totals.delivered_gbp == 1000.0
    assert [(p.label, p.committed_gbp) for p in board.periods] == [
        (f"{TODAY.year}-Q{q}", 5000.0 if f"{TODAY.year}-Q{q}" == quarter else 0.0)
        for q in range(1, 5)
    ]
    earlier = pages.dashboard(funded, PCC, period=str(TODAY.year - 1), today=TODAY)
    assert earlier.totals.committed_gbp == 0.0 and earlier.figures.empty_message
    assert quarter in earlier.period_choices
    assert earlier.priority_choices[0] == ("serious_violence", "Serious violence and knife crime")
    with pytest.raises(InvalidInput):
        pages.dashboard(funded, PCC, period="spring", today=TODAY)


def test_drill_down_from_a_hexagon_and_an_area_to_the_spos(funded: Store) -> None:
    cell = cell_of(*READING, 7)
    down = pages.drill_down(funded, PCC, cell=cell.upper(), today=TODAY)
    assert down.kind == "cell" and down.key == cell
    assert [(s.spo.id, s.lines, s.activities) for s in down.spos] == [
        ("spo-1", 1, ["Boxing club youth diversion"])
    ]
    board = pages.dashboard(funded, PCC, today=TODAY)
    assert down.totals.committed_gbp == next(c.committed_gbp for c in board.cells if c.key == cell)
    area = pages.drill_down(funded, PCC, area="E06000038", today=TODAY)
    assert area.label == "Reading" and area.spos[0].supplier_name == "Thames Build Ltd"
    with pytest.raises(InvalidInput):
        pages.drill_down(funded, PCC, cell="not-a-cell", today=TODAY)
    with pytest.raises(InvalidInput):
        pages.drill_down(funded, PCC, today=TODAY)


def test_other_territories_and_roles_see_nothing(funded: Store) -> None:
    other = make_account(Role.PCC_OFFICE, id="acct-pcc-2", territory_code="W15000004")
    with pytest.raises((Forbidden, NotFound)):
        pages.dashboard(funded, other, "E23000029", today=TODAY)
    with pytest.raises(Forbidden):
        pages.drill_down(funded, PROVIDER, "E23000029", area="E06000038", today=TODAY)


def test_export_is_the_social_value_report(funded: Store) -> None:
    name, text = pages.export_csv(funded, PCC, priority="youth_diversion")
    assert name == "social-value-E23000029-youth_diversion-all-periods.csv"
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["record_type"] == "line"]
    assert [(r["spo_id"], r["line_id"]) for r in rows] == [("spo-1", "line-2")]
    assert Filters().label == "any priority, any period"


def test_a_theme_under_two_plan_headings_is_one_row_with_both(funded: Store) -> None:
    headings = (
        PlanPriority("serious_violence", "Strong local policing", 1.0),
        PlanPriority("youth_diversion", "Safer young people", 1.0),
        PlanPriority("serious_violence", "Tackling knife crime", 2.0),
    )
    funded.put_plan(make_plan(version=2, priorities=headings))
    board = pages.dashboard(funded, PCC, today=TODAY)
    rows = {r.theme: r for r in board.priorities}
    assert list(rows) == ["serious_violence", "youth_diversion"]
    assert rows["serious_violence"].plan_share == 0.75
    assert rows["serious_violence"].title.startswith("Strong local policing; Tackling knife crime")
    assert [c for c, _ in board.priority_choices].count("serious_violence") == 1
