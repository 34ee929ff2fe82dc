"""What an import changes: rows equal to what is stored are left alone (no version bump, no
audit record), changed rows become updates of the stored version with one audit record each,
new rows are inserted. So exporting a layer and importing it back changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from domain.model import Activity, AuditEntry
from store.port import Entity, Store

_CODES = ("local_authority_code", "territory_code", "region_code")


@dataclass(frozen=True)
class Changes:
    """The entities to write and the audit records of the updated ones."""

    new: tuple[Entity, ...]
    updated: tuple[Entity, ...]
    unchanged: int
    audit: tuple[AuditEntry, ...]

    @property
    def to_write(self) -> tuple[Entity, ...]:
        return self.new + self.updated


def stored_by_key(store: Store, kind: type[Any]) -> dict[str, Any]:
    """Every stored entity of ``kind`` by its id (or ONS code), read by keyset pages."""
    return {getattr(e, "id", None) or e.code: e for e in store.iter_all(kind)}


def _comparable(imported: Any, stored: Any) -> Any:
    """``imported`` with what the file does not carry taken from ``stored`` (version, and an
    activity's ONS codes, which the store derives from its location)."""
    changes: dict[str, Any] = {}
    if hasattr(stored, "version"):
        changes["version"] = stored.version
    if isinstance(imported, Activity):
        changes |= {c: getattr(imported, c) or getattr(stored, c) for c in _CODES}
    return dataclasses.replace(imported, **changes)


def sort_changes(store: Store, entities: Sequence[Entity], *, source: str) -> Changes:
    """Split ``entities`` (all of one kind) into new, updated and unchanged against the store."""
    if not entities:
        return Changes((), (), 0, ())
    stored = stored_by_key(store, type(entities[0]))
    new: list[Entity] = []
    updated: list[Entity] = []
    audit: list[AuditEntry] = []
    unchanged = 0
    now = datetime.now(UTC)
    for entity in entities:
        key = str(getattr(entity, "id", None) or getattr(entity, "code", ""))
        before = stored.get(key)
        if before is None:
            new.append(entity)
            continue
        same = _comparable(entity, before)
        if same == before:
            unchanged += 1
            continue
        version = getattr(before, "version", None)
        after = dataclasses.replace(same, version=version + 1) if version is not None else same
        updated.append(after)
        fields = [
            f.name
            for f in dataclasses.fields(before)
            if f.name != "version" and getattr(before, f.name) != getattr(same, f.name)
        ]
        audit.append(
            AuditEntry(
                actor="import",
                action="import-update",
                entity_type=type(entity).__name__,
                entity_id=key,
                at=now,
                reason=f"imported from {source}",
                detail={"fields": fields, "version": after.version if version else None},
            )
        )
    return Changes(tuple(new), tuple(updated), unchanged, tuple(audit))
