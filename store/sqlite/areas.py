"""The SQLite adapter's ``locate``: in-memory area indexes over the stored boundaries.

Loaded on first use and again whenever the "areas" change counter moves (a write by this or
another process); the counter is read by the caller, so this module needs only the engine.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
from sqlalchemy import Engine, select

from domain.model import Area, AreaChain, LocalAuthority, Region, Territory
from store import schema
from store.area_index import AreaIndex
from store.chain import Hits, resolve_chain
from store.codec import from_json
from store.errors import translated


class AreaLookup:
    """Point -> local authority -> territory -> region from the boundaries in one database."""

    def __init__(self, engine: Engine, h3_resolution: int) -> None:
        self._engine = engine
        self._h3_resolution = h3_resolution
        self._lock = threading.Lock()
        self._areas: dict[type, AreaIndex] | None = None
        self._generation = -1
        self._parents: dict[str, tuple[str | None, str | None]] = {}
        self._territory_region: dict[str, str | None] = {}

    def invalidate(self) -> None:
        """This process wrote areas: load them again on next use."""
        with self._lock:
            self._areas = None

    def locate_many(
        self, points: Sequence[tuple[float, float]], *, generation: int
    ) -> list[AreaChain]:
        """The area chain of each (lon, lat); ``generation`` is the "areas" counter now."""
        if not points:
            return []
        areas, parents, territory_region = self._indexes(generation)
        lon = np.array([p[0] for p in points], dtype=np.float64)
        lat = np.array([p[1] for p in points], dtype=np.float64)
        las = areas[LocalAuthority].covering(lon, lat)
        terrs = areas[Territory].covering(lon, lat)
        regs = areas[Region].covering(lon, lat)
        chains = []
        for i, (x, y) in enumerate(points):
            la_t, la_r = parents.get(las[i] or "", (None, None))
            hits = Hits(
                la=las[i],
                la_territory=la_t,
                la_region=la_r,
                territory=terrs[i],
                region=regs[i],
                region_of_la_territory=territory_region.get(la_t or ""),
                region_of_territory=territory_region.get(terrs[i] or ""),
            )
            chains.append(resolve_chain(float(x), float(y), hits, self._h3_resolution))
        return chains

    def _indexes(
        self, generation: int
    ) -> tuple[
        dict[type, AreaIndex],
        dict[str, tuple[str | None, str | None]],
        dict[str, str | None],
    ]:
        with self._lock:
            if self._areas is None or self._generation != generation:
                self._generation = generation
                self._areas = self._load()
            return self._areas, self._parents, self._territory_region

    def _load(self) -> dict[type, AreaIndex]:
        loaded: dict[type, AreaIndex] = {}
        with translated("a read"), self._engine.connect() as conn:
            la, te = schema.local_authorities, schema.territories
            self._parents = {
                r.code: (r.territory_code, r.region_code)
                for r in conn.execute(select(la.c.code, la.c.territory_code, la.c.region_code))
            }
            self._territory_region = {
                r.code: r.region_code for r in conn.execute(select(te.c.code, te.c.region_code))
            }
            for kind, table in (
                (LocalAuthority, la),
                (Territory, te),
                (Region, schema.regions),
            ):
                rows = conn.execute(
                    select(table.c.code, table.c.geometry).where(table.c.geometry.is_not(None))
                ).all()
                loaded[kind] = AreaIndex([(r.code, from_json(Area, r.geometry)) for r in rows])
        return loaded
