"""Point -> local authority -> territory -> region over the stored boundaries, in memory.

The one point-in-area index of dicm (:class:`geo.assign.PolygonLayer`: lowest code wins on a
shared boundary) and its one coast rule (:func:`geo.assign.near_coast`), fed from the stored
rows. The SQLite adapter answers every ``locate`` here; PostGIS answers with ``ST_Covers`` and
comes here only for the points it found in no area, so both give the same near-coast answer.
Loaded on first use and again whenever the "areas" change counter moves (a write by this or
another process); the counter is read by the caller, so this module needs only the engine.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np
from sqlalchemy import Connection, Engine, select

from domain.model import Area, AreaChain, LocalAuthority, Region, Territory
from geo.assign import SEA_TOLERANCE_M, FloatArray, PolygonLayer, near_coast
from store import schema
from store.chain import Hits, chain_codes, resolve_chain
from store.codec import from_json
from store.errors import translated


@dataclass(frozen=True)
class _Layers:
    areas: dict[type, PolygonLayer]
    parents: dict[str, tuple[str | None, str | None]]  # LA -> (territory, region)
    territory_region: dict[str, str | None]


class AreaLookup:
    """The stored boundaries of one database as polygon layers, answering ``locate``."""

    def __init__(self, engine: Engine, h3_resolution: int) -> None:
        self._engine = engine
        self._h3_resolution = h3_resolution
        self._lock = threading.Lock()
        self._layers: _Layers | None = None
        self._generation = -1
        self._pinned = False

    def snapshot(self, conn: Connection) -> AreaLookup:
        """The areas as ``conn`` sees them, uncached: inside a unit of work that wrote areas
        (an import replacing a level), ``locate`` must see the unit's own rows, which another
        connection would not see before the commit."""
        lookup = AreaLookup(self._engine, self._h3_resolution)
        with translated("a read"):
            lookup._layers = _load_layers(conn)
        lookup._pinned = True
        return lookup

    def invalidate(self) -> None:
        """This process wrote areas: load them again on next use."""
        with self._lock:
            self._layers = None

    def locate_many(
        self, points: Sequence[tuple[float, float]], *, generation: int
    ) -> list[AreaChain]:
        """The area chain of each (lon, lat); ``generation`` is the "areas" counter now."""
        if not points:
            return []
        layers = self._load_if_stale(generation)
        lon = np.array([p[0] for p in points], dtype=np.float64)
        lat = np.array([p[1] for p in points], dtype=np.float64)
        chains = [
            resolve_chain(float(x), float(y), _hits(layers, *direct), self._h3_resolution)
            for (x, y), direct in zip(points, _direct_hits(layers, lon, lat), strict=True)
        ]
        return self.near_coast(chains, generation=generation)

    def codes_many(
        self, lon: FloatArray, lat: FloatArray, *, generation: int
    ) -> list[tuple[str | None, str | None, str | None]]:
        """(local authority, territory, region) of each point: ``locate_many``'s codes, coast
        rule included, without building an AreaChain (and its H3 cell) per point (a batch
        write fills the codes of every activity that misses one)."""
        layers = self._load_if_stale(generation)
        direct = _direct_hits(layers, lon, lat)
        # the chain depends on the direct hits alone, and points share a few hundred of them
        chains = {hits: chain_codes(_hits(layers, *hits)) for hits in set(direct)}
        return self.coast_codes(lon, lat, [chains[hits] for hits in direct], generation=generation)

    def coast_codes(
        self,
        lon: FloatArray,
        lat: FloatArray,
        codes: list[tuple[str | None, str | None, str | None]],
        *,
        generation: int,
    ) -> list[tuple[str | None, str | None, str | None]]:
        """``codes`` (of the points ``lon``, ``lat``) with ``near_coast``'s rule applied to
        every point in no local authority, as codes alone."""
        misses = [i for i, c in enumerate(codes) if c[0] is None]
        if not misses:
            return codes
        layers = self._load_if_stale(generation)
        out = list(codes)
        for j, fixed in _coast_codes(layers, lon[misses], lat[misses], [codes[i] for i in misses]):
            if fixed is not None:
                out[misses[j]] = fixed[:3]
        return out

    def near_coast(self, chains: list[AreaChain], *, generation: int) -> list[AreaChain]:
        """``chains`` with the coast rule applied to every point in no local authority: in no
        territory either, it takes the nearest area; in a territory, the nearest local
        authority of that territory (a river or dock the districts leave out)."""
        misses = [i for i, c in enumerate(chains) if c.local_authority_code is None]
        if not misses:
            return chains
        layers = self._load_if_stale(generation)
        x = np.array([chains[i].lon for i in misses], dtype=np.float64)
        y = np.array([chains[i].lat for i in misses], dtype=np.float64)
        known = [
            (c.local_authority_code, c.territory_code, c.region_code)
            for c in (chains[i] for i in misses)
        ]
        out = list(chains)
        for j, fixed in _coast_codes(layers, x, y, known):
            if fixed is None:
                continue
            la, territory, region, distance_m = fixed
            out[misses[j]] = replace(
                chains[misses[j]],
                local_authority_code=la,
                territory_code=territory,
                region_code=region,
                distance_m=distance_m,
                note=(
                    f"not inside any stored boundary: nearest area given, "
                    f"{distance_m:.0f} m away (coast tolerance {SEA_TOLERANCE_M:.0f} m)"
                ),
            )
        return out

    def _load_if_stale(self, generation: int) -> _Layers:
        with self._lock:
            if self._pinned and self._layers is not None:
                return self._layers
            if self._layers is None or self._generation != generation:
                self._generation = generation
                self._layers = self._load()
            return self._layers

    def _load(self) -> _Layers:
        with translated("a read"), self._engine.connect() as conn:
            return _load_layers(conn)


def _direct_hits(
    layers: _Layers, lon: FloatArray, lat: FloatArray
) -> list[tuple[str | None, str | None, str | None]]:
    """(local authority, territory, region) each point lies in directly, by layer (lowest
    code wins on a shared boundary)."""
    found = {kind: layer.locate(lon, lat) for kind, layer in layers.areas.items()}
    codes = {
        kind: [str(layers.areas[kind].codes[i]) if i >= 0 else None for i in idx]
        for kind, idx in found.items()
    }
    return list(zip(codes[LocalAuthority], codes[Territory], codes[Region], strict=True))


def _hits(layers: _Layers, la: str | None, territory: str | None, region: str | None) -> Hits:
    """The hits of a point in ``la``, ``territory`` and ``region``, with their parents."""
    la_t, la_r = layers.parents.get(la or "", (None, None))
    return Hits(la=la, la_territory=la_t, la_region=la_r, territory=territory, region=region,
                region_of_la_territory=layers.territory_region.get(la_t or ""),
                region_of_territory=layers.territory_region.get(territory or ""))  # fmt: skip


def _coast_codes(
    layers: _Layers,
    x: FloatArray,
    y: FloatArray,
    known: Sequence[tuple[str | None, str | None, str | None]],
) -> Iterator[tuple[int, tuple[str | None, str | None, str | None, float] | None]]:
    """The coast rule for points in no local authority (their codes so far ``known``):
    (position, (local authority, territory, region, metres away) or None to leave it), for
    the points near an area only (a batch far from every stored boundary costs no loop)."""
    coast = near_coast(layers.areas[LocalAuthority], layers.areas[Territory], x, y)
    for j in np.flatnonzero(coast.found).tolist():  # the rest stay as they are, unvisited
        _la, territory_known, region_known = known[j]
        la = coast.local_authority[j]
        la_t, la_r = layers.parents.get(la or "", (None, None))
        if territory_known is not None and (la is None or la_t != territory_known):
            yield j, None
            continue
        territory = territory_known or la_t or coast.territory[j]
        region = region_known or la_r or layers.territory_region.get(territory or "")
        yield j, (la, territory, region, float(coast.distance_m[j]))


def _load_layers(conn: Connection) -> _Layers:
    areas: dict[type, PolygonLayer] = {}
    la, te = schema.local_authorities, schema.territories
    parents = {
        r.code: (r.territory_code, r.region_code)
        for r in conn.execute(select(la.c.code, la.c.territory_code, la.c.region_code))
    }
    territory_region = {
        r.code: r.region_code for r in conn.execute(select(te.c.code, te.c.region_code))
    }
    for kind, table in ((LocalAuthority, la), (Territory, te), (Region, schema.regions)):
        rows = conn.execute(
            select(table.c.code, table.c.geometry).where(table.c.geometry.is_not(None))
        ).all()
        areas[kind] = PolygonLayer(
            [r.code for r in rows], [from_json(Area, r.geometry) for r in rows]
        )
    return _Layers(areas, parents, territory_region)
