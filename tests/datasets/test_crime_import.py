"""A police.uk street-crime month imports as incident counts by LSOA, local authority and
territory, equal to a hand count, with a crime-type filter."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pyogrio
import pytest

from boundaries.small_areas import SmallAreaLookup, local_authority_of_lsoa_name
from dicm.settings import Settings
from domain.errors import InvalidInput
from services.imports import import_crime, load_indicator
from tests.geo.fixtures import SHARED_DATA

COLUMNS = [
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
]
READING, OXFORD, BRACKNELL = "E06000038", "E07000178", "E06000036"
ASB, VIOLENCE, BURGLARY = "Anti-social behaviour", "Violence and sexual offences", "Burglary"
#: (LSOA code, LSOA name, crime type): synthetic incidents at real 2011 LSOAs; "" = no location
INCIDENTS = [
    ("E01016353", "Reading 003A", ASB),
    ("E01016353", "Reading 003A", ASB),
    ("E01016353", "Reading 003A", VIOLENCE),
    ("E01016355", "Reading 003C", ASB),
    ("E01016355", "Reading 003C", BURGLARY),
    ("E01028513", "Oxford 008A", ASB),
    ("E01028513", "Oxford 008A", VIOLENCE),
    ("E01028514", "Oxford 008B", VIOLENCE),
    ("E01028514", "Oxford 008B", VIOLENCE),
    ("E01016180", "Bracknell Forest 006A", ASB),
    ("E01016180", "Bracknell Forest 006A", ASB),
    ("E01016180", "Bracknell Forest 006A", ASB),
    ("E01016181", "Bracknell Forest 006B", BURGLARY),
    ("", "", VIOLENCE),  # police.uk publishes some incidents with no location
    ("", "", ASB),
]
#: counted by hand from INCIDENTS
ALL_BY_LA = {READING: 5.0, OXFORD: 4.0, BRACKNELL: 4.0}
ASB_BY_LA = {READING: 3.0, OXFORD: 1.0, BRACKNELL: 3.0}


def _write(path: Path, incidents: list[tuple[str, str, str]], month: str = "2024-06") -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i, (code, name, crime_type) in enumerate(incidents):
            located = bool(code)
            writer.writerow(
                [
                    "" if crime_type == ASB else f"{i:064x}",
                    month,
                    "Thames Valley Police",
                    "Thames Valley Police",
                    "-0.970000" if located else "",
                    "51.450000" if located else "",
                    "On or near High Street" if located else "No Location",
                    code,
                    name,
                    crime_type,
                    "" if crime_type == ASB else "Under investigation",
                    "",
                ]
            )
    return path


def test_a_month_counts_by_local_authority_equal_a_hand_count(
    tmp_path: Path, small_areas: SmallAreaLookup
) -> None:
    path = _write(tmp_path / "2024-06-thames-valley-street.csv", INCIDENTS)
    settings = Settings(data_dir=tmp_path / "data").services
    report = import_crime(settings, path, areas=small_areas)
    assert report.committed and report.rejected == ()
    assert report.extra["incidents counted"] == 13 and report.extra["without a location"] == 2
    assert load_indicator(settings, "crime") == ALL_BY_LA
    assert load_indicator(settings, "crime", "pfa") == {"E23000029": 13.0}
    assert load_indicator(settings, "crime", "lsoa")["E01016180"] == 3.0

    asb = import_crime(settings, path, crime_type="anti-social behaviour", areas=small_areas)
    assert asb.committed and asb.extra["other crime types"] == 7
    assert load_indicator(settings, "crime-anti-social-behaviour") == ASB_BY_LA


def test_an_lsoa_code_matching_no_area_rejects_the_file(
    tmp_path: Path, small_areas: SmallAreaLookup
) -> None:
    rows = [*INCIDENTS[:3], ("E01999999", "Nowhere 001A", ASB)]
    path = _write(tmp_path / "bad.csv", rows)
    settings = Settings(data_dir=tmp_path / "data").services
    report = import_crime(settings, path, areas=small_areas)
    assert not report.committed
    assert [(r.row, r.code) for r in report.rejected] == [(4, "unknown-area")]
    assert not (settings.data_dir / "indicators" / "crime.csv").exists()


def test_an_lsoa_new_in_2021_is_placed_by_its_name(
    tmp_path: Path, small_areas: SmallAreaLookup
) -> None:
    """E01033838 (Reading 020C) was created in 2021 and is not in the 2011 lookup: its name
    says Reading, so its incidents count there; an unknown code with a name that names no
    authority is still rejected."""
    rows = [*INCIDENTS, ("E01033838", "Reading 020C", ASB), ("E01033839", "Nowhere 001A", ASB)]
    path = _write(tmp_path / "2021.csv", rows)
    settings = Settings(data_dir=tmp_path / "data").services
    report = import_crime(settings, path, areas=small_areas)
    assert [(r.row, r.code) for r in report.rejected] == [(17, "unknown-area")]
    report = import_crime(settings, path, areas=small_areas, skip_invalid=True)
    assert report.extra["placed by LSOA name"] == 1
    assert load_indicator(settings, "crime")[READING] == ALL_BY_LA[READING] + 1
    assert load_indicator(settings, "crime", "lsoa")["E01033838"] == 1.0


def test_every_thames_valley_2021_lsoa_name_names_its_local_authority() -> None:
    """All 1,485 Thames Valley LSOAs of 2021 (136 of them new since 2011): the name gives the
    local authority ONS assigns them (LAD December 2024)."""
    path = SHARED_DATA / "boundaries" / "lsoa21_thames_valley_bgc.geojson"
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing in CI")
        pytest.skip("shared data not present")
    frame = pyogrio.read_dataframe(path, read_geometry=False)
    placed = [local_authority_of_lsoa_name(n) for n in frame["LSOA21NM"]]
    assert len(frame) == 1485 and placed == list(frame["LAD24CD"])


def test_a_crime_type_the_file_does_not_have_is_refused_with_the_types_it_has(
    tmp_path: Path, small_areas: SmallAreaLookup
) -> None:
    path = _write(tmp_path / "m.csv", INCIDENTS)
    with pytest.raises(InvalidInput, match="types in the file: Anti-social behaviour, Burglary"):
        import_crime(
            Settings(data_dir=tmp_path / "data").services,
            path,
            crime_type="Bicycle theft",
            areas=small_areas,
        )


def test_a_file_without_police_uk_columns_is_refused(
    tmp_path: Path, small_areas: SmallAreaLookup
) -> None:
    path = tmp_path / "x.csv"
    path.write_text("code,value\nE01016353,1\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"not a police\.uk street-crime file"):
        import_crime(Settings(data_dir=tmp_path / "data").services, path, areas=small_areas)


def test_a_real_police_uk_month_equals_a_count_by_lsoa_name(
    tmp_path: Path, small_areas: SmallAreaLookup
) -> None:
    """Thames Valley, June 2018 (data.police.uk, 18,188 rows): anti-social behaviour by local
    authority equals a count of the rows whose LSOA name starts with the authority's name
    (police.uk names 2011 LSOAs "Reading 001A"), for three authorities."""
    path = SHARED_DATA / "crime" / "2018-06-thames-valley-street.csv"
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing in CI")
        pytest.skip("shared data not present")
    with path.open(encoding="utf-8") as handle:
        asb = [r["LSOA name"] for r in csv.DictReader(handle) if r["Crime type"] == ASB]
    by_name = {
        la: float(sum(n.rsplit(" ", 1)[0] == name for n in asb))
        for la, name in ((READING, "Reading"), (OXFORD, "Oxford"), (BRACKNELL, "Bracknell Forest"))
    }
    settings = Settings(data_dir=tmp_path / "data").services
    report = import_crime(settings, path, crime_type=ASB, areas=small_areas)
    assert report.committed and report.rejected == ()
    assert report.extra["incidents counted"] + report.extra["without a location"] == len(asb)
    counts = load_indicator(settings, "crime-anti-social-behaviour")
    assert {la: counts[la] for la in by_name} == by_name
    assert min(by_name.values()) > 50  # a real count, not an empty match
