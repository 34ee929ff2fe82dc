"""What an import changes: rows equal to what is stored are left alone (no version bump, no
audit record), changed rows become updates of the stored version with one audit record each,
new rows are inserted. So exporting a layer and importing it back changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeGuard

import shapely
from shapely.geometry.base import BaseGeometry

from domain.model import Activity, AuditEntry
from geo.validity import snap_to_grid
from store.port import Entity, Store

_CODES = ("local_authority_code", "territory_code", "region_code")
#: how far (degrees, about 1 cm) an imported shape's vertices may sit from the stored shape's
#: as exported (on the export's grid, re-read through a text format) and still be the same
SAME_SHAPE_DEG = 1e-7


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
    changes: dict[str, Any] = _stored_shapes(imported, stored)
    if hasattr(stored, "version"):
        changes["version"] = stored.version
    if isinstance(imported, Activity):
        changes |= {c: getattr(imported, c) or getattr(stored, c) for c in _CODES}
    return dataclasses.replace(imported, **changes)


def _stored_shapes(imported: Any, stored: Any) -> dict[str, Any]:
    """The fields of ``imported`` whose shape is the stored one as an export writes it
    (snapped to its grid, a polygon perhaps written as a one-part multipolygon, rings
    perhaps reordered), taken from ``stored``; also inside tuples of dataclasses (a
    tender's lots), so an exported tender imports back equal."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(imported):
        mine, theirs = getattr(imported, f.name), getattr(stored, f.name, None)
        if isinstance(mine, BaseGeometry) and isinstance(theirs, BaseGeometry):
            if mine != theirs and _same_shape(mine, theirs):
                out[f.name] = theirs
        elif _dataclass_tuple(mine) and _dataclass_tuple(theirs) and len(mine) == len(theirs):
            kept = tuple(
                dataclasses.replace(a, **_stored_shapes(a, b)) if type(a) is type(b) else a
                for a, b in zip(mine, theirs, strict=True)
            )
            if kept != mine:
                out[f.name] = kept
    return out


def _dataclass_tuple(value: Any) -> TypeGuard[tuple[Any, ...]]:
    return isinstance(value, tuple) and bool(value) and dataclasses.is_dataclass(value[0])


def _same_shape(imported: BaseGeometry, stored: BaseGeometry) -> bool:
    if imported.is_empty or stored.is_empty:
        return imported.is_empty and stored.is_empty
    exported = snap_to_grid(stored)
    return bool(shapely.hausdorff_distance(exported, imported) <= SAME_SHAPE_DEG)


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
