"""Need indicators are imported by ONS code, never by name, and read back by code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dicm.settings import Settings
from domain.errors import InvalidInput, NotFound
from services.imports import import_indicator, list_indicators, load_indicator, need_by_area
from tests.datasets.conftest import WriteCsv

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


@pytest.fixture
def imd_lad19() -> Path:
    path = SHARED / "imd" / "imd2019_lad19_england_summary.csv"
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing in CI")
        pytest.skip("shared IMD data not present")
    return path


def test_imd_2019_imports_by_code(tmp_path: Path, imd_lad19: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    report = import_indicator(
        settings.services, imd_lad19, name="imd2019", code_column="LAD19CD", value_column="Score"
    )
    assert report.committed and report.imported == 317 and report.rejected == ()
    values = load_indicator(settings.services, "imd2019")
    assert values["E06000002"] == pytest.approx(40.46)  # Middlesbrough
    assert values["E06000001"] == pytest.approx(35.037)  # Hartlepool
    assert list_indicators(settings.services) == ["imd2019"]
    need = need_by_area(settings.services, "imd2019")
    assert min(need.values()) == 0.0 and max(need.values()) == 1.0
    assert need["E06000002"] > need["E07000177"]  # Middlesbrough more deprived than Cherwell


def test_names_are_not_codes(tmp_path: Path, write_csv: WriteCsv) -> None:
    path = write_csv(
        "by_name.csv",
        [
            {"area": "E06000038", "score": "12.5"},
            {"area": "Reading", "score": "12.5"},
            {"area": "", "score": "3"},
            {"area": "E06000039", "score": "n/a"},
            {"area": "E06000038", "score": "1"},
        ],
    )
    settings = Settings(data_dir=tmp_path)
    report = import_indicator(
        settings.services, path, name="x", code_column="area", value_column="score"
    )
    assert not report.committed
    assert [(r.row, r.code) for r in report.rejected] == [
        (2, "bad-code"),
        (3, "missing-code"),
        (4, "bad-number"),
        (5, "duplicate-id"),
    ]
    with pytest.raises(NotFound):
        load_indicator(settings.services, "x")  # nothing was written
    report = import_indicator(
        settings.services,
        path,
        name="x",
        code_column="area",
        value_column="score",
        skip_invalid=True,
    )
    assert report.committed and load_indicator(settings.services, "x") == {"E06000038": 12.5}


def test_missing_columns_fail_early(tmp_path: Path, write_csv: WriteCsv) -> None:
    path = write_csv("a.csv", [{"code": "E06000038", "v": "1"}])
    with pytest.raises(InvalidInput, match="no column 'LAD19CD'"):
        import_indicator(
            Settings(data_dir=tmp_path).services,
            path,
            name="a",
            code_column="LAD19CD",
            value_column="v",
        )
