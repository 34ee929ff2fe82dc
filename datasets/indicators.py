"""Need indicators (deprivation scores and the like) keyed by ONS area code, never by name.

A real deployment receives indicators as files with a code column and a value column (e.g. the
English Indices of Deprivation 2019 local authority summary: ``LAD19CD``, ``Score``). Names are
ambiguous and change (Aylesbury Vale, Buckinghamshire...); codes are the join key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from datasets.fields import RowError, parse_number
from datasets.readers import ReadResult, Rejection
from datasets.table import Table
from domain.errors import InvalidInput

#: a 9-character GSS code: a country letter (E, W, S, N, K) and 8 digits, e.g. E06000037
ONS_CODE = re.compile(r"^[EWSNK]\d{8}$")


@dataclass(frozen=True)
class IndicatorValue:
    """One area's value."""

    code: str
    value: float


def is_ons_code(text: str) -> bool:
    """True for a 9-character GSS code such as ``E06000037``."""
    return bool(ONS_CODE.match(text))


def read_indicator(
    table: Table, *, code_column: str, value_column: str
) -> ReadResult[IndicatorValue]:
    """Values by ONS code; a row whose code is a name, blank or repeated is rejected."""
    for column in (code_column, value_column):
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
        except RowError as exc:
            rejected.append(Rejection(row.number, exc.code, str(exc)))
            continue
        seen.add(code)
        accepted.append(IndicatorValue(code, value))
    return ReadResult(tuple(accepted), tuple(rejected), len(table))
