"""The social value report's pure builders over the one measure: codes, units, £ and proxies."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest

from domain.errors import InvalidInput
from domain.model import Evidence
from domain.vocabulary import SupportType
from spo.measure import measure, parse_period, totals
from spo.model import ProgressReport, SpoState
from spo.reporting import (
    activity_estimates,
    avoided_range,
    by_area,
    impact_records,
    line_record,
    report_csv,
    report_geojson,
)
from tests.spo.builders import READING_LA, TVP, make_line, make_spo

LOCKED = datetime(2026, 2, 1, tzinfo=UTC)
TODAY = date(2026, 11, 30)


def _rows(period: str | None = None) -> list:  # type: ignore[type-arg]
    awarded = make_spo(
        state=SpoState.IN_DELIVERY,
        locked_at=LOCKED,
        content_hash="x",
        lines=(
            make_line(),
            make_line(id="line-2", support_type=SupportType.CASH, unit="GBP", amount=5000.0),
        ),
    )
    lost = make_spo(id="spo-lost", state=SpoState.NOT_AWARDED)
    reports = [
        ProgressReport("r1", "spo-1", "line-1", 40.0, date(2026, 3, 1), "prov"),
        ProgressReport("r2", "spo-1", "line-1", 99.0, date(2027, 2, 1), "prov"),  # after today
        ProgressReport("r3", "spo-1", "line-2", 1000.0, date(2026, 3, 1), "sup"),
        ProgressReport("r4", "spo-1", "line-2", 900.0, date(2026, 3, 2), "sup", corrects="r3"),
    ]
    return measure(
        [awarded, lost],
        {"spo-1": reports},
        as_of=TODAY,
        period=parse_period(period) if period else None,
    )


def test_lost_bids_never_count_and_every_support_type_is_in_pounds() -> None:
    rows = _rows()
    assert {r.spo_id for r in rows} == {"spo-1"}
    by_line = {r.line_id: r for r in rows}
    assert by_line["line-1"].delivered == 40.0  # the report dated after today does not count
    assert by_line["line-1"].committed_gbp == round(200 * 12.21, 2)  # hours valued, not dropped
    assert by_line["line-2"].delivered_gbp == 900.0  # the correction replaces r3
    assert totals(rows).committed_gbp == round(200 * 12.21 + 5000, 2)


def test_periods_are_named_as_in_the_data_and_unknown_ones_refused() -> None:
    assert parse_period("2026-Q4").start == date(2026, 10, 1)
    assert parse_period("2026-Q4").end == date(2026, 12, 31)
    assert parse_period("2026").end == date(2026, 12, 31)
    assert _rows("2026-Q1") and not _rows("2025")
    for bad in ("2026-Q5", "26", "Q4", "2026-13", "nonsense"):
        with pytest.raises(InvalidInput):
            parse_period(bad)


def test_csv_carries_ons_codes_units_pounds_and_the_proxy() -> None:
    lines = [line_record(r, "buyer-1") for r in _rows()]
    rows = list(csv.DictReader(io.StringIO(report_csv(lines, []))))
    assert {r["territory_code"] for r in rows} == {TVP}
    assert {r["local_authority_code"] for r in rows} == {READING_LA}
    hours = next(r for r in rows if r["unit"] == "hours")
    assert (float(hours["committed"]), float(hours["delivered"])) == (200.0, 40.0)
    assert hours["proxy_price_year"] == "2025" and hours["proxy_confidence"] == "B"
    assert "National Living Wage" in hours["proxy_source"]
    (area_hours,) = [a for a in by_area(lines) if a["unit"] == "hours"]
    assert area_hours["spo_count"] == 1


def test_secondary_impact_is_a_range_with_each_unit_costs_source_and_year() -> None:
    ev = (Evidence("evaluation", strength=3, outcome="custody_year_avoided", quantity=1),)
    estimates = activity_estimates(_rows(), {"act-1": ev})
    (item,) = impact_records(estimates)
    assert item["unit_cost_price_year"] == "2022/23" and item["unit_cost_source"]
    span = avoided_range(estimates.values())
    assert span.fiscal_low_gbp < span.fiscal_high_gbp
    assert span.to_dict()["fiscal_gbp"] == {"low": round(51724 * 0.1, 2), "high": 15517.2}


def test_geojson_points_are_lon_lat_with_codes_and_names() -> None:
    lines = [line_record(r, "buyer-1") for r in _rows()]
    fc = report_geojson(lines, names={TVP: "Thames Valley"})
    json.dumps(fc)
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 2
    f = fc["features"][0]
    lon, lat = f["geometry"]["coordinates"]
    assert -1.5 < lon < 0 and 51 < lat < 52.5
    assert f["properties"]["territory_name"] == "Thames Valley"
    assert f["properties"]["local_authority_code"] == READING_LA
