"""The store port: the one interface both backends (SQLite file, PostGIS) implement.

Distances are great-circle metres on a sphere of radius ``EARTH_RADIUS_M`` in BOTH backends
(PostGIS: geography with ``use_spheroid = false``; SQLite: exact chord distance over candidates),
so the same inputs give the same answers. Ties in distance are broken by ascending id.

Every write is one transaction; a write that fails changes nothing. Several writes that must
stand or fall together go in one unit of work: ``with store.transaction() as tx: ...`` (one
commit). Driver exceptions never escape an adapter: they become ``domain.errors`` exceptions.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol, TypeVar, runtime_checkable

from domain.columns import ActivityChanges, ActivityColumns
from domain.model import (
    Account,
    Activity,
    Area,
    AreaChain,
    AuditEntry,
    Buyer,
    Contract,
    LocalAuthority,
    PolicePlan,
    Provider,
    Region,
    SmallArea,
    Supplier,
    Tender,
    Territory,
)
from geo.sphere import EARTH_RADIUS_M
from spo.model import ProgressReport, Spo

__all__ = [
    "EARTH_RADIUS_M",
    "ENTITY_TYPES",
    "ActivityQuery",
    "E",
    "Entity",
    "EventListener",
    "LoggedEvent",
    "Nearby",
    "RetiredArea",
    "Retirement",
    "Store",
]


Entity = (
    Region
    | Territory
    | LocalAuthority
    | SmallArea
    | Provider
    | Activity
    | Supplier
    | Buyer
    | Tender
    | Contract
    | Spo
    | ProgressReport
    | Account
)
E = TypeVar("E", bound=Entity)

#: entity classes the generic CRUD methods accept, in foreign-key order (parents first)
ENTITY_TYPES: tuple[type, ...] = (
    Region,
    Territory,
    LocalAuthority,
    SmallArea,
    Provider,
    Activity,
    Supplier,
    Buyer,
    Tender,
    Contract,
    Spo,
    ProgressReport,
    Account,
)


@dataclass(frozen=True)
class ActivityQuery:
    """Filters applied to spatial activity queries."""

    recommendable_only: bool = False  # validated, in date (on ``as_of``) and active
    themes: tuple[str, ...] = ()  # any of
    territory_code: str | None = None
    as_of: str | None = None  # ISO date for validation expiry; None = today


@dataclass(frozen=True)
class FeatureQuery:
    """A listing pushed down to SQL on both backends (OGC API – Features items).

    ``fields`` names the columns a client may use (property name -> column); ``where`` is a
    parsed CQL2 filter (a ``pygeofilter`` AST over those property names, already checked by the
    caller); ``equal`` are equality filters on properties; ``bbox`` keeps rows whose bbox
    columns meet the box (exact for points, a prefilter for polygons); ``order`` lists
    ``(property, descending)`` pairs, the key breaking ties; ``limit=None`` means every row.
    ``after`` keeps rows whose key is above it (keyset paging; only with no ``order``): it
    narrows the window, never the count of all that match.
    """

    fields: Mapping[str, str] = field(default_factory=dict)
    where: object | None = None
    equal: Mapping[str, object] = field(default_factory=dict)
    bbox: tuple[float, float, float, float] | None = None
    order: tuple[tuple[str, bool], ...] = ()
    limit: int | None = None
    offset: int = 0
    after: str | None = None


@dataclass(frozen=True)
class Nearby:
    """An activity and its great-circle distance in metres from the query point."""

    activity: Activity
    distance_m: float


@dataclass(frozen=True)
class LoggedEvent:
    """One change notice in the event log: ``id`` grows in commit order across processes."""

    id: int
    topic: str
    kind: str
    data: dict[str, Any]
    at: datetime


@dataclass(frozen=True)
class RetiredArea:
    """A boundary an import replaced: its level (lad, pfa, csp, lsoa), code, name and shape,
    valid from ``valid_from`` (None: since before dicm knew it) until ``valid_to``."""

    level: str
    code: str
    name: str
    geometry: Area | None
    valid_from: date | None
    valid_to: date
    replaced_by_import: str


@dataclass(frozen=True)
class Retirement:
    """What ``retire_areas`` did: the codes moved to history, the codes it kept live because
    rows that cannot be re-located refer to them (buyers, tenders, accounts, plans), and the
    activities, local authorities and small areas whose reference to a retired code it
    cleared (the caller places them again)."""

    retired: tuple[str, ...]
    kept: dict[str, str]
    activity_ids: tuple[str, ...]
    local_authority_codes: tuple[str, ...] = ()
    small_area_codes: tuple[str, ...] = ()


class EventListener(Protocol):
    """Tells a reader of the event log when to look again."""

    def wait(self, timeout: float) -> None:
        """Return when another process may have appended an event, or after ``timeout``
        seconds (whichever comes first); the caller then reads the log by id."""

    def close(self) -> None:
        """Stop listening (a blocked ``wait`` returns soon)."""


@runtime_checkable
class Store(Protocol):
    """Persistence and spatial queries for dicm."""

    # --- lifecycle ---
    def migrate(self) -> None:
        """Bring the database schema to head (Alembic)."""

    def close(self) -> None:
        """Release connections."""

    def schema_revisions(self) -> tuple[str | None, str | None]:
        """(the schema revision the database is at, the newest one dicm ships); equal when
        the schema is at head (``/readyz`` checks it)."""

    def generation(self, *names: str) -> int:
        """A number that grows with every committed write (by any process) counted by the
        change counters ``names`` ("activities", "areas" (regions, territories, local
        authorities), "spos", "plans", "accounts"); all of them when none is named. A cache
        derived from those writes is fresh while the number is unchanged."""

    def transaction(self) -> AbstractContextManager[Store]:
        """A unit of work: every call made on the yielded store (in this thread) joins one
        transaction, committed when the block ends, rolled back when it raises. Nested
        transactions join the outer one."""

    # --- generic CRUD (any class in ENTITY_TYPES) ---
    def put(self, entity: Entity, *, audit: AuditEntry | None = None) -> None:
        """Insert a new entity (``Conflict`` if its id exists; ``UnknownReference`` on a
        dangling foreign key). Activities get their local authority / territory / region
        filled from their location when not given."""

    def put_many(self, entities: Iterable[Entity]) -> int:
        """Insert or replace many entities in ONE transaction: all or nothing. Returns count."""

    def get(self, kind: type[E], id_: str) -> E:
        """Fetch by id (or ONS code). ``NotFound`` if absent."""

    def get_many(self, kind: type[E], ids: Sequence[str]) -> dict[str, E]:
        """The entities of ``ids`` that exist, by id, in one read (a chunked ``IN`` list):
        the few rows an answer explains, without a query per row."""

    def activity_columns(self, *, validation_status: str | None = None) -> ActivityColumns:
        """Every activity (of ``validation_status`` when given) as the recommender's input
        columns (``domain.columns``), in one scan, without decoding an ``Activity`` per row;
        row order is unspecified."""

    def activity_digest(self) -> str:
        """A digest of every activity's id, version, status and area codes and every SPO's
        id, version and state: equal digests, the same rows. A cache saved outside the process
        keyed by ``generation`` checks it too (a store recreated or restored from a backup can
        reach an earlier generation with other rows)."""

    def activity_changes(self, since: int) -> ActivityChanges:
        """The activities written after the "activities" counter (``generation("activities")``)
        was ``since``: their columns as ``activity_columns`` reads them (any status), and the
        ids deleted since, in one read. A reader that read the counter before reading the rows
        it holds gets every later write here (a row it already saw may come again: apply the
        changes as replacements)."""

    def update(self, entity: E, *, audit: AuditEntry | None = None) -> E:
        """Replace the stored entity whose ``version`` equals ``entity.version``; returns it
        with ``version + 1``. ``StaleVersion`` if the stored version differs (nothing changes).
        For an SPO whose stored row is locked, ``Locked`` unless the new value carries a new
        variation."""

    def delete(self, kind: type[Entity], id_: str) -> None:
        """Delete by id. ``NotFound`` if absent; ``Conflict`` if others still refer to it."""

    def find(
        self,
        kind: type[E],
        *,
        limit: int = 100,
        offset: int = 0,
        after: str | None = None,
        **filters: str,
    ) -> list[E]:
        """Entities ordered by id; ``filters`` are equality on simple fields (e.g.
        ``provider_id=``, ``territory_code=``, ``buyer_id=``, ``tender_id=``, ``spo_id=``).
        ``after`` (keyset paging) starts past that id: an index seek, where ``offset`` reads
        and drops every row before the page."""

    def iter_all(self, kind: type[E], **filters: str) -> Iterator[E]:
        """Every entity matching ``filters`` (as ``find``), by id, a page at a time (by
        keyset: each page seeks past the last id, so walking n rows is O(n))."""

    def count(self, kind: type[Entity], **filters: str) -> int:
        """How many entities match ``filters``."""

    def query(self, kind: type[E], query: FeatureQuery) -> tuple[list[E], int]:
        """A window of the entities matching ``query`` and how many match in all."""

    # --- Police & Crime Plans (versioned, append-only) ---
    def put_plan(self, plan: PolicePlan) -> None:
        """Add a plan version (``Conflict`` if that version exists)."""

    def plans(self, territory_code: str) -> list[PolicePlan]:
        """Every version, oldest first."""

    def current_plan(self, territory_code: str) -> PolicePlan | None:
        """The latest version, or None when the territory has no plan yet."""

    # --- boundary history ---
    def retire_areas(
        self,
        level: str,
        *,
        keep: Collection[str],
        nations: Collection[str],
        valid_to: date,
        source: str,
        valid_from: Mapping[str, date] | None = None,
    ) -> Retirement:
        """Move every live area of ``level`` (lad: local authorities, pfa: territories,
        csp/lsoa: small areas) whose code starts with one of ``nations`` (E, W, S, N) and is
        not in ``keep`` to the history table, with its dates (``valid_from`` by code) and the
        import ``source``, and delete it; references to them from activities, local
        authorities (their territory) and small areas (their council or territory) are
        cleared. A territory that buyers, tenders, accounts or plans refer to is kept."""

    def area_history(self, level: str | None = None, code: str | None = None) -> list[RetiredArea]:
        """Replaced boundaries (of ``level``, with ``code``), newest retirement first."""

    # --- spatial ---
    def nearest_activities(
        self,
        lon: float,
        lat: float,
        *,
        radius_m: float,
        k: int,
        query: ActivityQuery = ActivityQuery(),
    ) -> list[Nearby]:
        """The ``k`` nearest activities within ``radius_m`` great-circle metres, nearest
        first, ties by id."""

    def activities_within(
        self, area: Area, *, query: ActivityQuery = ActivityQuery()
    ) -> list[Activity]:
        """Activities whose location lies inside (or on the boundary of) ``area``, by id."""

    def activities_in_area(
        self, code: str, *, query: ActivityQuery = ActivityQuery()
    ) -> list[Activity]:
        """Activities in a territory, local authority or region given by its ONS code."""

    def locate(self, lon: float, lat: float) -> AreaChain:
        """Point -> local authority -> territory -> region. Codes are None where no stored
        boundary contains the point (the geo package decides sea/outside-UK answers)."""

    def locate_many(self, points: Sequence[tuple[float, float]]) -> list[AreaChain]:
        """``locate`` for many (lon, lat) points in one pass (one query on PostGIS)."""

    # --- audit (append-only) ---
    def append_audit(self, entry: AuditEntry) -> AuditEntry:
        """Append one record; returns it with its id."""

    def audit_log(
        self, *, entity_type: str | None = None, entity_id: str | None = None
    ) -> Sequence[AuditEntry]:
        """Records in the order they were written."""

    # --- event log (append-only, by id) ---
    def append_event(self, topic: str, kind: str, data: Mapping[str, Any]) -> LoggedEvent:
        """Append one change notice (after the change it reports has committed) and tell
        every process's listener; ids grow in commit order."""

    def events_after(
        self, after_id: int, *, topic: str | None = None, limit: int = 1000
    ) -> list[LoggedEvent]:
        """Up to ``limit`` events with an id above ``after_id`` (on ``topic``), by id."""

    def last_event_id(self) -> int:
        """The newest event's id (0 when the log is empty)."""

    def event_listener(self) -> EventListener:
        """A new listener (one per reader thread; close it when done)."""
