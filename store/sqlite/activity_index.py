"""The SQLite adapter's in-memory KNN index over activity locations.

A ``cKDTree`` over 3-D unit vectors: chord length is monotonic in great-circle distance, so
the tree's k nearest are the sphere's k nearest. Filters (ActivityQuery) are applied to the
candidates; when they drop rows the candidate count widens until k survive or the radius is
exhausted. Exact distances are haversine on ``EARTH_RADIUS_M``; ties are broken by id because
the arrays are sorted by id.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from domain.vocabulary import ValidationStatus
from geo.sphere import distance_m_to_chord, haversine_m, lon_lat_to_xyz
from store.port import ActivityQuery
from store.query import as_of_date

_NEVER = date.max.toordinal()


@dataclass(frozen=True)
class IndexRow:
    """What the index needs to know about one activity."""

    id: str
    lon: float
    lat: float
    validation_status: str
    active: bool
    validated_until: date | None
    territory_code: str | None
    themes: tuple[str, ...]


class ActivityIndex:
    """Built once from all activities; rebuilt by the adapter when activities change."""

    def __init__(self, rows: Iterable[IndexRow]) -> None:
        ordered = sorted(rows, key=lambda r: r.id)
        self.ids: list[str] = [r.id for r in ordered]
        self.lon = np.array([r.lon for r in ordered], dtype=np.float64)
        self.lat = np.array([r.lat for r in ordered], dtype=np.float64)
        self.validated = np.array(
            [r.validation_status == ValidationStatus.VALIDATED for r in ordered], dtype=bool
        )
        self.active = np.array([r.active for r in ordered], dtype=bool)
        self.until = np.array(
            [r.validated_until.toordinal() if r.validated_until else _NEVER for r in ordered],
            dtype=np.int64,
        )
        self.territory: list[str | None] = [r.territory_code for r in ordered]
        self.themes: list[frozenset[str]] = [frozenset(r.themes) for r in ordered]
        # scipy imported here, not at module import: opening a store (``dicm locate``) needs none
        from scipy.spatial import cKDTree

        self._tree = cKDTree(lon_lat_to_xyz(self.lon, self.lat)) if ordered else None

    def __len__(self) -> int:
        return len(self.ids)

    def nearest(
        self, lon: float, lat: float, *, radius_m: float, k: int, query: ActivityQuery
    ) -> list[tuple[str, float]]:
        """(id, metres) of the k nearest activities passing ``query``, nearest first."""
        n = len(self.ids)
        if self._tree is None or k <= 0 or radius_m < 0:
            return []
        lam, phi = math.radians(lon), math.radians(lat)
        centre = (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))
        bound = distance_m_to_chord(radius_m) * (1 + 1e-9) + 1e-12
        wanted = min(k + 1, n)  # one more than k: it proves the k-th is not tied
        while True:
            _, idx = self._tree.query(centre, k=wanted, distance_upper_bound=bound)
            idx = np.atleast_1d(idx)
            idx = idx[idx < n]
            exhausted = len(idx) < wanted or wanted >= n
            dist = haversine_m(lon, lat, self.lon[idx], self.lat[idx])
            keep = (dist <= radius_m) & self._passes(idx, query)
            sel, sel_dist = idx[keep], dist[keep]
            order = np.lexsort((sel, sel_dist))[:k]
            if exhausted or (len(order) == k and sel_dist[order[-1]] < dist.max()):
                return [
                    (self.ids[i], float(d))
                    for i, d in zip(sel[order], sel_dist[order], strict=True)
                ]
            wanted = min(n, wanted * 4)

    def _passes(self, idx: NDArray[np.intp], query: ActivityQuery) -> NDArray[np.bool_]:
        ok = np.ones(len(idx), dtype=bool)
        if query.recommendable_only:
            ok &= self.validated[idx] & self.active[idx]
            ok &= self.until[idx] >= as_of_date(query).toordinal()
        if query.territory_code is not None:
            ok &= np.array([self.territory[i] == query.territory_code for i in idx], dtype=bool)
        if query.themes:
            wanted = frozenset(query.themes)
            ok &= np.array([not wanted.isdisjoint(self.themes[i]) for i in idx], dtype=bool)
        return ok
