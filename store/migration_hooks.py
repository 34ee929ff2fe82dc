"""Alembic comparison hooks shared by ``migrations/env.py`` and the models-vs-migrations test.

Indexes declared PostgreSQL-only (``ddl_if``) are ignored on SQLite, PostGIS's own tables are
ignored, and geometry columns compare by kind and geography-ness, not by SQL spelling.
"""

from __future__ import annotations

from typing import Any

from store.types import GeoColumn


def include_object_for(dialect_name: str) -> Any:
    """An ``include_object`` hook that honours ``Index(...).ddl_if(dialect=...)``."""

    def include_object(obj: Any, name: Any, type_: str, reflected: bool, compare_to: Any) -> bool:
        if type_ == "index" and not reflected:
            ddl_if = getattr(obj, "_ddl_if", None)
            if ddl_if is not None and ddl_if.dialect and ddl_if.dialect != dialect_name:
                return False
        if type_ == "index" and reflected and compare_to is None and dialect_name == "postgresql":
            # PostGIS may add its own indexes; ours are all named in the metadata
            return not str(name).startswith("idx_")
        return not (type_ == "table" and reflected and compare_to is None and name in _POSTGIS)

    return include_object


_POSTGIS = {"spatial_ref_sys", "geometry_columns", "geography_columns"}


def compare_type(
    ctx: Any, inspected_column: Any, metadata_column: Any, inspected_type: Any, metadata_type: Any
) -> bool | None:
    """Geometry columns agree when their kind and geography-ness agree."""
    if not isinstance(metadata_type, GeoColumn):
        return None
    if ctx.dialect.name != "postgresql":
        return type(inspected_type).__name__.upper() not in ("BLOB", "LARGEBINARY")
    is_geography = type(inspected_type).__name__ == "Geography"
    kind = str(getattr(inspected_type, "geometry_type", "")).upper()
    return is_geography != metadata_type.geography or kind != metadata_type.kind
