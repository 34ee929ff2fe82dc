"""What both SQL adapters share: CRUD with optimistic locking, the unit of work
(``transaction``) and paging (``iter_all``); plans and the audit log come from
``store.sql_records``, the event log from ``store.event_log``.

Dialect-specific work (spatial queries, upserts, transaction flavour) is left to the
subclasses in ``store.sqlite.store`` and ``store.postgis.store``.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from datetime import date
from itertools import chain as chained
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import Any, Self

import numpy as np
import numpy.typing as npt
import shapely
from sqlalchemy import ColumnElement, Connection, Engine, Table, func, insert, select
from sqlalchemy.exc import DBAPIError

from domain.columns import ActivityChanges, ActivityColumns
from domain.errors import NotFound, UnknownReference
from domain.model import (
    Account,
    Activity,
    Area,
    AreaChain,
    AuditEntry,
    LocalAuthority,
    Region,
    SmallArea,
    Territory,
)
from spo.model import Spo
from store import columns, schema
from store.bulk_ahead import Chunk, encoded_ahead, split_batch
from store.bulk_rows import Rows, collector_paused, encode_rows
from store.codec_rows import (
    Mapping_,
    decode_rows,
    entity_key,
    entity_to_row,
    mapping_for,
    select_rows,
)
from store.crud_checks import (
    check_spo_lock,
    dangling_reference,
    describe,
    filter_clauses,
    insert_audit,
    raise_missing_or_stale,
)
from store.errors import inserted_new, translated
from store.event_log import EventLog
from store.feature_query import select_window
from store.port import (
    ENTITY_TYPES,
    ActivityQuery,
    E,
    Entity,
    FeatureQuery,
    Nearby,
    RetiredArea,
    Retirement,
)
from store.query import ALL_ACTIVITIES, matches
from store.sql_records import PlansAndAudit
from store.validate import check_entities, check_entity

_AREA_KINDS: set[type] = {LocalAuthority, Territory, Region, SmallArea}
_LOCATED_KINDS: set[type] = {LocalAuthority, Territory, Region}  # what ``locate`` reads
#: the import levels whose areas an import may retire, and where they live
_RETIRABLE: dict[str, tuple[type, Table]] = {
    "lad": (LocalAuthority, schema.local_authorities),
    "pfa": (Territory, schema.territories),
    "csp": (SmallArea, schema.small_areas),
    "lsoa": (SmallArea, schema.small_areas),
}
#: rows that refer to a territory and have no location to be placed again by
_TERRITORY_HOLDERS: tuple[tuple[str, Table], ...] = (
    ("buyers", schema.buyers),
    ("tenders", schema.tenders),
    ("accounts", schema.accounts),
    ("plans", schema.police_plans),
)
_CHUNK = 500  # codes per IN (...) list: under every SQLite build's variable limit
#: rows per page when ``iter_all`` walks a table
ITER_PAGE = 1000
#: the change counter each kind's writes bump (``_bump``): counts of those kinds are remembered
_COUNTERS: dict[type, str] = {
    Activity: "activities",
    **dict.fromkeys(_AREA_KINDS, "areas"),
    Spo: "spos",
    Account: "accounts",
}
_COUNTS_KEPT = 256  # distinct remembered counts (filters x kinds), least recently used dropped
#: built once: it runs before every cached read (see ``generation``)
_GENERATION = select(func.coalesce(func.sum(schema.store_generations.c.value), 0))


class SqlStore(PlansAndAudit, EventLog):
    """The dialect-neutral half of a Store; subclasses add the spatial methods."""

    def __init__(self, engine: Engine, *, h3_resolution: int = 8) -> None:
        self._engine = engine
        self.h3_resolution = h3_resolution
        self._unit = threading.local()  # the open unit of work of this thread, if any
        #: (count SQL, parameters) -> (change counter when counted, count); see ``_counted``
        self._counts: OrderedDict[tuple[str, str], tuple[int, int]] = OrderedDict()
        self._counts_lock = threading.Lock()

    # --- lifecycle ----------------------------------------------------------------------
    def migrate(self) -> None:
        from store.migrate import upgrade

        with translated("the schema"):
            upgrade(self._engine)
        self._changed(set(ENTITY_TYPES), set(), {})

    def close(self) -> None:
        self._engine.dispose()

    def schema_revisions(self) -> tuple[str | None, str | None]:
        """(the Alembic revision the database is at, the newest one dicm ships)."""
        from store.migrate import current, head

        with translated("the schema revision"):
            return current(self._engine), head()

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for migrations, benchmarks and tests inside ``store``)."""
        return self._engine

    # --- hooks -------------------------------------------------------------------------
    @contextmanager
    def _open_write(self) -> Iterator[Connection]:
        """One write transaction (subclasses may take the write lock up front)."""
        with self._engine.begin() as conn:
            yield conn

    @contextmanager
    def _open_read(self) -> Iterator[Connection]:
        with translated("a read"), self._engine.connect() as conn:
            yield conn

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """The open unit of work's connection, else a transaction of its own."""
        conn: Connection | None = getattr(self._unit, "conn", None)
        if conn is not None:
            yield conn
            return
        with self._open_write() as own:
            yield own

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """Inside a unit of work, its connection (a read sees the unit's own writes)."""
        conn: Connection | None = getattr(self._unit, "conn", None)
        if conn is not None:
            with translated("a read"):
                yield conn
            return
        with self._open_read() as own:
            yield own

    # --- unit of work --------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Self]:
        """Every store call inside (from this thread) joins ONE transaction, committed when
        the block ends and rolled back, with nothing changed, when it raises. Caches learn of
        the writes only after the commit. A nested ``transaction`` joins the outer one."""
        if getattr(self._unit, "conn", None) is not None:
            yield self
            return
        pending: list[tuple[set[type], set[str], dict[str, int]]] = []
        try:
            with translated("a transaction"), self._open_write() as conn:
                self._unit.conn, self._unit.pending = conn, pending
                yield self
        finally:
            self._unit.conn = self._unit.pending = None
        for kinds, keys, bumped in pending:
            self._changed(kinds, keys, bumped)

    def _unit_areas_conn(self) -> Connection | None:
        """The open unit of work's connection when it has written areas that ``locate``
        reads: a locate inside it must see them (the caches hold only committed rows)."""
        conn: Connection | None = getattr(self._unit, "conn", None)
        pending: list[tuple[set[type], set[str], dict[str, int]]] = (
            getattr(self._unit, "pending", None) or []
        )
        if conn is not None and any(kinds & _LOCATED_KINDS for kinds, _k, _b in pending):
            return conn
        return None

    def _committed(self, kinds: set[type], keys: set[str], bumped: dict[str, int]) -> None:
        """After a write: tell the caches now, or when the open unit of work commits."""
        pending: list[tuple[set[type], set[str], dict[str, int]]] | None = getattr(
            self._unit, "pending", None
        )
        if pending is None:
            self._changed(kinds, keys, bumped)
        else:
            pending.append((kinds, keys, bumped))

    def _changed(self, kinds: set[type], keys: set[str], bumped: dict[str, int]) -> None:
        """Called after a committed write of the entities ``keys`` of ``kinds``, which moved
        the change counters to ``bumped`` (caches drop what is stale)."""

    def generation(self, *names: str) -> int:
        """The sum of the change counters ``names`` (all when none): every bump adds one."""
        stmt = _GENERATION
        if names:
            stmt = stmt.where(schema.store_generations.c.name.in_(names))
        with self._read() as conn:
            return int(conn.execute(stmt).scalar_one())

    def _bump(self, conn: Connection, kinds: set[type]) -> dict[str, int]:
        """Inside a write transaction touching ``kinds``: advance the change counters."""
        groups = (
            ("activities", {Activity}),
            ("areas", _AREA_KINDS),
            ("spos", {Spo}),
            ("accounts", {Account}),
        )
        return self._bump_names(conn, [name for name, group in groups if kinds & group])

    def _bump_names(self, conn: Connection, names: list[str]) -> dict[str, int]:
        if not names:
            return {}
        table = schema.store_generations
        stmt = table.update().where(table.c.name.in_(names)).values(value=table.c.value + 1)
        result = conn.execute(stmt.returning(table.c.name, table.c.value))
        return {str(name): int(value) for name, value in result}

    def _upsert(self, conn: Connection, mapping: Mapping_, batches: Iterator[Rows]) -> None:
        """Insert or replace the rows of ``batches`` (already bound, see ``store.bulk_rows``;
        encoded as they are asked for, ``store.bulk_ahead``) with the driver's own
        ``executemany``, in the caller's transaction. PostGIS overrides this.

        New rows go in by a plain ``INSERT`` inside a savepoint: with foreign keys on, SQLite
        spends ~60% more on ``ON CONFLICT DO UPDATE`` (issue 19). A key already there fails
        it on the unique key; the savepoint is rolled back and the upsert runs instead."""
        done: list[Rows] = []
        first = next(batches)
        names = first.names
        table, columns = f'"{mapping.table.name}"', ", ".join(f'"{n}"' for n in names)
        insert_sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(names))})"

        def insert_all() -> None:
            for rows in chained([first], batches):
                done.append(rows)
                _executemany(conn, insert_sql, rows)

        if inserted_new(conn, insert_all):
            return
        done.extend(batches)
        updates = ", ".join(f'"{n}" = excluded."{n}"' for n in names if n != mapping.key)
        upsert_sql = f'{insert_sql} ON CONFLICT ("{mapping.key}") DO UPDATE SET {updates}'
        for rows in done:
            _executemany(conn, upsert_sql, rows)

    #: whether ``put_many`` encodes the next chunk in a worker thread while the database
    #: takes this one (``store.bulk_ahead``): only where the database works outside the GIL
    _encode_in_thread = False

    def _locates_up_front(self) -> bool:
        """Whether ``put_many`` locates the missing area codes of the whole batch before it
        writes. Not when it encodes in a worker thread and the areas are the committed ones:
        then each chunk's codes are located there, on a connection of its own, while the
        previous chunk is written (on PostGIS the lookup is a query, ~0.7 s of server time
        per 100k points even with no boundary stored). A unit of work that wrote areas
        locates on its own connection, so up front."""
        return not self._encode_in_thread or self._unit_areas_conn() is not None

    def _encode_chunk(self, chunk: Chunk) -> Rows:
        """One chunk of a batch as driver-ready rows, its missing area codes located unless
        they were (run in ``put_many``'s worker thread when ``_encode_in_thread``: the
        thread is in no unit of work, so a read there opens its own connection)."""
        codes = chunk.codes
        if chunk.kind is Activity and not chunk.located:
            codes = self._code_columns(list(chunk.entities))
        return encode_rows(
            chunk.kind,
            chunk.entities,
            h3_resolution=self.h3_resolution,
            dialect=self._engine.dialect,
            codes=codes,
        )

    def locate_many(self, points: Sequence[tuple[float, float]]) -> list[AreaChain]:
        raise NotImplementedError

    # --- CRUD ---------------------------------------------------------------------------
    def put(self, entity: Entity, *, audit: AuditEntry | None = None) -> None:
        mapping = mapping_for(type(entity))
        check_entity(entity)
        entity = self._with_codes([entity])[0]
        row = entity_to_row(entity, h3_resolution=self.h3_resolution)
        what = describe(entity)
        try:
            with translated(what), self._write() as conn:
                conn.execute(insert(mapping.table).values(row))
                bumped = self._bump(conn, {type(entity)})
                if audit is not None:
                    insert_audit(conn, audit)
        except UnknownReference:
            raise UnknownReference(
                dangling_reference(self._engine, mapping, row) or f"{what}: unknown reference"
            ) from None
        self._committed({type(entity)}, {entity_key(entity)}, bumped)

    def put_many(self, entities: Iterable[Entity]) -> int:
        """Every entity checked and the missing area codes located, then each kind's rows
        encoded a column at a time (``store.bulk_rows``), chunk by chunk as the database takes
        them (``store.bulk_ahead``), and written in one statement per kind (SQLite: one
        ``executemany`` per chunk), in one transaction."""
        items = list(entities)
        by_kind: dict[type, list[Any]] = {}
        check_entities(items)
        for entity in items:
            by_kind.setdefault(type(entity), []).append(entity)
        for kind in by_kind:
            mapping_for(kind)  # TypeError for anything that is not stored, before any write
        with collector_paused():
            codes: dict[type, dict[str, list[str | None]] | None] = {}
            if Activity in by_kind and self._locates_up_front():
                codes[Activity] = self._code_columns(by_kind[Activity])
            chunks = split_batch(by_kind, ENTITY_TYPES, codes)
            batches = encoded_ahead(chunks, self._encode_chunk, threaded=self._encode_in_thread)
            with (
                closing(batches),
                translated(f"a batch of {len(items)} records"),
                self._write() as conn,
            ):
                for kind, group in groupby(batches, key=itemgetter(0)):
                    self._upsert(conn, mapping_for(kind), (rows for _kind, rows in group))
                bumped = self._bump(conn, set(by_kind))
        keys: set[str] = set()
        for kind, members in by_kind.items():
            keys.update(map(str, _keys(kind, members)))
        self._committed(set(by_kind), keys, bumped)
        return len(items)

    def get(self, kind: type[E], id_: str) -> E:
        mapping = mapping_for(kind)
        with self._read() as conn:
            row = conn.execute(select_rows(kind).where(mapping.table.c[mapping.key] == id_)).first()
        if row is None:
            raise NotFound(f"no {kind.__name__} with {mapping.key} {id_!r}")
        result: E = decode_rows(kind, [row])[0]
        return result

    def get_many(self, kind: type[E], ids: Sequence[str]) -> dict[str, E]:
        mapping = mapping_for(kind)
        column = mapping.table.c[mapping.key]
        wanted = sorted(set(ids))
        found: dict[str, E] = {}
        with self._read() as conn:
            for part in _chunks(wanted):
                rows = conn.execute(select_rows(kind).where(column.in_(part))).all()
                for entity in decode_rows(kind, rows):
                    found[entity_key(entity)] = entity
        return found

    def activity_columns(self, *, validation_status: str | None = None) -> ActivityColumns:
        stmt = select(*columns.SELECTED)
        if validation_status is not None:
            stmt = stmt.where(schema.activities.c.validation_status == validation_status)
        with self._read() as conn:
            return columns.activity_columns(conn.execute(stmt))

    def activity_changes(self, since: int) -> ActivityChanges:
        """The change log (``schema.activity_changes``, kept by triggers) joined to the rows:
        the counter first, then one statement (one snapshot) for changed and deleted alike."""
        log, table = schema.activity_changes, schema.activities
        stmt = (
            select(log.c.id, *columns.SELECTED)
            .select_from(log.outerjoin(table, table.c.id == log.c.id))
            .where(log.c.stamp > since)
        )
        counter = _GENERATION.where(schema.store_generations.c.name == "activities")
        with self._read() as conn:
            generation = int(conn.execute(counter).scalar_one())
            rows = conn.execute(stmt).all()
        deleted = tuple(sorted(str(row[0]) for row in rows if row[1] is None))
        present = (tuple(row[1:]) for row in rows if row[1] is not None)
        return ActivityChanges(columns.activity_columns(present), deleted, generation)

    def activity_digest(self) -> str:
        with self._read() as conn:
            return columns.digest(
                conn.execute(select(*columns.DIGESTED)).tuples(),
                conn.execute(select(*columns.SPO_DIGESTED)).tuples(),
            )

    def update(self, entity: E, *, audit: AuditEntry | None = None) -> E:
        mapping = mapping_for(type(entity))
        check_entity(entity)
        entity = self._with_codes([entity])[0]  # type: ignore[assignment]
        row = entity_to_row(entity, h3_resolution=self.h3_resolution)
        key = entity_key(entity)
        table, what = mapping.table, describe(entity)
        stmt = table.update().where(table.c[mapping.key] == key)
        expected = getattr(entity, "version", None)
        if mapping.versioned:
            stmt = stmt.where(table.c.version == expected)
            row["version"] = int(expected or 0) + 1
        try:
            with translated(what), self._write() as conn:
                if isinstance(entity, Spo):
                    check_spo_lock(conn, entity)
                if conn.execute(stmt.values(row)).rowcount == 0:
                    raise_missing_or_stale(conn, mapping, key, what)
                bumped = self._bump(conn, {type(entity)})
                if audit is not None:
                    insert_audit(conn, audit)
        except UnknownReference:
            raise UnknownReference(
                dangling_reference(self._engine, mapping, row) or f"{what}: unknown reference"
            ) from None
        self._committed({type(entity)}, {key}, bumped)
        if mapping.versioned:
            return dataclasses.replace(entity, version=row["version"])
        return entity

    def delete(self, kind: type[Entity], id_: str) -> None:
        mapping = mapping_for(kind)
        table = mapping.table
        with translated(f"{kind.__name__} {id_!r}", deleting=True), self._write() as conn:
            if conn.execute(table.delete().where(table.c[mapping.key] == id_)).rowcount == 0:
                raise NotFound(f"no {kind.__name__} with {mapping.key} {id_!r}")
            bumped = self._bump(conn, {kind})
        self._committed({kind}, {id_}, bumped)

    def find(
        self,
        kind: type[E],
        *,
        limit: int = 100,
        offset: int = 0,
        after: str | None = None,
        **filters: str,
    ) -> list[E]:
        mapping = mapping_for(kind)
        table = mapping.table
        key = table.c[mapping.key]
        stmt = select_rows(kind).where(*filter_clauses(mapping, filters))
        if after is not None:
            stmt = stmt.where(key > after)
        stmt = stmt.order_by(key).limit(limit)
        if offset:
            stmt = stmt.offset(offset)
        with self._read() as conn:
            rows = conn.execute(stmt).all()
        return decode_rows(kind, rows)

    def iter_all(self, kind: type[E], **filters: str) -> Iterator[E]:
        """Every entity matching ``filters``, by id, a page at a time: each page seeks past
        the last id read (keyset), so the walk is O(n) where ``OFFSET`` paging re-reads (and on
        SQLite re-sorts) every earlier row for every page."""
        after: str | None = None
        while True:
            page = self.find(kind, limit=ITER_PAGE, offset=0, after=after, **filters)
            yield from page
            if len(page) < ITER_PAGE:
                return
            after = entity_key(page[-1])

    def count(self, kind: type[Entity], **filters: str) -> int:
        mapping = mapping_for(kind)
        stmt = select(func.count()).select_from(mapping.table)
        stmt = stmt.where(*filter_clauses(mapping, filters))
        with self._read() as conn:
            return self._counted(conn, kind, stmt)

    def query(self, kind: type[E], query: FeatureQuery) -> tuple[list[E], int]:
        mapping = mapping_for(kind)
        rows_stmt, count_stmt = select_window(mapping.table, mapping.key, query, select_rows(kind))
        with self._read() as conn:
            rows = conn.execute(rows_stmt).all()
            matched = self._counted(conn, kind, count_stmt)
        return decode_rows(kind, rows), matched

    def _counted(self, conn: Connection, kind: type, stmt: Any) -> int:
        """``SELECT count(*)`` (no ORDER BY), remembered until the kind's change counter moves:
        every page of a listing reports numberMatched, and counting 1M activities costs
        ~35 ms on SQLite, ~75 ms on PostGIS, against ~0.1-0.3 ms to read the counter. The
        counter is read BEFORE counting, on the same connection (one snapshot on SQLite), so a
        count that already sees a newer write is filed under the older value, which no reader
        asks for again once that write is committed.
        Not inside a unit of work (its bumps may roll back), nor for kinds with no counter."""
        name = _COUNTERS.get(kind)
        if name is None or getattr(self._unit, "conn", None) is not None:
            return int(conn.execute(stmt).scalar_one())
        compiled = stmt.compile(dialect=conn.dialect)
        key = (str(compiled), repr(sorted(compiled.params.items())))
        counter = _GENERATION.where(schema.store_generations.c.name == name)
        generation = int(conn.execute(counter).scalar_one())  # same connection: no checkout
        with self._counts_lock:
            hit = self._counts.get(key)
            if hit is not None and hit[0] == generation:
                self._counts.move_to_end(key)
                return hit[1]
        matched = int(conn.execute(stmt).scalar_one())
        with self._counts_lock:
            self._counts[key] = (generation, matched)
            self._counts.move_to_end(key)
            while len(self._counts) > _COUNTS_KEPT:
                self._counts.popitem(last=False)
        return matched

    # --- boundary history ------------------------------------------------------------------
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
        if level not in _RETIRABLE:
            raise ValueError(f"no retirable areas at level {level!r}")
        kind, table = _RETIRABLE[level]
        starts = valid_from or {}
        keep, nations = set(keep), set(nations)
        with translated(f"retiring {level} areas"), self._write() as conn:
            live = select(table.c.code)
            if kind is SmallArea:
                live = live.where(table.c.level == level)
            wanted = sorted(
                str(c)
                for c in conn.execute(live).scalars()
                if str(c) not in keep and str(c)[:1] in nations
            )
            rows: list[Any] = []
            for part in _chunks(wanted):
                cond: ColumnElement[bool] = table.c.code.in_(part)
                if kind is SmallArea:
                    cond = cond & (table.c.level == level)
                rows += conn.execute(
                    select(table.c.code, table.c.name, table.c.geometry).where(cond)
                ).all()
            kept = _territory_holders(conn, [r.code for r in rows]) if kind is Territory else {}
            rows = [r for r in rows if r.code not in kept]
            gone = sorted(r.code for r in rows)
            if not gone:
                return Retirement((), kept, ())
            conn.execute(
                insert(schema.area_history),
                [
                    {
                        "level": level,
                        "code": r.code,
                        "name": r.name,
                        "geometry": r.geometry,
                        "valid_from": starts.get(r.code),
                        "valid_to": valid_to,
                        "replaced_by_import": source,
                    }
                    for r in rows
                ],
            )
            cleared = _clear_references(conn, kind, gone)
            for part in _chunks(gone):
                cond = table.c.code.in_(part)
                if kind is SmallArea:
                    cond = cond & (table.c.level == level)
                conn.execute(table.delete().where(cond))
            kinds = {kind} | ({Activity} if cleared[0] else set())
            bumped = self._bump(conn, kinds)
        self._committed(kinds, set(gone) | set(cleared[0]), bumped)
        return Retirement(tuple(gone), kept, cleared[0], cleared[1], cleared[2])

    def area_history(self, level: str | None = None, code: str | None = None) -> list[RetiredArea]:
        table = schema.area_history
        stmt = select(table).order_by(table.c.id.desc())
        if level is not None:
            stmt = stmt.where(table.c.level == level)
        if code is not None:
            stmt = stmt.where(table.c.code == code)
        with self._read() as conn:
            rows = conn.execute(stmt).all()
        return [
            RetiredArea(
                r.level, r.code, r.name, r.geometry, r.valid_from, r.valid_to, r.replaced_by_import
            )
            for r in rows
        ]

    # --- spatial shared parts ------------------------------------------------------------------
    def locate(self, lon: float, lat: float) -> AreaChain:
        return self.locate_many([(lon, lat)])[0]

    def activities_within(
        self, area: Area, *, query: ActivityQuery = ALL_ACTIVITIES
    ) -> list[Activity]:
        raise NotImplementedError

    def nearest_activities(
        self,
        lon: float,
        lat: float,
        *,
        radius_m: float,
        k: int,
        query: ActivityQuery = ALL_ACTIVITIES,
    ) -> list[Nearby]:
        raise NotImplementedError

    def activities_in_area(
        self, code: str, *, query: ActivityQuery = ALL_ACTIVITIES
    ) -> list[Activity]:
        """By the area's stored geometry when it has one, else by the activities' codes."""
        kinds: tuple[tuple[type[LocalAuthority | Territory | Region], str], ...] = (
            (LocalAuthority, "local_authority_code"),
            (Territory, "territory_code"),
            (Region, "region_code"),
        )
        for kind, column in kinds:
            try:
                area = self.get(kind, code)
            except NotFound:
                continue
            if area.geometry is not None:
                return self.activities_within(area.geometry, query=query)
            table = schema.activities
            stmt = select_rows(Activity).where(table.c[column] == code).order_by(table.c.id)
            with self._read() as conn:
                found = decode_rows(Activity, conn.execute(stmt).all())
            return [activity for activity in found if matches(activity, query)]
        raise NotFound(f"no local authority, territory or region with code {code!r}")

    # --- helpers --------------------------------------------------------------------------
    def _with_codes(self, entities: list[Entity]) -> list[Entity]:
        """Activities missing a local authority / territory / region get them from locate
        (an activity whose codes locate leaves as they were is kept, not copied)."""
        todo = _missing_codes(entities)
        if not todo:
            return entities
        points = [(entities[i].location.x, entities[i].location.y) for i in todo]  # type: ignore[union-attr]
        chains = self.locate_many(points)
        result = list(entities)
        for i, chain in zip(todo, chains, strict=True):
            act = entities[i]
            assert isinstance(act, Activity)
            codes = (
                act.local_authority_code or chain.local_authority_code,
                act.territory_code or chain.territory_code,
                act.region_code or chain.region_code,
            )
            if codes != (act.local_authority_code, act.territory_code, act.region_code):
                result[i] = dataclasses.replace(
                    act,
                    local_authority_code=codes[0],
                    territory_code=codes[1],
                    region_code=codes[2],
                )
        return result

    def _code_columns(self, activities: list[Activity]) -> dict[str, list[str | None]] | None:
        """``_with_codes`` as three columns for ``store.bulk_rows`` (None when no activity
        misses a code): the same codes, without a copy of each activity."""
        todo = _missing_codes(activities)
        if not todo:
            return None
        columns: dict[str, list[str | None]] = {
            "local_authority_code": [a.local_authority_code for a in activities],
            "territory_code": [a.territory_code for a in activities],
            "region_code": [a.region_code for a in activities],
        }
        xy = shapely.get_coordinates([activities[i].location for i in todo])
        found = self._locate_codes(xy[:, 0], xy[:, 1])
        la, territory, region = columns.values()
        for i, (la_code, territory_code, region_code) in zip(todo, found, strict=True):
            la[i] = la[i] or la_code
            territory[i] = territory[i] or territory_code
            region[i] = region[i] or region_code
        return columns

    def _locate_codes(
        self, lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]
    ) -> list[tuple[str | None, str | None, str | None]]:
        """(local authority, territory, region) of each point, as ``locate_many`` has them
        (an adapter with a faster way to the codes alone overrides this)."""
        chains = self.locate_many(list(zip(lon.tolist(), lat.tolist(), strict=True)))
        return [(c.local_authority_code, c.territory_code, c.region_code) for c in chains]


def _executemany(conn: Connection, sql: str, rows: Rows) -> None:
    """The driver's ``executemany`` over the rows as they are made (SQLAlchemy's wants a list
    of them), its errors raised as SQLAlchemy's, for ``translated``."""
    dbapi: Any = conn.dialect.loaded_dbapi
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, rows.rows())
    except dbapi.Error as exc:
        raise DBAPIError.instance(sql, None, exc, dbapi.Error) from None
    finally:
        cursor.close()


def _keys(kind: type, group: list[Any]) -> Iterator[Any]:
    """``entity_key`` of each entity of one kind, read by one C-level ``map``."""
    return map(attrgetter(mapping_for(kind).key), group)


def _missing_codes(entities: Sequence[object]) -> list[int]:
    """Positions of the activities that miss a local authority, territory or region code."""
    return [
        i
        for i, e in enumerate(entities)
        if isinstance(e, Activity)
        and (e.local_authority_code is None or e.territory_code is None or e.region_code is None)
    ]


def _chunks(codes: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(codes), _CHUNK):
        yield codes[start : start + _CHUNK]


def _history_row(
    level: str, row: Any, valid_from: date | None, valid_to: date, source: str
) -> dict[str, Any]:
    return {
        "level": level,
        "code": row.code,
        "name": row.name,
        "geometry": row.geometry,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "replaced_by_import": source,
    }


def _territory_holders(conn: Connection, codes: Sequence[str]) -> dict[str, str]:
    """Territory code -> what refers to it ("2 buyers, 1 plans") among ``codes``, for the
    rows an import cannot place again (they have no location)."""
    counts: dict[str, list[str]] = {}
    for name, table in _TERRITORY_HOLDERS:
        column = table.c.territory_code
        for part in _chunks(codes):
            stmt = select(column, func.count()).where(column.in_(part)).group_by(column)
            for code, n in conn.execute(stmt):
                counts.setdefault(str(code), []).append(f"{n} {name}")
    return {code: ", ".join(parts) for code, parts in counts.items()}


def _clear_references(
    conn: Connection, kind: type, codes: Sequence[str]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Set to NULL every reference to the retired ``codes`` of ``kind``; returns the ids of
    the activities, and the codes of the local authorities and small areas, it touched."""
    if kind is SmallArea:
        return (), (), ()
    column = "local_authority_code" if kind is LocalAuthority else "territory_code"
    targets: list[tuple[Table, str, str]] = [(schema.activities, "id", column)]
    targets.append((schema.small_areas, "code", column))
    if kind is Territory:
        targets.append((schema.local_authorities, "code", "territory_code"))
    touched: dict[str, list[str]] = {}
    for table, key, col in targets:
        found: list[str] = []
        for part in _chunks(codes):
            found += [
                str(k)
                for k in conn.execute(select(table.c[key]).where(table.c[col].in_(part))).scalars()
            ]
            conn.execute(table.update().where(table.c[col].in_(part)).values({col: None}))
        touched[table.name] = sorted(found)
    return (
        tuple(touched["activities"]),
        tuple(touched.get("local_authorities", ())),
        tuple(touched["small_areas"]),
    )
