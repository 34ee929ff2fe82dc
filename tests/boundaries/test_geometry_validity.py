"""Every exported and served geometry is valid for GEOS and GDAL: ``shapely.is_valid`` and at
least 4 points per ring, after simplification and rounding (the degenerate rings that GeoJSON
and CSV exports of the bundled territories once carried)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
import shapely

from api.schemas.geojson import to_geometry
from boundaries.bundled import BundledGeography
from domain.model import LocalAuthority, Region, Territory
from geo.validity import is_sound, snap_to_grid
from maps.geometry import simplify_for_display
from services.exports import export_layer
from store.port import Store
from tests.builders import make_buyer, make_tender

AREA_LAYERS = ("territories", "local-authorities", "regions", "tenders")


def read_back(path: Path, fmt: str) -> list[shapely.Geometry]:
    if fmt == "csv":
        wkt = pd.read_csv(path)["wkt"].dropna().to_numpy()
        return list(shapely.from_wkt(wkt))
    return [g for g in pyogrio.read_dataframe(path).geometry if g is not None]


@pytest.fixture
def loaded(store: Store, bundled: BundledGeography) -> Store:
    store.put_many([*bundled.regions, *bundled.territories, *bundled.local_authorities])
    dorset = next(t for t in bundled.territories if t.code == "E23000039")
    store.put(make_buyer())
    store.put(make_tender(delivery_area=dorset.geometry))
    return store


def test_every_area_layer_exports_sound_geometry(loaded: Store, tmp_path: Path) -> None:
    # one load per backend (the whole bundled geography), every layer in every format
    for fmt in ("geojson", "csv", "gpkg"):
        for layer in AREA_LAYERS:
            out = tmp_path / f"{layer}.{fmt}"
            export_layer(loaded, layer, fmt=fmt, out=out)
            geoms = read_back(out, fmt)
            assert geoms, layer
            broken = [i for i, g in enumerate(geoms) if not is_sound(g)]  # type: ignore[arg-type]
            assert not broken, (layer, fmt, broken[:5])


def test_served_and_drawn_geometry_is_sound(bundled: BundledGeography) -> None:
    areas: list[Territory | Region | LocalAuthority] = [
        *bundled.territories,
        *bundled.regions,
        *bundled.local_authorities,
    ]
    for area in areas:
        assert area.geometry is not None
        served = shapely.geometry.shape(to_geometry(area.geometry).model_dump())  # type: ignore[union-attr]
        assert is_sound(served), area.code
        assert is_sound(simplify_for_display(area.geometry)), area.code


def test_snapping_a_sliver_drops_the_collapsed_part_but_never_the_area() -> None:
    sliver = shapely.Polygon([(0, 0), (1e-8, 0), (1e-8, 1), (0, 1)])
    square = shapely.box(2, 2, 3, 3)
    snapped = snap_to_grid(shapely.MultiPolygon([sliver, square]))
    assert is_sound(snapped) and snapped.equals(square)
    assert is_sound(snap_to_grid(sliver)) and not snap_to_grid(sliver).is_empty


def test_every_ons_local_authority_is_drawn_sound_after_simplifying(shared_data: Path) -> None:
    """Simplifying keeps each ring's topology but not the rings' relations: Medway, Havant,
    Boston, North Norfolk, Anglesey and others came out with a hole outside its shell, and
    rounding them raised a GEOS TopologyException that broke the national coverage map."""
    path = shared_data / "boundaries" / "lad_dec2024_uk_bgc.geojson"
    features = json.loads(path.read_text())["features"]
    for feature in features:
        geometry = shapely.geometry.shape(feature["geometry"])
        drawn = simplify_for_display(geometry)
        assert is_sound(drawn), feature["properties"]["LAD24CD"]
        assert abs(drawn.area - geometry.area) < 0.05 * geometry.area, feature["properties"]
