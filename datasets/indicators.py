"""Need indicators (deprivation scores and the like) keyed by ONS area code, never by name.

A real deployment receives indicators as files with a code column and a value column (e.g. the
English Indices of Deprivation 2019 local authority summary: ``LAD19CD``, ``Score``). Names are
ambiguous and change (Aylesbury Vale, Buckinghamshire...); codes are the join key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from datasets.fields import RowError, parse_number
from datasets.readers import ReadResult, Rejection
from datasets.table import Table
from domain.errors import InvalidInput

#: IMD 2019 average score of the 317 English local authorities of 2019, with their LSOA counts
#: (MHCLG, OGL v3; see ``SOURCES.md``): the need indicator the demo imports
IMD2019_TABLE = Path(__file__).parent / "data" / "imd2019_la_average_score.csv"

#: a 9-character GSS code: a country letter (E, W, S, N, K) and 8 digits, e.g. E06000037
ONS_CODE = re.compile(r"^[EWSNK]\d{8}$")


@dataclass(frozen=True)
class IndicatorValue:
    """One area's value."""

    code: str
    value: float
    weight: float | None = None  # e.g. population or LSOA count, to merge areas by


def is_ons_code(text: str) -> bool:
    """True for a 9-character GSS code such as ``E06000037``."""
    return bool(ONS_CODE.match(text))


def read_indicator(
    table: Table, *, code_column: str, value_column: str, weight_column: str | None = None
) -> ReadResult[IndicatorValue]:
    """Values by ONS code; a row whose code is a name, blank or repeated is rejected. With
    ``weight_column`` each value also carries its weight (a non-negative number)."""
    for column in (code_column, value_column, *([weight_column] if weight_column else [])):
        if column not in table.columns:
            raise InvalidInput(
                f"the file has no column {column!r} (columns: {', '.join(table.columns)})"
            )
    accepted: list[IndicatorValue] = []
    rejected: list[Rejection] = []
    seen: set[str] = set()
    for row in table:
        code = row.values.get(code_column, "").strip().upper()
        try:
            if not code:
                raise RowError("missing-code", f"{code_column} is empty")
            if not is_ons_code(code):
                raise RowError(
                    "bad-code", f"{code!r} is not an ONS code (indicators join by code, not name)"
                )
            if code in seen:
                raise RowError("duplicate-id", f"code {code} appears twice")
            value = parse_number(row.values.get(value_column, ""), value_column)
            weight = _weight(row.values.get(weight_column or "", ""), weight_column)
        except RowError as exc:
            rejected.append(Rejection(row.number, exc.code, str(exc)))
            continue
        seen.add(code)
        accepted.append(IndicatorValue(code, value, weight))
    return ReadResult(tuple(accepted), tuple(rejected), len(table))


def _weight(text: str, column: str | None) -> float | None:
    if column is None:
        return None
    weight = parse_number(text, column)
    if weight < 0:
        raise RowError("bad-number", f"{column} {text!r} is negative (a weight is a count)")
    return weight
