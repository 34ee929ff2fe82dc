"""ESG exports: CSV and GeoJSON with ONS codes and delivered vs committed."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from domain.vocabulary import SupportType
from spo.model import ProgressReport, SpoState
from spo.reporting import (
    ReportSource,
    aggregate_rows,
    line_rows,
    line_rows_to_csv,
    line_rows_to_geojson,
    rows_to_csv,
)
from tests.spo.builders import READING_LA, TVP, make_line, make_spo

START, END = date(2027, 1, 1), date(2027, 12, 31)


def _sources() -> list[ReportSource]:
    awarded = make_spo(
        state=SpoState.IN_DELIVERY,
        lines=(
            make_line(),
            make_line(id="line-2", support_type=SupportType.CASH, unit="GBP", amount=5000.0),
        ),
    )
    lost = make_spo(id="spo-lost", state=SpoState.NOT_AWARDED)
    reports = (
        ProgressReport("r1", "spo-1", "line-1", 40.0, date(2027, 2, 1), "prov"),
        ProgressReport("r2", "spo-1", "line-1", 99.0, date(2028, 2, 1), "prov"),  # outside period
        ProgressReport("r3", "spo-1", "line-2", 1000.0, date(2027, 3, 1), "sup"),
    )
    return [ReportSource(awarded, "buyer-1", reports), ReportSource(lost, "buyer-1")]


def test_lost_bids_are_never_reported_and_delivery_counts_inside_the_period() -> None:
    rows = line_rows(_sources(), START, END)
    assert {r.spo_id for r in rows} == {"spo-1"}
    by_line = {r.line_id: r for r in rows}
    assert by_line["line-1"].delivered == 40.0
    assert by_line["line-1"].committed_gbp == 200 * 12.21
    assert by_line["line-2"].delivered_gbp == 1000.0


def test_csv_carries_ons_codes_and_delivered_vs_committed() -> None:
    text = rows_to_csv(aggregate_rows(line_rows(_sources(), START, END)))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["territory_code"] for r in rows} == {TVP}
    assert {r["local_authority_code"] for r in rows} == {READING_LA}
    hours = next(r for r in rows if r["unit"] == "hours")
    assert (float(hours["committed"]), float(hours["delivered"])) == (200.0, 40.0)
    assert hours["spo_count"] == "1" and hours["period_start"] == "2027-01-01"
    per_line = list(
        csv.DictReader(io.StringIO(line_rows_to_csv(line_rows(_sources(), START, END))))
    )
    assert len(per_line) == 2 and per_line[0]["lon"]


def test_geojson_points_are_lon_lat_with_codes_and_names() -> None:
    fc = line_rows_to_geojson(line_rows(_sources(), START, END), names={TVP: "Thames Valley"})
    json.dumps(fc)
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 2
    f = fc["features"][0]
    lon, lat = f["geometry"]["coordinates"]
    assert -1.5 < lon < 0 and 51 < lat < 52.5
    assert f["properties"]["territory_code"] == TVP
    assert f["properties"]["territory_name"] == "Thames Valley"
    assert f["properties"]["local_authority_code"] == READING_LA
