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
