"""The PostGIS backend: SQLAlchemy 2 + GeoAlchemy2 + psycopg 3.

Activity locations are ``geography(Point, 4326)`` with a GiST index: nearest neighbours are
``ORDER BY location <-> p LIMIT n`` (KNN on the sphere) with the radius applied OUTSIDE that
subquery, so PostgreSQL always walks the index (a radius inside tempts it into a bitmap scan
and a sort, ~50x slower). Distances are ``ST_Distance(a, b, false)``: the sphere, as on SQLite.
Areas are ``geometry(…, 4326)``: containment is planar in lon/lat (GeoJSON's and shapely's
meaning), so both backends agree on what is inside.

The nearest query (``store.postgis.knn``) decodes only activities not already in a per-store
:class:`~store.activity_cache.ActivityCache` at the same row version.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt
import psycopg
import shapely
from sqlalchemy import Connection, Engine, create_engine, text

from domain.model import Activity, Area, AreaChain
from store import schema
from store.activity_cache import DEFAULT_CAPACITY, ActivityCache
from store.area_lookup import AreaLookup
from store.bulk_ahead import Chunk
from store.bulk_rows import Rows
from store.chain import Hits, chain_codes, resolve_chain
from store.codec_rows import Mapping_, decode_rows, select_rows
from store.errors import StorageError, translated
from store.port import EARTH_RADIUS_M, ActivityQuery, EventListener, Nearby
from store.postgis.bulk import copy_upsert
from store.postgis.copy_text import copy_text
from store.postgis.knn import decode, knn_sql, nearest_rows, tag
from store.postgis.notify import NotifyListener, lock_event_order, notify_event
from store.query import ALL_ACTIVITIES, as_of_date
from store.sqlstore import SqlStore

#: the WHERE of ``activities_within`` (the SELECT is ``select_rows``: the decoder's columns)
_WITHIN = """
ST_DWithin(activities.location, CAST(ST_GeomFromWKB(:wkb, 4326) AS geography), :margin_m, false)
AND ST_Covers(ST_GeomFromWKB(:wkb, 4326), CAST(activities.location AS geometry))
AND {filters}
"""

_LOCATE = """
WITH p AS (
  SELECT u.i, ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326) AS g
  FROM unnest(CAST(:lons AS float8[]), CAST(:lats AS float8[])) WITH ORDINALITY AS u(lon, lat, i)
)
SELECT p.i, la.code, la.territory_code, la.region_code, tla.region_code AS tla_region,
       t.code AS t_code, t.region_code AS t_region, r.code AS r_code
FROM p
LEFT JOIN LATERAL (
  SELECT code, territory_code, region_code FROM local_authorities
  WHERE ST_Covers(geometry, p.g) ORDER BY code LIMIT 1
) AS la ON true
LEFT JOIN territories AS tla ON tla.code = la.territory_code
LEFT JOIN LATERAL (
  SELECT code, region_code FROM territories WHERE ST_Covers(geometry, p.g) ORDER BY code LIMIT 1
) AS t ON true
LEFT JOIN LATERAL (
  SELECT code FROM regions WHERE ST_Covers(geometry, p.g) ORDER BY code LIMIT 1
) AS r ON true
ORDER BY p.i
"""


def create_postgis_engine(url: str, *, read_only: bool = False) -> Engine:
    """A pooled engine for a PostGIS database (psycopg 3, prepared statements on reuse).

    JIT is off: dicm's queries are short, and LLVM compilation of a batch ``locate`` costs
    ~0.9 s for a query that runs in 50 ms. ``read_only`` (a read replica): every transaction
    starts read-only, so a write sent there by mistake fails instead of diverging.
    """
    options = "-c jit=off" + (" -c default_transaction_read_only=on" if read_only else "")
    return create_engine(
        url,
        pool_size=5,
        max_overflow=10,
        pool_recycle=1800,  # no pre-ping: it would add a round trip to every query
        connect_args={"prepare_threshold": 1, "options": options},
    )


def point_ewkt(lon: float, lat: float) -> str:
    """A point as EWKT, full precision."""
    return f"SRID=4326;POINT({float(lon)!r} {float(lat)!r})"


def filter_sql(query: ActivityQuery, alias: str = "") -> tuple[str, dict[str, Any]]:
    """The WHERE clause (and its parameters) of an ActivityQuery."""
    clauses: list[str] = ["true"]
    params: dict[str, Any] = {}
    if query.recommendable_only:
        clauses.append(
            f"{alias}validation_status = 'validated' AND {alias}active AND "
            f"({alias}validated_until IS NULL OR {alias}validated_until >= :as_of)"
        )
        params["as_of"] = as_of_date(query)
    if query.territory_code is not None:
        clauses.append(f"{alias}territory_code = :territory_code")
        params["territory_code"] = query.territory_code
    if query.themes:
        clauses.append(f"{alias}themes ?| CAST(:themes AS text[])")
        params["themes"] = list(query.themes)
    return " AND ".join(clauses), params


class PostgisStore(SqlStore):
    """Store on PostgreSQL + PostGIS."""

    def __init__(
        self,
        engine: Engine,
        *,
        h3_resolution: int = 8,
        activity_cache_size: int = DEFAULT_CAPACITY,
    ) -> None:
        super().__init__(engine, h3_resolution=h3_resolution)
        self._activity_cache = ActivityCache(activity_cache_size)
        # reads run in autocommit: no BEGIN / ROLLBACK round trips around a single SELECT
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._local = threading.local()
        self._hot_lock = threading.Lock()
        self._hot_connections: list[psycopg.Connection[Any]] = []
        self._coast = AreaLookup(engine, h3_resolution)  # the coast rule for points in no area

    @contextmanager
    def _open_read(self) -> Iterator[Connection]:
        with translated("a read"), self._autocommit.connect() as conn:
            yield conn

    _encode_in_thread = True  # the server works in its own process while Python encodes

    def _encode_chunk(self, chunk: Chunk) -> Rows:
        """The rows and their COPY text, both made in the encoding thread."""
        rows = super()._encode_chunk(chunk)
        return replace(rows, wire=copy_text(rows.columns))

    def _upsert(self, conn: Connection, mapping: Mapping_, batches: Iterator[Rows]) -> None:
        """Insert or replace through COPY (``store.postgis.bulk``): straight into the table
        when the keys are new, else through a stage and one upsert."""
        copy_upsert(conn, mapping.table, mapping.key, batches)

    def _changed(self, kinds: set[type], keys: set[str], bumped: dict[str, int]) -> None:
        if Activity in kinds:  # not needed for correctness (tags are checked): frees memory
            self._activity_cache.discard(keys)

    # --- event log: ordered appends, NOTIFY at commit, LISTEN per reader -------------------
    def _before_event(self, conn: Connection) -> None:
        lock_event_order(conn)

    def _after_event(self, conn: Connection, event_id: int, kind: str) -> None:
        notify_event(conn, event_id, kind)

    def event_listener(self) -> EventListener:
        url = self._engine.url.set(drivername="postgresql")
        return NotifyListener(url.render_as_string(hide_password=False))

    def nearest_activities(
        self,
        lon: float,
        lat: float,
        *,
        radius_m: float,
        k: int,
        query: ActivityQuery = ALL_ACTIVITIES,
    ) -> list[Nearby]:
        if k <= 0 or radius_m < 0:
            return []
        filters, params = filter_sql(query, "a.")
        params["p"] = point_ewkt(lon, lat)
        rows = nearest_rows(self._hot_rows, knn_sql(filters), params, radius_m=radius_m, k=k)
        cache = self._activity_cache
        found, missing = cache.lookup([(r[0], tag(r)) for r in rows])
        if missing:
            stale = set(missing)
            todo = [r for r in rows if r[0] in stale]
            for row, activity in zip(todo, decode(todo), strict=True):
                cache.store(activity.id, tag(row), activity)
                found[activity.id] = activity
        return [Nearby(found[r[0]], float(r[-1])) for r in rows]

    def _hot_rows(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        """A prepared SELECT on this thread's own psycopg connection (autocommit).

        The hot path of ``nearest_activities`` skips the SQLAlchemy pool: checkout, reset and
        result wrapping cost ~0.3 ms here, as much as the KNN query itself.
        """
        conn = self._hot_connection()
        try:
            return conn.execute(sql, params, prepare=True).fetchall()
        except psycopg.Error as exc:
            self._local.conn = None
            conn.close()
            raise StorageError(f"database error while reading: {type(exc).__name__}") from None

    def _hot_connection(self) -> psycopg.Connection[Any]:
        conn: psycopg.Connection[Any] | None = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            url = self._engine.url.set(drivername="postgresql")
            try:
                conn = psycopg.connect(
                    url.render_as_string(hide_password=False),
                    autocommit=True,
                    options="-c jit=off",
                )
            except psycopg.Error as exc:
                raise StorageError(f"cannot connect: {type(exc).__name__}") from None
            self._local.conn = conn
            with self._hot_lock:
                self._hot_connections.append(conn)
        return conn

    def close(self) -> None:
        with self._hot_lock:
            for conn in self._hot_connections:
                conn.close()
            self._hot_connections.clear()
        self._local = threading.local()
        self._activity_cache.clear()
        super().close()

    def activities_within(
        self, area: Area, *, query: ActivityQuery = ALL_ACTIVITIES
    ) -> list[Activity]:
        filters, params = filter_sql(query, "activities.")
        params.update(wkb=shapely.to_wkb(area), margin_m=planar_margin_m(area))
        where = text(_WITHIN.format(filters=filters)).bindparams(**params)
        stmt = select_rows(Activity).where(where).order_by(schema.activities.c.id)
        with self._read() as conn:
            rows = conn.execute(stmt).all()
        return decode_rows(Activity, rows)

    def locate_many(self, points: Sequence[tuple[float, float]]) -> list[AreaChain]:
        if not points:
            return []
        params = {"lons": [float(p[0]) for p in points], "lats": [float(p[1]) for p in points]}
        with self._read() as conn:
            rows = conn.execute(text(_LOCATE), params).all()
        chains = [
            resolve_chain(
                float(x),
                float(y),
                Hits(
                    r.code,
                    r.territory_code,
                    r.region_code,
                    r.t_code,
                    r.r_code,
                    r.tla_region,
                    r.t_region,
                ),
                self.h3_resolution,
            )
            for (x, y), r in zip(points, rows, strict=True)
        ]
        if all(c.local_authority_code for c in chains):
            return chains
        unit = self._unit_areas_conn()
        coast = self._coast.snapshot(unit) if unit is not None else self._coast
        return coast.near_coast(chains, generation=self.generation("areas"))

    def _locate_codes(
        self, lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]
    ) -> list[tuple[str | None, str | None, str | None]]:
        """``locate_many``'s codes alone: the same query, no AreaChain (and H3 cell) per point,
        the chain worked out once per distinct set of hits."""
        if lon.size == 0:
            return []
        params = {"lons": _float_array(lon), "lats": _float_array(lat)}
        with self._read() as conn:
            rows = conn.execute(text(_LOCATE), params).all()
        hits = [tuple(r)[1:] for r in rows]  # code, territory_code, region_code, tla_region, ...
        chains = {h: chain_codes(Hits(h[0], h[1], h[2], h[4], h[6], h[3], h[5])) for h in set(hits)}
        codes = [chains[h] for h in hits]
        if all(c[0] for c in codes):
            return codes
        unit = self._unit_areas_conn()
        coast = self._coast.snapshot(unit) if unit is not None else self._coast
        return coast.coast_codes(lon, lat, codes, generation=self.generation("areas"))


def _float_array(values: npt.NDArray[np.float64]) -> str:
    """A float8[] literal of ``values`` (``repr`` round-trips every double exactly), ~5x
    faster to send than a list psycopg dumps value by value."""
    return "{" + ",".join(map(repr, values.tolist())) + "}"


def planar_margin_m(area: Area) -> float:
    """How far a lon/lat-straight edge of ``area`` can stray from the great circle joining its
    ends (bounded by R·θ²/2 for the longest edge of angular length θ, which covers latitudes
    up to 75°): the index prefilter on the sphere widens by this much before the exact planar
    test.
    """
    longest_deg = 0.0
    for ring in shapely.get_rings(shapely.get_parts(area)):
        coords = shapely.get_coordinates(ring)
        if len(coords) >= 2:
            steps = np.hypot(np.diff(coords[:, 0]), np.diff(coords[:, 1]))
            longest_deg = max(longest_deg, float(steps.max()))
    longest = math.radians(longest_deg)
    return EARTH_RADIUS_M * longest * longest / 2 + 1.0
