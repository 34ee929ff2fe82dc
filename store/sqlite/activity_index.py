"""The SQLite adapter's in-memory KNN index over activity locations.

A ``cKDTree`` over 3-D unit vectors: chord length is monotonic in great-circle distance, so
the tree's k nearest are the sphere's k nearest. Filters (ActivityQuery) are applied to the
candidates; when they drop rows the candidate count widens until k survive or the radius is
exhausted. Exact distances are haversine on ``EARTH_RADIUS_M``; ties are broken by id because
the arrays are sorted by id.
"""

from __future__ import annotations

import json
import math
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
class IndexColumns:
    """What the index needs to know about every activity, as columns (row order any):
    ``until`` as ordinal days (``date.max`` when the validation does not lapse), ``themes``
    as each row's stored JSON text (few distinct values: parsed once each)."""

    ids: list[str]
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    validation_status: list[str]
    active: NDArray[np.bool_]
    until: NDArray[np.int64]
    territory_codes: list[str | None]
    themes: list[str]


def until_ordinal(value: date | str | None) -> int:
    """A stored ``validated_until`` as ordinal days (``date.max`` for none)."""
    if value is None:
        return _NEVER
    day = value if isinstance(value, date) else date.fromisoformat(value)
    return day.toordinal()


class ActivityIndex:
    """Built once from the activities' columns (no decoded ``Activity``: at a million rows
    those cost gigabytes); rebuilt by the adapter when activities change."""

    def __init__(self, columns: IndexColumns) -> None:
        ids = np.array(columns.ids, dtype=np.str_) if columns.ids else np.array([], "<U1")
        order = np.argsort(ids, kind="stable")
        self.ids: list[str] = ids[order].tolist()
        self.lon = np.asarray(columns.lon, dtype=np.float64)[order]
        self.lat = np.asarray(columns.lat, dtype=np.float64)[order]
        validated = ValidationStatus.VALIDATED.value
        self.validated = np.array(
            [s == validated for s in columns.validation_status], dtype=bool
        ).reshape(-1)[order]
        self.active = np.asarray(columns.active, dtype=bool)[order]
        self.until = np.asarray(columns.until, dtype=np.int64)[order]
        territory_index: dict[str | None, int] = {None: -1}
        coded = [
            territory_index.setdefault(t, len(territory_index) - 1) for t in columns.territory_codes
        ]
        self._territory_of = territory_index
        self.territory = np.asarray(coded, dtype=np.intp).reshape(-1)[order]
        sets: dict[str, int] = {}
        theme_code = [sets.setdefault(text, len(sets)) for text in columns.themes]
        self._theme_sets = [frozenset(json.loads(text) if text else ()) for text in sets]
        self.theme_set = np.asarray(theme_code, dtype=np.intp).reshape(-1)[order]
        # scipy imported here, not at module import: opening a store (``dicm locate``) needs none
        from scipy.spatial import cKDTree

        self._tree = cKDTree(lon_lat_to_xyz(self.lon, self.lat)) if len(self.ids) else None

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
            code = self._territory_of.get(query.territory_code, -2)  # -2: no row has it
            ok &= self.territory[idx] == code
        if query.themes:
            wanted = frozenset(query.themes)
            hits = np.array([not wanted.isdisjoint(s) for s in self._theme_sets], dtype=bool)
            ok &= hits[self.theme_set[idx]]
        return ok
