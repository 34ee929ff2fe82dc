"""Shared helpers for the datasets tests: files are written by the tests themselves."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from boundaries.small_areas import SmallAreaLookup, load_small_area_lookup
from geo.errors import InvalidPostcode, UnknownPostcode
from tests.geo.fixtures import geo_data_dir

__all__ = ["geo_data_dir"]

#: two real Reading / Oxford postcodes (OS Code-Point Open) and their lon, lat
KNOWN_POSTCODES = {"RG1 1AF": (-0.9693, 51.4575), "OX1 1AA": (-1.2674, 51.7502)}


def dict_geocoder(code: str) -> tuple[str, float, float]:
    """A geocoder over a fixed table, with the same errors as the real one."""
    if not code[0].isalpha() or " " not in code:
        raise InvalidPostcode(f"{code!r} is not a UK postcode")
    if code not in KNOWN_POSTCODES:
        raise UnknownPostcode(f"{code} is not in the gazetteer")
    return (code, *KNOWN_POSTCODES[code])


#: the ``write_csv`` fixture: write rows to a CSV file under tmp_path, return its path
WriteCsv = Callable[[str, Sequence[dict[str, str]]], Path]


@pytest.fixture
def write_csv(tmp_path: Path) -> WriteCsv:
    def write(name: str, rows: Sequence[dict[str, str]]) -> Path:
        path = tmp_path / name
        columns: list[str] = []
        for row in rows:
            columns += [c for c in row if c not in columns]
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, columns)
            writer.writeheader()
            writer.writerows(rows)
        return path

    return write


@pytest.fixture(scope="session")
def small_areas(geo_data_dir: Path) -> SmallAreaLookup:
    """The packaged LSOA/MSOA -> local authority lookup, derived once into the checkout's
    ``.dicm/cache`` beside the bundled geography (where ``dicm import indicator`` keeps it too),
    so a run without pytest's cache plugin and a fresh clone read and write the same place."""
    return load_small_area_lookup(geo_data_dir / "cache")
