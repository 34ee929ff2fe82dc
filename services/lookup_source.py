"""Where a lookup finds its areas (its own module so the CLI can name the choice without
importing the lookup code at start-up)."""

from __future__ import annotations

from enum import StrEnum


class Source(StrEnum):
    """Where a lookup finds its areas: the database, the bundled geography, or auto."""

    AUTO = "auto"
    STORE = "store"
    BUNDLED = "bundled"
