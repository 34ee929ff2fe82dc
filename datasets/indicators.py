"""Need indicators (deprivation scores and the like) keyed by ONS area code, never by name.

A real deployment receives indicators as files with a code column and a value column (e.g. the
English Indices of Deprivation 2019 local authority summary: ``LAD19CD``, ``Score``). Names are
ambiguous and change (Aylesbury Vale, Buckinghamshire...); codes are the join key.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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
    #: the local authority it lies in, when the lookup does not know ``code`` but the row
    #: says (an LSOA new in 2021, placed by its name)
    within: str | None = None


def is_ons_code(text: str) -> bool:
    """True for a 9-character GSS code such as ``E06000037``."""
    return bool(ONS_CODE.match(text))


def read_indicator(
    table: Table,
    *,
    code_column: str,
    value_column: str | None,
    weight_column: str | None = None,
    repeats: bool = False,
    known: Callable[[str], bool] | None = None,
    level_name: str = "area",
    why_unknown: Callable[[str], str | None] | None = None,
) -> ReadResult[IndicatorValue]:
    """Values by ONS code; a row whose code is a name, blank or (unless ``repeats``: one row
    per incident, to be counted) repeated is rejected, and with ``known`` a code that is no
    known area (``unknown-area``). Without ``value_column`` every row counts 1. With
    ``weight_column`` each value also carries its weight (a non-negative number). A row gets
    every reason that applies, not only the first. ``why_unknown`` may say more of an unknown
    code (a 2021 LSOA code, say) than that it is not in the lookup."""
    wanted = [code_column, *(c for c in (value_column, weight_column) if c)]
    for column in wanted:
        if column not in table.columns:
            raise InvalidInput(
                f"the file has no column {column!r} (columns: {', '.join(table.columns)})"
            )
    accepted: list[IndicatorValue] = []
    rejected: list[Rejection] = []
    seen: set[str] = set()
    for row in table:
        code = row.values.get(code_column, "").strip().upper()
        errors: list[RowError] = []
        try:
            check_area_code(code, code_column, known, level_name, why_unknown)
            if code in seen and not repeats:
                raise RowError("duplicate-id", f"code {code} appears twice")
        except RowError as exc:
            errors.append(exc)
        value = 1.0
        weight = None
        try:
            if value_column is not None:
                value = parse_number(row.values.get(value_column, ""), value_column)
        except RowError as exc:
            errors.append(exc)
        try:
            weight = _weight(row.values.get(weight_column or "", ""), weight_column)
        except RowError as exc:
            errors.append(exc)
        if errors:
            rejected.extend(Rejection(row.number, e.code, str(e)) for e in errors)
            continue
        seen.add(code)
        accepted.append(IndicatorValue(code, value, weight))
    return ReadResult(tuple(accepted), tuple(rejected), len(table))


def check_area_code(
    code: str,
    column: str,
    known: Callable[[str], bool] | None,
    level_name: str,
    why_unknown: Callable[[str], str | None] | None = None,
) -> None:
    """Raise the reason a code cannot be joined: empty, a name, or (``known``) no such area."""
    if not code:
        raise RowError("missing-code", f"{column} is empty")
    if known is not None and known(code):
        return  # Northern Ireland's super output areas (95AA01S1) are no GSS codes
    if not is_ons_code(code):
        raise RowError(
            "bad-code", f"{code!r} is not an ONS code (indicators join by code, not name)"
        )
    if known is not None:
        reason = why_unknown(code) if why_unknown is not None else None
        raise RowError(
            "unknown-area", reason or f"{code} is no {level_name} in the packaged ONS lookup"
        )


def _weight(text: str, column: str | None) -> float | None:
    if column is None:
        return None
    weight = parse_number(text, column)
    if weight < 0:
        raise RowError("bad-number", f"{column} {text!r} is negative (a weight is a count)")
    return weight
