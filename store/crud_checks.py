"""The row-level checks and small statements behind ``SqlStore``'s CRUD, shared by both
dialects: listing filters, clear messages for dangling references and stale versions, the SPO
lock, and appending one audit record inside a write transaction.
"""

from __future__ import annotations

import dataclasses
from typing import Any, NoReturn

from sqlalchemy import Boolean, Connection, Engine, Integer, insert, select
from sqlalchemy.exc import SQLAlchemyError

from domain.errors import InvalidInput, Locked, NotFound, StaleVersion
from domain.model import AuditEntry
from spo.model import Spo
from store import schema
from store.codec_rows import Mapping_, audit_to_row, entity_key, row_to_entity
from store.types import GeoColumn


def describe(entity: object) -> str:
    """``Kind 'key'``, for messages."""
    return f"{type(entity).__name__} {entity_key(entity)!r}"


def insert_audit(conn: Connection, entry: AuditEntry) -> AuditEntry:
    """Append ``entry`` in the caller's transaction; returns it with its new id."""
    table = schema.audit_log
    new_id = conn.execute(
        insert(table).values(audit_to_row(entry)).returning(table.c.id)
    ).scalar_one()
    return dataclasses.replace(entry, id=int(new_id))


def raise_missing_or_stale(conn: Connection, mapping: Mapping_, key: str, what: str) -> NoReturn:
    """After an UPDATE that matched no row: say whether the row is gone or was changed."""
    table = mapping.table
    stored = conn.execute(select(table.c[mapping.key]).where(table.c[mapping.key] == key)).first()
    if stored is None:
        raise NotFound(f"{what} does not exist")
    raise StaleVersion(f"{what} was changed by someone else: read it again")


def check_spo_lock(conn: Connection, spo: Spo) -> None:
    """A locked SPO's lines and hash change only together with a new variation."""
    table = schema.spos
    row = conn.execute(select(table).where(table.c.id == spo.id).with_for_update()).first()
    if row is None:
        return
    stored: Spo = row_to_entity(Spo, row._mapping)
    if not stored.is_locked or stored.version != spo.version:
        return
    changed = stored.lines != spo.lines or stored.content_hash != spo.content_hash
    if changed and len(spo.variations) <= len(stored.variations):
        raise Locked(f"SPO {spo.id!r} is locked: record a variation to change it")


def filter_clauses(mapping: Mapping_, filters: dict[str, Any]) -> list[Any]:
    """``find``/``count`` filters -> WHERE clauses (only plain columns can be filtered)."""
    clauses = []
    for name, value in filters.items():
        column = mapping.table.c.get(name)
        if column is None or name in ("data", "themes") or isinstance(column.type, GeoColumn):
            raise InvalidInput(f"cannot filter {mapping.kind.__name__} by {name!r}")
        clauses.append(column == _coerce(column, value))
    return clauses


def dangling_reference(engine: Engine, mapping: Mapping_, row: dict[str, Any]) -> str | None:
    """Name the foreign key of ``row`` that points at nothing (for a clear message)."""
    try:
        with engine.connect() as conn:
            for fk in mapping.table.foreign_keys:
                value = row.get(fk.parent.name)
                if value is None:
                    continue
                target = fk.column
                hit = conn.execute(select(target).where(target == value)).first()
                if hit is None:
                    return f"{fk.parent.name} {value!r} does not exist"
    except SQLAlchemyError:
        return None
    return None


def _coerce(column: Any, value: Any) -> Any:
    """Query-string values -> the column's type (booleans and integers)."""
    if isinstance(column.type, Boolean) and isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    if isinstance(column.type, Integer) and isinstance(value, str):
        return int(value)
    return value
