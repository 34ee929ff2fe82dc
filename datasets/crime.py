"""police.uk street-level crime files: one row per incident, keyed by the LSOA it was mapped to.

A monthly force file (``2018-06-thames-valley-street.csv``) has the columns ``Crime ID, Month,
Reported by, Falls within, Longitude, Latitude, Location, LSOA code, LSOA name, Crime type, Last
outcome category, Context``. Each counted row becomes a value of 1 at its LSOA, for the import
service to count by LSOA, local authority and territory. police.uk publishes some incidents
with no location (no coordinates, no LSOA): they cannot be placed in any area, so they are
counted and reported apart, not rejected (every real month has them).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from datasets.fields import RowError
from datasets.indicators import IndicatorValue, check_area_code
from datasets.readers import ReadResult, Rejection
from datasets.table import Table
from domain.errors import InvalidInput

#: the columns a police.uk street file must have for dicm to count it
CRIME_COLUMNS: tuple[str, ...] = ("Month", "LSOA code", "Crime type")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def read_crimes(
    table: Table,
    *,
    crime_type: str | None,
    known: Callable[[str], bool],
    by_name: Callable[[str], str | None] | None = None,
) -> ReadResult[IndicatorValue]:
    """One value of 1 per incident of ``crime_type`` (any type when None, case-insensitive) at
    its LSOA code. An LSOA code the packaged lookup does not know (``known``) is placed by its
    ``LSOA name`` when ``by_name`` names its local authority (2021 LSOAs new since 2011), else
    rejected; so is a month that is not ``YYYY-MM``. ``extra``: rows counted, rows placed by
    LSOA name, rows of other crime types, rows without a location."""
    missing = [c for c in CRIME_COLUMNS if c not in table.columns]
    if missing:
        raise InvalidInput(
            f"not a police.uk street-crime file: no column {', '.join(map(repr, missing))} "
            f"(columns: {', '.join(table.columns)})"
        )
    wanted = crime_type.strip().casefold() if crime_type else None
    types = {row.values.get("Crime type", "").strip() for row in table}
    if wanted is not None and wanted not in {t.casefold() for t in types}:
        raise InvalidInput(
            f"no row has crime type {crime_type!r} (types in the file: "
            f"{', '.join(sorted(t for t in types if t))})"
        )
    accepted: list[IndicatorValue] = []
    rejected: list[Rejection] = []
    other_types = no_location = placed_by_name = 0
    for row in table:
        if wanted is not None and row.values.get("Crime type", "").strip().casefold() != wanted:
            other_types += 1
            continue
        code = row.values.get("LSOA code", "").strip().upper()
        if not code:
            no_location += 1
            continue
        errors: list[RowError] = []
        month = row.values.get("Month", "").strip()
        if not _MONTH.match(month):
            errors.append(RowError("bad-date", f"Month {month!r} is not YYYY-MM"))
        within = None
        try:
            check_area_code(code, "LSOA code", known, "LSOA")
        except RowError as exc:
            name = row.values.get("LSOA name", "")
            within = by_name(name) if by_name is not None and exc.code == "unknown-area" else None
            if within is None:
                errors.append(exc)
        if errors:
            rejected.extend(Rejection(row.number, e.code, str(e)) for e in errors)
            continue
        placed_by_name += within is not None
        accepted.append(IndicatorValue(code, 1.0, within=within))
    extra = {
        "incidents counted": len(accepted),
        "placed by LSOA name": placed_by_name,
        "other crime types": other_types,
        "without a location": no_location,
    }
    return ReadResult(tuple(accepted), tuple(rejected), len(table), extra)


def months_of(table: Table) -> tuple[str, ...]:
    """The months a file covers, in order (``2018-06``)."""
    return tuple(sorted({m for row in table if (m := row.values.get("Month", "").strip())}))
