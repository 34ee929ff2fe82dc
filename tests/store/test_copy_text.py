"""``store.postgis.copy_text`` stores what psycopg's ``write_row`` stores: the same rows through
a real COPY each way, for the awkward values (escapes, NULLs, non-finite floats, dates), and
None (psycopg's own way) for a value it does not format."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect

from domain.model import Activity
from domain.vocabulary import ValidationStatus
from store.bulk_rows import encode_rows
from store.postgis.copy_text import copy_text
from tests.store.test_bulk_rows import _activities

_COLUMNS = "t text, f float8, i bigint, b boolean, d date, s text"
_ROWS: list[tuple[Any, ...]] = [
    ('Café "Zoë" \\ tab\there', 1.5, 2**62, True, date(2026, 12, 2), ValidationStatus.PENDING),
    ("line\nbreak\rreturn\b\f\v ✓", float("inf"), -1, False, date(999, 1, 31), "as str"),
    (None, float("-inf"), None, None, None, None),
    ("\\N", float("nan"), 0, True, date(2000, 2, 29), ValidationStatus.VALIDATED),
    ("", 1e-310, 7, False, date(1, 1, 1), "tab\t"),
    ("plain", -0.0, 12, True, date(9999, 12, 31), ValidationStatus.PENDING),
]


@pytest.fixture
def conn(postgis_url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(postgis_url.replace("+psycopg", "")) as opened:
        yield opened


def _stored(conn: psycopg.Connection[Any], fill: Any) -> list[tuple[Any, ...]]:
    conn.execute(f"CREATE TEMP TABLE copied ({_COLUMNS})")
    with conn.cursor() as cur, cur.copy("COPY copied FROM STDIN") as copy:
        fill(copy)
    rows = conn.execute("SELECT t::text FROM copied AS t").fetchall()
    conn.execute("DROP TABLE copied")
    return rows


@pytest.mark.postgis
def test_the_text_stores_what_write_row_stores(conn: psycopg.Connection[Any]) -> None:
    columns = [list(column) for column in zip(*_ROWS, strict=True)]
    text = copy_text(columns)
    assert text is not None

    def by_row(copy: Any) -> None:
        for row in _ROWS:
            copy.write_row(row)

    assert _stored(conn, lambda copy: copy.write(text)) == _stored(conn, by_row)
    assert len(_stored(conn, lambda copy: copy.write(text))) == len(_ROWS)


@pytest.mark.parametrize(
    "column",
    [[Decimal("1.5")], [datetime(2026, 1, 1)], ["a", 1], [b"\x00"]],
    ids=["decimal", "datetime", "mixed", "bytes"],
)
def test_a_value_it_does_not_format_leaves_it_to_psycopg(column: list[Any]) -> None:
    assert copy_text([["x"] * len(column), column]) is None


def test_no_rows_is_no_text() -> None:
    assert copy_text([[], []]) == ""


def test_every_activity_column_goes_as_text() -> None:
    """The bulk path of activities (the batch that matters, issue 19) never falls back to
    ``write_row``: each of their bound columns is a class ``copy_text`` formats."""
    dialect = psycopg_dialect()  # type: ignore[no-untyped-call]
    odd = _activities()
    rows = encode_rows(Activity, odd, h3_resolution=8, dialect=dialect)
    assert copy_text(rows.columns) is not None
