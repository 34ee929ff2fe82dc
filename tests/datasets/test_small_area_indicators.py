"""Indicators keyed by LSOA, MSOA, local authority or police force area reach local
authorities and territories through the packaged ONS lookup, by count, sum or (weighted) mean;
codes that are no area are rejected per row and nothing is written."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from boundaries.small_areas import SmallAreaLookup
from boundaries.succession import current_lad_code
from dicm.cli import app
from dicm.settings import Settings
from domain.errors import InvalidInput, NotFound
from services.imports import import_indicator, list_indicators, load_indicator
from tests.datasets.conftest import WriteCsv
from tests.geo.fixtures import SHARED_DATA

READING, OXFORD, BRACKNELL, CARDIFF = "E06000038", "E07000178", "E06000036", "W06000015"
THAMES_VALLEY, SOUTH_WALES = "E23000029", "W15000003"
#: real 2011 LSOAs: two in Reading, two in Oxford, one in Bracknell Forest, one in Cardiff
LSOAS = {
    "E01016353": READING,
    "E01016355": READING,
    "E01028513": OXFORD,
    "E01028514": OXFORD,
    "E01016180": BRACKNELL,
    "W01001694": CARDIFF,
}


def _settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


def test_lsoa_sums_reach_their_local_authority_and_territory(
    tmp_path: Path, write_csv: WriteCsv, small_areas: SmallAreaLookup
) -> None:
    values = ["10", "5", "7", "1,200", "3", "4"]
    path = write_csv(
        "lsoa.csv", [{"LSOA11CD": c, "n": v} for c, v in zip(LSOAS, values, strict=True)]
    )
    settings = _settings(tmp_path).services
    report = import_indicator(
        settings,
        path,
        name="youth",
        code_column="LSOA11CD",
        value_column="n",
        level="lsoa",
        aggregate="sum",
        areas=small_areas,
    )
    assert report.committed and report.rejected == () and report.imported == 6
    assert load_indicator(settings, "youth") == {
        READING: 15.0,
        OXFORD: 1207.0,
        BRACKNELL: 3.0,
        CARDIFF: 4.0,
    }
    assert load_indicator(settings, "youth", "pfa") == {THAMES_VALLEY: 1225.0, SOUTH_WALES: 4.0}
    assert load_indicator(settings, "youth", "lsoa")["E01028514"] == 1200.0
    assert list_indicators(settings) == ["youth"]


def test_a_mean_is_weighted_by_population_when_given(
    tmp_path: Path, write_csv: WriteCsv, small_areas: SmallAreaLookup
) -> None:
    rows = [
        {"code": "E01016353", "rate": "10", "pop": "3000"},
        {"code": "E01016355", "rate": "20", "pop": "1000"},
        {"code": "E01028513", "rate": "40", "pop": "2000"},
    ]
    path = write_csv("rates.csv", rows)
    settings = _settings(tmp_path).services
    common = {"code_column": "code", "value_column": "rate", "level": "lsoa"}
    import_indicator(
        settings,
        path,
        name="plain",
        aggregate="mean",
        areas=small_areas,
        **common,  # type: ignore[arg-type]
    )
    import_indicator(
        settings,
        path,
        name="weighted",
        aggregate="mean",
        population_column="pop",
        areas=small_areas,
        **common,  # type: ignore[arg-type]
    )
    assert load_indicator(settings, "plain") == {READING: 15.0, OXFORD: 40.0}
    assert load_indicator(settings, "plain", "pfa") == {THAMES_VALLEY: pytest.approx(70 / 3)}
    assert load_indicator(settings, "weighted") == {READING: 12.5, OXFORD: 40.0}
    weighted_tv = (10 * 3000 + 20 * 1000 + 40 * 2000) / 6000
    assert load_indicator(settings, "weighted", "pfa") == {THAMES_VALLEY: weighted_tv}


def test_a_count_counts_rows_one_per_incident(
    tmp_path: Path, write_csv: WriteCsv, small_areas: SmallAreaLookup
) -> None:
    codes = ["E01016353", "E01016353", "E01016355", "E01028513", "W01001694", "W01001694"]
    path = write_csv("incidents.csv", [{"lsoa": c} for c in codes])
    settings = _settings(tmp_path).services
    report = import_indicator(
        settings,
        path,
        name="incidents",
        code_column="lsoa",
        level="lsoa",
        aggregate="count",
        areas=small_areas,
    )
    assert report.committed and report.rejected == ()
    assert load_indicator(settings, "incidents") == {READING: 3.0, OXFORD: 1.0, CARDIFF: 2.0}
    assert load_indicator(settings, "incidents", "lsoa")["E01016353"] == 2.0


def test_msoa_values_reach_their_local_authority(
    tmp_path: Path, write_csv: WriteCsv, small_areas: SmallAreaLookup
) -> None:
    path = write_csv(
        "msoa.csv",
        [
            {"MSOA11CD": "E02003389", "v": "2"},
            {"MSOA11CD": "E02003390", "v": "3"},
            {"MSOA11CD": "E02005940", "v": "4"},
        ],
    )
    settings = _settings(tmp_path).services
    report = import_indicator(
        settings,
        path,
        name="m",
        code_column="MSOA11CD",
        value_column="v",
        level="msoa",
        aggregate="sum",
        areas=small_areas,
    )
    assert report.committed
    assert load_indicator(settings, "m") == {READING: 5.0, OXFORD: 4.0}
    assert load_indicator(settings, "m", "pfa") == {THAMES_VALLEY: 9.0}


def test_codes_matching_no_area_are_rejected_per_row_and_nothing_is_written(
    tmp_path: Path, write_csv: WriteCsv, small_areas: SmallAreaLookup
) -> None:
    path = write_csv(
        "bad.csv",
        [
            {"code": "E01016353", "v": "1"},
            {"code": "E01999999", "v": "2"},  # shaped like an LSOA, but none
            {"code": "Reading 001A", "v": "3"},  # a name
            {"code": "E02003389", "v": "4"},  # an MSOA in an LSOA file
            {"code": "E01099999", "v": "lots"},  # two reasons in one row
            {"code": "E01016353", "v": "5"},
        ],
    )
    settings = _settings(tmp_path).services
    report = import_indicator(
        settings,
        path,
        name="bad",
        code_column="code",
        value_column="v",
        level="lsoa",
        aggregate="sum",
        areas=small_areas,
    )
    assert not report.committed and report.imported == 0
    assert [(r.row, r.code) for r in report.rejected] == [
        (2, "unknown-area"),
        (3, "bad-code"),
        (4, "unknown-area"),
        (5, "unknown-area"),
        (5, "bad-number"),
        (6, "duplicate-id"),
    ]
    assert "E01999999 is no LSOA" in report.rejected[0].message
    with pytest.raises(NotFound):
        load_indicator(settings, "bad")
    kept = import_indicator(
        settings,
        path,
        name="bad",
        code_column="code",
        value_column="v",
        level="lsoa",
        aggregate="sum",
        skip_invalid=True,
        areas=small_areas,
    )
    assert kept.committed and load_indicator(settings, "bad") == {READING: 1.0}


def test_local_authority_codes_that_never_existed_are_rejected(
    tmp_path: Path, write_csv: WriteCsv
) -> None:
    path = write_csv(
        "lad.csv",
        [
            {"LAD": READING, "v": "1"},
            {"LAD": "E07000004", "v": "2"},  # Aylesbury Vale, abolished 2020: carried
            {"LAD": "E06999999", "v": "3"},
        ],
    )
    settings = _settings(tmp_path).services
    report = import_indicator(settings, path, name="l", code_column="LAD", value_column="v")
    assert [(r.row, r.code) for r in report.rejected] == [(3, "unknown-area")]
    assert not report.committed


def test_police_force_area_values_are_the_territories(tmp_path: Path, write_csv: WriteCsv) -> None:
    path = write_csv(
        "pfa.csv",
        [{"PFA23CD": THAMES_VALLEY, "v": "7"}, {"PFA23CD": "E23999999", "v": "1"}],
    )
    settings = _settings(tmp_path).services
    args = {"name": "p", "code_column": "PFA23CD", "value_column": "v", "level": "pfa"}
    report = import_indicator(settings, path, **args)  # type: ignore[arg-type]
    assert [(r.row, r.code) for r in report.rejected] == [(2, "unknown-area")]
    report = import_indicator(settings, path, skip_invalid=True, **args)  # type: ignore[arg-type]
    assert report.committed
    assert load_indicator(settings, "p", "pfa") == {THAMES_VALLEY: 7.0}


def test_small_areas_need_an_aggregation_rule(tmp_path: Path, write_csv: WriteCsv) -> None:
    path = write_csv("x.csv", [{"code": "E01016353", "v": "1"}])
    with pytest.raises(InvalidInput, match=re.escape("--aggregate count|sum|mean")):
        import_indicator(
            _settings(tmp_path).services,
            path,
            name="x",
            code_column="code",
            value_column="v",
            level="lsoa",
        )


def test_the_cli_exits_non_zero_on_any_rejection(
    tmp_path: Path, write_csv: WriteCsv, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv("lad.csv", [{"LAD": READING, "v": "1"}, {"LAD": "E06999999", "v": "2"}])
    monkeypatch.setenv("DICM_DATA_DIR", str(tmp_path / "data"))
    args = ["import", "indicator", str(path), "--name", "c", "--code-column", "LAD"]
    args += ["--value-column", "v", "--level", "lad"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "unknown-area" in result.output and "nothing imported" in result.output
    result = CliRunner().invoke(app, [*args, "--skip-invalid"])
    assert result.exit_code == 1  # the good row went in, but a script must notice the other
    assert load_indicator(Settings(data_dir=tmp_path / "data").services, "c") == {READING: 1.0}


def _shared(relative: str) -> Path:
    path = SHARED_DATA / relative
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing in CI")
        pytest.skip("shared data not present")
    return path


def test_the_packaged_lookup_agrees_with_mhclg_for_every_english_lsoa(
    tmp_path: Path, small_areas: SmallAreaLookup
) -> None:
    """IMD 2019 by LSOA (32,844 rows, MHCLG) names each LSOA's 2019 district: carried to
    today's code, it is the local authority the packaged lookup gives, for every LSOA; and the
    import that used to shade no council shades all 296 English ones."""
    path = _shared("imd/imd2019_lsoa11_england.csv")
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    disagree = [
        r["LSOA11CD"]
        for r in rows
        if small_areas.lsoa.get(r["LSOA11CD"]) != current_lad_code(r["LAD19CD"])
    ]
    assert len(rows) == 32_844 and disagree == []
    settings = _settings(tmp_path).services
    report = import_indicator(
        settings,
        path,
        name="imd-decile",
        code_column="LSOA11CD",
        value_column="IMD_decile",
        level="lsoa",
        aggregate="mean",
        areas=small_areas,
    )
    assert report.committed and report.rejected == ()
    by_la = load_indicator(settings, "imd-decile")
    assert len(by_la) == 296 and all(1 <= v <= 10 for v in by_la.values())
    reading = [float(r["IMD_decile"]) for r in rows if r["LAD19CD"] == READING]
    assert by_la[READING] == pytest.approx(sum(reading) / len(reading))


def test_a_2021_lsoa_code_is_reported_as_one(
    tmp_path: Path, write_csv: WriteCsv, small_areas: SmallAreaLookup
) -> None:
    """The packaged lookup keys LSOAs by their 2011 codes and no 2011 -> 2021 best-fit table is
    packaged: E01033838 (Reading 020C, new in 2021) is named as a 2021 code, not joined."""
    rows = [{"code": "E01016353", "v": "1"}, {"code": "E01033838", "v": "2"}]
    path = write_csv("lsoa21.csv", [*rows, {"code": "E01999999", "v": "3"}])
    report = import_indicator(
        _settings(tmp_path).services,
        path,
        name="lsoa21",
        code_column="code",
        value_column="v",
        level="lsoa",
        aggregate="sum",
        areas=small_areas,
    )
    assert [(r.row, r.code) for r in report.rejected] == [(2, "unknown-area"), (3, "unknown-area")]
    assert report.rejected[0].message.startswith(
        "E01033838 is a 2021 LSOA code, not in the 2011 lookup"
    )
    assert report.rejected[1].message == "E01999999 is no LSOA in the packaged ONS lookup"


def test_every_new_thames_valley_2021_lsoa_is_named_a_2021_code(
    small_areas: SmallAreaLookup,
) -> None:
    """All 136 Thames Valley LSOAs new in 2021 (ONS LSOA 2021 boundaries) are told apart from
    codes that are no LSOA at all."""
    path = SHARED_DATA / "boundaries" / "lsoa21_thames_valley_bgc.geojson"
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing in CI")
        pytest.skip("shared data not present")
    import pyogrio

    codes = pyogrio.read_dataframe(path, read_geometry=False)["LSOA21CD"]
    new = [c for c in codes if small_areas.local_authority("lsoa", c) is None]
    assert len(new) == 136 and all(small_areas.is_newer_lsoa(c) for c in new)
