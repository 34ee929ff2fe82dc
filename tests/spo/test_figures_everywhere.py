"""One measure of value, one tamper check: every surface gives the same £ and none counts a
tampered SPO (issue 12's Windsor bug: pages counted cash only while the API valued hours)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from api.schemas.spos import SpoOut
from dicm.settings import Settings
from domain.errors import TamperDetected
from domain.vocabulary import Role
from services import access, analytics, exports, maps
from services.spo import get_spo
from services.spo import reports as spo_reports
from store import schema
from store.port import Store
from tests.spo.builders import READING_LA, TVP, make_account
from tests.spo.test_services import awarded

ADMIN = make_account(Role.ADMIN, id="admin")
HOURS_GBP = round(200 * 12.21, 2)  # 200 volunteer hours at the National Living Wage proxy


def _export_rows(store: Store, tmp_path: Path) -> list[dict[str, str]]:
    out = tmp_path / "spos.csv"
    exports.export_layer(store, "spos", fmt="csv", out=out)
    with out.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _tamper(store: Store) -> None:
    table = schema.spos
    with store.engine.begin() as conn:  # type: ignore[attr-defined]  # behind the store's back
        data = dict(conn.execute(select(table.c.data).where(table.c.id == "spo-1")).scalar_one())
        data["lines"] = [{**data["lines"][0], "amount": 2000.0}]
        conn.execute(table.update().where(table.c.id == "spo-1").values(data=data))


def test_every_surface_gives_the_same_committed_pounds(
    world: Store, backend_settings: Settings, tmp_path: Path
) -> None:
    awarded(world)
    (api_row,) = [r for r in analytics.aggregate(world, ADMIN, TVP).rows if r.key == READING_LA]
    (cov_row,) = [r for r in analytics.coverage_gaps(world, ADMIN, TVP).rows if r.key == READING_LA]
    page_inputs = maps.coverage_inputs(world, TVP, ["all"])["all"]
    (page_row,) = [a for a in page_inputs if a.code == READING_LA]
    export = [r for r in _export_rows(world, tmp_path) if r["local_authority_code"] == READING_LA]
    report = spo_reports.social_value_report(world, ADMIN, territory_code=TVP).to_json()
    assert api_row.committed_gbp == cov_row.committed_gbp == page_row.committed_gbp == HOURS_GBP
    assert sum(float(r["committed_gbp"]) for r in export) == HOURS_GBP
    assert report["totals"]["committed_gbp"] == HOURS_GBP
    coverage_html = maps.coverage_page(world, backend_settings.services, TVP, viewer=ADMIN)
    heatmap_html = maps.heatmap_page(world, backend_settings.services, TVP, viewer=ADMIN)
    assert f"{HOURS_GBP:,.2f}" in coverage_html
    assert f"{HOURS_GBP:,.0f}" in heatmap_html


def test_a_tampered_spo_is_flagged_and_counted_nowhere(
    world: Store, backend_settings: Settings, tmp_path: Path
) -> None:
    awarded(world)
    _tamper(world)
    with pytest.raises(TamperDetected):
        get_spo(world, "spo-1")
    # the list flags it as the API's GET /spos renders it, never failing as a whole
    ((listed, intact),) = access.listed_spos(world, ADMIN)
    assert SpoOut.of(listed, tampered=not intact).tampered
    provider = make_account(Role.PROVIDER)
    listed_for_provider = access.listed_spos(world, provider)
    assert [SpoOut.of(s, tampered=not ok).tampered for s, ok in listed_for_provider] == [True]
    found = analytics.aggregate(world, ADMIN, TVP)
    assert found.tampered == ("spo-1",)
    assert sum(r.committed_gbp for r in found.rows) == 0
    assert analytics.coverage_gaps(world, ADMIN, TVP).tampered == ("spo-1",)
    for html in (
        maps.coverage_page(world, backend_settings.services, TVP, viewer=ADMIN),
        maps.heatmap_page(world, backend_settings.services, TVP, viewer=ADMIN),
    ):
        assert "failed its tamper check" in html and "24,420" not in html
    with pytest.raises(TamperDetected):
        maps.spo_page(world, backend_settings.services, "spo-1", viewer=None)
    (row,) = _export_rows(world, tmp_path)
    assert row["integrity"] == "tampered" and row["committed_gbp"] == "" == row["committed"]
    report = spo_reports.social_value_report(world, ADMIN).to_json()
    assert report["totals"]["committed_gbp"] == 0 and report["tampered_spos"] == ["spo-1"]
    with pytest.raises(TamperDetected):
        spo_reports.spo_avoided_costs(world, ADMIN, "spo-1")


def test_pages_show_avoided_costs_as_ranges_with_their_source(
    world: Store, backend_settings: Settings
) -> None:
    from dataclasses import replace

    from domain.model import Activity, Evidence

    act = world.get(Activity, "act-1")
    ev = (Evidence("evaluation", strength=3, outcome="custody_year_avoided", quantity=1),)
    world.update(replace(act, evidence=ev))
    awarded(world)
    for html in (
        maps.spo_page(world, backend_settings.services, "spo-1", viewer=None),
        maps.heatmap_page(world, backend_settings.services, TVP, viewer=ADMIN),
    ):
        assert "fiscal £5,172 – £15,517" in html and "(2022/23)" in html
