"""The coordinate reference systems dicm serves by OGC URI (OGC API – Features Part 2).

Storage is lon/lat (CRS84). EPSG:4326 is the same datum with the axis order its definition
gives: latitude first. British National Grid and Irish Transverse Mercator are easting,
northing in metres. Transformations go through ``geo.crs`` (pyproj, cached transformers).
"""

from __future__ import annotations

import numpy as np
from shapely import box, segmentize, transform
from shapely.geometry.base import BaseGeometry

from geo.crs import BNG, ITM, WGS84, FloatArray, project_geometry
from geo.errors import UnsupportedCRS

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
EPSG_27700 = "http://www.opengis.net/def/crs/EPSG/0/27700"
EPSG_2157 = "http://www.opengis.net/def/crs/EPSG/0/2157"
#: every CRS served, storage CRS first
SUPPORTED: tuple[str, ...] = (CRS84, EPSG_4326, EPSG_27700, EPSG_2157)
_EPSG = {EPSG_27700: BNG, EPSG_2157: ITM}
#: short spellings clients send (``EPSG:27700``, ``OGC:CRS84``) -> the URI
_ALIASES = {
    "crs84": CRS84,
    "ogc:crs84": CRS84,
    "urn:ogc:def:crs:ogc:1.3:crs84": CRS84,
    "epsg:4326": EPSG_4326,
    "urn:ogc:def:crs:epsg::4326": EPSG_4326,
    "epsg:27700": EPSG_27700,
    "urn:ogc:def:crs:epsg::27700": EPSG_27700,
    "epsg:2157": EPSG_2157,
    "urn:ogc:def:crs:epsg::2157": EPSG_2157,
}


def parse_crs_uri(text: str) -> str:
    """A served CRS URI from a URI or a short name; ``UnsupportedCRS`` otherwise."""
    uri = text.strip().strip("[]<>")
    if uri in SUPPORTED:
        return uri
    if uri.lower() in _ALIASES:
        return _ALIASES[uri.lower()]
    raise UnsupportedCRS(f"crs {text!r} is not served; use one of {', '.join(SUPPORTED)}")


def _swap(coords: FloatArray) -> FloatArray:
    return np.ascontiguousarray(coords[:, ::-1])


def lonlat_to_crs(geometry: BaseGeometry, uri: str) -> BaseGeometry:
    """A stored lon/lat geometry in the served CRS ``uri`` (axis order as that CRS says)."""
    if uri == CRS84:
        return geometry
    if uri == EPSG_4326:
        return transform(geometry, _swap)
    return project_geometry(geometry, WGS84, _EPSG[uri])


def bbox_to_lonlat(
    bbox: tuple[float, float, float, float], uri: str
) -> tuple[float, float, float, float]:
    """A bbox given in ``uri`` (its own axis order) as the lon/lat box that covers it.

    The box's edges are densified before projecting, so a projected box's curved image is
    covered, not cut at the corners.
    """
    if uri == CRS84:
        return bbox
    if uri == EPSG_4326:
        lat_min, lon_min, lat_max, lon_max = bbox
        return lon_min, lat_min, lon_max, lat_max
    outline = segmentize(box(*bbox), max((bbox[2] - bbox[0]) / 16, (bbox[3] - bbox[1]) / 16, 1))
    lon_min, lat_min, lon_max, lat_max = project_geometry(outline, _EPSG[uri], WGS84).bounds
    return lon_min, lat_min, lon_max, lat_max
