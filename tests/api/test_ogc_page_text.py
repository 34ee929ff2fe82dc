"""A GeoJSON page written in one pass says exactly what writing each feature through GEOS says:
points (the one-call path), polygons, and pages mixing points with anything else."""

from __future__ import annotations

import json
from typing import Any

import pytest
import shapely
from shapely.geometry import Point, box
from shapely.geometry.base import BaseGeometry

from api.schemas.ogc import page_text
from datasets.features import Feature

LINKS = [{"href": "http://testserver/ogc/collections/x/items", "rel": "self"}]


def _expected(geometries: list[BaseGeometry | None]) -> dict[str, Any]:
    features = [
        {
            "type": "Feature",
            "id": f"f-{i}",
            "geometry": None if g is None else json.loads(shapely.to_geojson(g)),
            "properties": {"name": f"Café {i}", "n": i, "empty": None},
        }
        for i, g in enumerate(geometries)
    ]
    return {
        "type": "FeatureCollection",
        "features": features,
        "numberMatched": 7,
        "numberReturned": len(features),
        "timeStamp": "2026-12-02T12:00:00Z",
        "links": LINKS,
    }


@pytest.mark.parametrize(
    "geometries",
    [
        [Point(-0.973, 51.454), None, Point(-1.2345678901234, 52.000000001)],
        [box(-1.05, 51.41, -0.93, 51.49), None],
        [Point(-0.97, 51.45), box(-1.05, 51.41, -0.93, 51.49)],
        [Point(-0.97, 51.45), Point()],  # an empty point: no coordinates to read
        [Point(-0.97, 51.45, 30.0)],
        [],
    ],
    ids=["points", "polygons", "mixed", "empty-point", "3d-point", "no-features"],
)
def test_a_page_reads_as_each_feature_written_alone(geometries: list[BaseGeometry | None]) -> None:
    ids = [f"f-{i}" for i in range(len(geometries))]
    features = [
        Feature({"name": f"Café {i}", "n": i, "empty": None}, g) for i, g in enumerate(geometries)
    ]
    text = page_text(ids, features, matched=7, links=LINKS, time_stamp="2026-12-02T12:00:00Z")
    assert json.loads(text) == _expected(geometries)
    assert not features or "Café" in text  # UTF-8, not \u escapes


def test_a_page_refuses_a_value_json_cannot_say() -> None:
    feature = Feature({"gap": float("nan")}, Point(0, 51))
    with pytest.raises(ValueError):
        page_text(["f"], [feature], matched=1, links=[], time_stamp="t")


def test_a_string_naming_nan_or_infinity_is_kept_as_text() -> None:
    feature = Feature({"name": "NaN Infinity club", "gap": 1e-7}, Point(0, 51))
    text = page_text(["f"], [feature], matched=1, links=[], time_stamp="t")
    assert json.loads(text)["features"][0]["properties"] == {
        "name": "NaN Infinity club",
        "gap": 1e-7,
    }
