"""Coordinate checks: range, UK extent and the swapped latitude/longitude trap.

Everything is ``lon, lat`` (GeoJSON order). The UK envelope is generous (it includes Shetland,
the Isles of Scilly, Rockall is left out) because exact membership is decided by the boundaries.
"""

from __future__ import annotations

import math

from geo.errors import InvalidCoordinates, OutsideUK, SwappedCoordinates

# lon_min, lat_min, lon_max, lat_max: the UK and its territorial waters, with a small margin.
UK_BBOX: tuple[float, float, float, float] = (-8.75, 49.8, 2.0, 61.0)


def is_in_uk_bbox(lon: float, lat: float) -> bool:
    """True when (lon, lat) falls inside the UK's bounding envelope."""
    lon_min, lat_min, lon_max, lat_max = UK_BBOX
    return lon_min <= lon <= lon_max and lat_min <= lat <= lat_max


def check_lon_lat(lon: float, lat: float) -> tuple[float, float]:
    """Return (lon, lat) as floats if they are a point in range and in the UK envelope.

    Raises ``SwappedCoordinates`` when only the swapped pair lands in the UK, ``OutsideUK``
    when the point is elsewhere on Earth, ``InvalidCoordinates`` when it is not on Earth at all.
    """
    try:
        x, y = float(lon), float(lat)
    except (TypeError, ValueError) as exc:
        raise InvalidCoordinates(f"coordinates must be numbers, got {lon!r}, {lat!r}") from exc
    if not (math.isfinite(x) and math.isfinite(y)):
        raise InvalidCoordinates("coordinates must be finite numbers")
    if not (-180.0 <= x <= 180.0 and -90.0 <= y <= 90.0):
        if is_in_uk_bbox(y, x):
            raise SwappedCoordinates(
                f"({x}, {y}) is not a valid lon, lat; swapped it would be in the UK: "
                "send longitude first"
            )
        raise InvalidCoordinates(f"longitude {x} / latitude {y} out of range")
    if is_in_uk_bbox(x, y):
        return x, y
    if is_in_uk_bbox(y, x):
        raise SwappedCoordinates(
            f"({x}, {y}) lies outside the UK but ({y}, {x}) is inside: latitude and "
            "longitude look swapped; send longitude first"
        )
    raise OutsideUK(f"({x}, {y}) lies outside the United Kingdom")


def parse_bbox(text: str, *, heights: bool = False) -> tuple[float, float, float, float]:
    """``minlon,minlat,maxlon,maxlat`` (or, with ``heights``, the 3-D OGC form
    ``minlon,minlat,minh,maxlon,maxlat,maxh`` whose heights are dropped) as four finite
    degrees, minimum corner first; ``InvalidCoordinates`` otherwise. The one bbox parser:
    the activity search adds the UK check, OGC collections take any extent."""
    parts = text.split(",")
    sizes = (4, 6) if heights else (4,)
    if len(parts) not in sizes:
        wanted = " or ".join(map(str, sizes))
        raise InvalidCoordinates(f"bbox needs {wanted} comma-separated numbers, got {text!r}")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise InvalidCoordinates(f"bbox must be numbers, got {text!r}") from None
    if len(values) == 6:
        values = [values[0], values[1], values[3], values[4]]
    lon_min, lat_min, lon_max, lat_max = values
    if not all(math.isfinite(v) for v in values):
        raise InvalidCoordinates("bbox must be finite numbers")
    if max(abs(lon_min), abs(lon_max)) > 180 or max(abs(lat_min), abs(lat_max)) > 90:
        raise InvalidCoordinates("bbox must be minlon,minlat,maxlon,maxlat in degrees")
    if lon_min > lon_max or lat_min > lat_max:
        raise InvalidCoordinates("bbox must be minlon,minlat,maxlon,maxlat (min before max)")
    return lon_min, lat_min, lon_max, lat_max
