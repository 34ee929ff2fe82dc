"""ESG exports and impact estimates gathered from a real store."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date

from domain.model import Activity, Evidence
from domain.vocabulary import Role
from services import spo as svc
from services.spo import reports as spo_reports
from store.port import Store
from tests.spo.builders import READING_LA, TVP, make_account
from tests.spo.test_services import AT, BUYER, MARKS, SUPPLIER, awarded, draft_with_line


def test_exports_carry_codes_and_only_formalised_spos(world: Store) -> None:
    spo = awarded(world)
    spo = svc.start_delivery(world, spo.id, actor=SUPPLIER, expected_version=spo.version, at=AT)
    svc.report_progress(
        world,
        spo.id,
        actor=make_account(Role.PROVIDER),
        report_id="r1",
        line_id="line-1",
        amount=25.0,
        delivered_on=date(2027, 2, 1),
        at=AT,
    )
    lost = draft_with_line(world, "spo-lost")
    lost = svc.submit(world, lost.id, actor=SUPPLIER, expected_version=lost.version, at=AT)
    lost = svc.score(world, lost.id, actor=BUYER, expected_version=lost.version, marks=MARKS, at=AT)
    svc.reject(world, lost.id, actor=BUYER, expected_version=lost.version, at=AT)

    text = spo_reports.esg_csv(
        world, start=date(2027, 1, 1), end=date(2027, 12, 31), buyer_id="buyer-1"
    )
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert (row["territory_code"], row["local_authority_code"]) == (TVP, READING_LA)
    assert (float(row["committed"]), float(row["delivered"])) == (200.0, 25.0)
    assert row["spo_count"] == "1"
    assert (
        spo_reports.esg_csv(
            world, start=date(2027, 1, 1), end=date(2027, 12, 31), buyer_id="buyer-2"
        ).count("\n")
        == 1
    )  # header only

    fc = spo_reports.esg_geojson(
        world, start=date(2027, 1, 1), end=date(2027, 12, 31), territory_code=TVP
    )
    (feature,) = fc["features"]
    assert feature["properties"]["territory_name"] == "Thames Valley"
    assert feature["properties"]["local_authority_name"] == "Reading"
    assert feature["properties"]["spo_id"] == "spo-1"


def test_activity_impact_reads_the_activitys_outcomes(world: Store) -> None:
    act = world.get(Activity, "act-1")
    evidence = (Evidence("evaluation", strength=3, outcome="custody_year_avoided", quantity=1),)
    world.update(replace(act, evidence=evidence))
    est = spo_reports.activity_impact(world, "act-1")
    assert (est.fiscal_low_gbp, est.fiscal_high_gbp) == (
        round(51724 * 0.1, 2),
        round(51724 * 0.3, 2),
    )
    assert est.items[0].unit_cost.price_year == "2022/23"
