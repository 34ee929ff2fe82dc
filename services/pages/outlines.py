"""The local authorities of a territory as light GeoJSON: the base layer of the role pages' maps
(dicm draws no tiles, so outlines are what a person places a point against)."""

from __future__ import annotations

from collections.abc import Iterable

from domain.model import LocalAuthority
from maps.geometry import geometry_to_geojson
from store.port import Store

#: coarser than the map pages' 0.001°: a base layer for orientation, a few hundred KB at most
OUTLINE_TOLERANCE_DEG = 0.003


def area_outlines(store: Store, territory_codes: Iterable[str]) -> dict[str, object]:
    """Local authorities of the territories as a FeatureCollection (id: the LA code)."""
    features = []
    for code in dict.fromkeys(c for c in territory_codes if c):
        for la in sorted(store.iter_all(LocalAuthority, territory_code=code), key=lambda a: a.code):
            if la.geometry is None:
                continue
            features.append(
                {
                    "type": "Feature",
                    "id": la.code,
                    "geometry": geometry_to_geojson(
                        la.geometry, tolerance_deg=OUTLINE_TOLERANCE_DEG
                    ),
                    "properties": {"name": la.name, "code": la.code},
                }
            )
    return {"type": "FeatureCollection", "features": features}
