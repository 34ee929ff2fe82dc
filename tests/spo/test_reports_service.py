"""The social value report and avoided-cost estimates gathered from a real store."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest

from domain.errors import Forbidden, InvalidInput
from domain.model import Activity, Evidence
from domain.vocabulary import Role
from services import spo as svc
from services.spo import reports as spo_reports
from store.port import Store
from tests.spo.builders import READING_LA, TVP, make_account
from tests.spo.test_services import AT, BUYER, MARKS, SUPPLIER, awarded, draft_with_line

ADMIN = make_account(Role.ADMIN, id="admin")


def test_report_carries_codes_and_only_formalised_spos(world: Store) -> None:
    awarded(world)
    lost = draft_with_line(world, "spo-lost")
    lost = svc.submit(world, lost.id, actor=SUPPLIER, expected_version=lost.version, at=AT)
    lost = svc.score(world, lost.id, actor=BUYER, expected_version=lost.version, marks=MARKS, at=AT)
    svc.reject(
        world, lost.id, actor=BUYER, expected_version=lost.version, reason="lower score", at=AT
    )

    report = spo_reports.social_value_report(world, BUYER, period="2027")
    (row,) = list(csv.DictReader(io.StringIO(report.to_csv())))
    assert (row["territory_code"], row["local_authority_code"]) == (TVP, READING_LA)
    assert (row["spo_id"], float(row["committed"]), row["unit"]) == ("spo-1", 200.0, "hours")
    assert float(row["committed_gbp"]) == round(200 * 12.21, 2)
    assert report.to_json()["totals"]["committed_gbp"] == round(200 * 12.21, 2)
    other = spo_reports.social_value_report(world, ADMIN, buyer_id="buyer-2")
    assert other.to_json()["lines"] == [] and other.to_json()["message"]

    fc = spo_reports.social_value_report(world, ADMIN, territory_code=TVP).to_geojson()
    (feature,) = fc["features"]
    assert feature["properties"]["territory_name"] == "Thames Valley"
    assert feature["properties"]["local_authority_name"] == "Reading"


def test_report_refusals(world: Store) -> None:
    with pytest.raises(Forbidden):
        spo_reports.social_value_report(world, BUYER, buyer_id="buyer-2")
    with pytest.raises(Forbidden):
        spo_reports.social_value_report(world, make_account(Role.SUPPLIER))
    with pytest.raises(InvalidInput):
        spo_reports.social_value_report(world, ADMIN, period="2026-Q9")
    with pytest.raises(InvalidInput):
        spo_reports.social_value_report(world, ADMIN, priority="nonsense")
    with pytest.raises(InvalidInput):
        spo_reports.render_report(spo_reports.social_value_report(world, ADMIN), "xlsx")


def test_avoided_costs_read_the_activitys_outcomes_as_ranges(world: Store) -> None:
    act = world.get(Activity, "act-1")
    evidence = (Evidence("evaluation", strength=3, outcome="custody_year_avoided", quantity=1),)
    world.update(replace(act, evidence=evidence))
    est = spo_reports.activity_impact(world, "act-1")
    assert (est.fiscal_low_gbp, est.fiscal_high_gbp) == (
        round(51724 * 0.1, 2),
        round(51724 * 0.3, 2),
    )
    assert est.items[0].unit_cost.price_year == "2022/23"
    awarded(world)
    spo = spo_reports.spo_avoided_costs(world, ADMIN, "spo-1")
    assert spo["fiscal_gbp"] == {"low": 5172.4, "high": 15517.2} and spo["indicative"]
    (item,) = spo["items"]
    assert item["unit_cost_source"] and item["unit_cost_price_year"] == "2022/23"
    area = spo_reports.territory_avoided_costs(world, ADMIN, TVP, period="2027")
    assert area["fiscal_gbp"] == spo["fiscal_gbp"]
