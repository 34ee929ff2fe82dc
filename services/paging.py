"""Keyset paging of listings already ordered in memory: the items past the cursor's item.

SQL listings page by ``id > cursor`` in the store; a listing filtered in memory (a bbox over
polygons, derived features) pages here, by position, so it follows the order it was given
(the database's collation decided it) rather than Python's string comparison.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def after_cursor(items: Sequence[T], keys: Sequence[str], cursor: str | None) -> list[T]:
    """``items`` (whose ids are ``keys``) past the one with id ``cursor``; when that one is
    gone, those whose id sorts after it. Every item when ``cursor`` is None."""
    if cursor is None:
        return list(items)
    if cursor in keys:
        return list(items[keys.index(cursor) + 1 :])
    return [item for item, key in zip(items, keys, strict=True) if key > cursor]
