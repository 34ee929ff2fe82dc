"""``dicm locate`` as a user runs it: a real subprocess, one query or a whole CSV file."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from boundaries.lookup_index import LookupIndex
from services.locate import locate
from services.locate_batch import OUTPUT_COLUMNS, locate_many, outcome_to_row

ROOT = Path(__file__).resolve().parents[2]


def _dicm(args: list[str], data_dir: Path, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.update(DICM_DATA_DIR=str(data_dir), DICM_DATABASE_URL=f"sqlite:///{tmp / 'none.sqlite'}",
               PYTHONPATH=str(ROOT), COLUMNS="200")  # fmt: skip
    return subprocess.run([sys.executable, "-m", "dicm", *args], env=env, cwd=tmp,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def test_locate_json_is_the_services_answer(
    lookup: LookupIndex, geo_data_dir: Path, tmp_path: Path
) -> None:
    done = _dicm(["locate", "RG1 1AF", "--json"], geo_data_dir, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == locate(lookup, "RG1 1AF").to_dict()
    assert not (tmp_path / "none.sqlite").exists()  # a lookup creates no database


def test_locate_a_place_and_refuse_an_ambiguous_one(geo_data_dir: Path, tmp_path: Path) -> None:
    reading = _dicm(["locate", "Reading"], geo_data_dir, tmp_path)
    assert reading.returncode == 0 and "Reading (E06000038)" in reading.stdout
    newport = _dicm(["locate", "Newport"], geo_data_dir, tmp_path)
    assert newport.returncode == 2
    assert "ambiguous-place" in newport.stdout and "Isle of Wight E06000046" in newport.stdout


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("WC9 9ZZ", "unknown-postcode"),
        ("ZZ1 1ZZ", "invalid-postcode"),
        ("48.85,2.35", "outside-uk"),
        ("", "empty-query"),
    ],
)
def test_locate_refusals_exit_non_zero(
    geo_data_dir: Path, tmp_path: Path, query: str, code: str
) -> None:
    done = _dicm(["locate", query], geo_data_dir, tmp_path)
    assert done.returncode == 2 and code in done.stdout


ROWS = [
    "RG1 1AF", "eh1 1yz", "51.454,-0.973", "Reading", "Newport", "BT1 5GS", "", "not 1 code",
    "-0.973,51.454", "48.8566,2.3522", "RG1 1AA", "SW1A 1AA",
]  # fmt: skip


def test_a_file_gets_every_row_back_with_its_codes_or_its_reason(
    lookup: LookupIndex, geo_data_dir: Path, tmp_path: Path
) -> None:
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    with source.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["ref", "postcode"])
        writer.writerows([[f"r{i}", text] for i, text in enumerate(ROWS)])
    done = _dicm(["locate", "--file", str(source), "--out", str(out)], geo_data_dir, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    with out.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["ref"] for r in rows] == [f"r{i}" for i in range(len(ROWS))]
    assert [r["postcode"] for r in rows] == ROWS
    by_query = {r["postcode"]: r for r in rows}
    assert by_query["RG1 1AF"]["local_authority_code"] == "E06000038"
    assert by_query["Reading"]["local_authority_code"] == "E06000038"
    assert by_query["Newport"]["problem"] == "ambiguous-place"
    assert by_query["BT1 5GS"]["problem"] == "unknown-postcode"
    assert by_query[""]["problem"] == "empty-query"
    assert by_query["-0.973,51.454"]["problem"] == "swapped-coordinates"
    assert by_query["48.8566,2.3522"]["problem"] == "outside-uk"
    assert "12 rows, 6 located" in done.stdout


def test_a_batch_row_is_exactly_the_single_lookup(lookup: LookupIndex) -> None:
    """The fast columnar rows and the single lookups agree, column for column."""
    for query, outcome in zip(ROWS, locate_many(lookup, ROWS), strict=True):
        row = outcome_to_row(outcome)
        try:
            single = outcome_to_row(locate(lookup, query))
        except Exception as exc:
            single = {"problem": getattr(exc, "code", ""), "reason": str(exc)}
        if single.get("placement") == "outside-uk":
            continue  # the batch refuses it as outside-uk, checked above
        assert {c: row.get(c, "") for c in OUTPUT_COLUMNS} == {
            c: single.get(c, "") for c in OUTPUT_COLUMNS
        }, query


def test_a_file_without_the_column_is_refused(geo_data_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("ref,pc\n1,RG1 1AF\n")
    out = tmp_path / "out.csv"
    done = _dicm(["locate", "--file", str(source), "--out", str(out)], geo_data_dir, tmp_path)
    assert done.returncode == 2 and "missing-column" in done.stdout and not out.exists()
