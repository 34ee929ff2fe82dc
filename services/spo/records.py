"""What every SPO use case shares besides the change path: the audit entity name and the
clock. Reading an SPO with its tender and parties lives in ``services.access`` (who stands
towards an SPO decides what they may see), and is re-exported here."""

from __future__ import annotations

from datetime import UTC, datetime

from services.access import Loaded, get_spo, load

__all__ = ["ENTITY", "Loaded", "get_spo", "load", "now"]

ENTITY = "spo"


def now(at: datetime | None) -> datetime:
    """``at``, or the current UTC time when the caller gave none."""
    return at if at is not None else datetime.now(UTC)
