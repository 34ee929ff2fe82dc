"""Where a row is: from its geometry, its lon/lat columns, its postcode or its place name
(both geocoded offline).

The geocoder is passed in (``geo.postcodes`` in the services, a dict in tests), so this module
stays pure. Every failure becomes a ``RowError`` whose code is the geo error's stable code
(``unknown-postcode``, ``outside-uk``, ``swapped-coordinates``...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from datasets.fields import RowError, parse_number
from datasets.table import looks_like_bng
from domain.model import Area
from geo.coords import check_lon_lat
from geo.crs import BNG, bng_to_lonlat
from geo.errors import GeoError

#: postcode or place name -> (normalised postcode or place, lon, lat); raises
#: ``geo.errors.InvalidPostcode``, ``UnknownPostcode``, ``UnknownPlace`` or ``AmbiguousPlace``
Geocoder = Callable[[str], tuple[str, float, float]]


@dataclass(frozen=True)
class Located:
    """A row's point, the area its geometry drew (if a polygon) and its postcode (if given)."""

    point: Point
    area: Area | None = None
    postcode: str | None = None


def locate_row(
    *,
    geometry: BaseGeometry | None,
    lon: str,
    lat: str,
    postcode: str,
    geocoder: Geocoder | None,
    place: str = "",
    easting: str = "",
    northing: str = "",
    assume_crs: int | None = None,
) -> Located:
    """Resolve a row's location: geometry first, then easting/northing (British National Grid
    by definition), then lon/lat, then the postcode, then the place name (a town or village; a
    name several places share is refused with the list).

    lon/lat cells holding metres in the British National Grid's range (x/y columns mapped to
    lon/lat, or an easting in the lon column) are refused with a hint, or read as EPSG:27700
    when ``assume_crs`` is 27700: metres read as degrees would land every row off Africa."""
    code = postcode.strip().upper() or None
    if geometry is not None:
        return _from_geometry(geometry, code)
    if easting.strip() or northing.strip():
        return Located(_grid_point(easting, northing, "easting", "northing"), postcode=code)
    if lon.strip() or lat.strip():
        if not (lon.strip() and lat.strip()):
            raise RowError("missing-location", "give both lon and lat (or a postcode)")
        if assume_crs == BNG:
            return Located(_grid_point(lon, lat, "lon", "lat"), postcode=code)
        if assume_crs is not None:
            raise RowError("bad-crs", f"--assume-crs {assume_crs}: only 27700 is read from cells")
        _refuse_grid_metres(lon, lat)
        return Located(_checked_point(lon, lat), postcode=code)
    if code is not None:
        return _from_postcode(code, geocoder)
    if place.strip():
        return _from_place(place.strip(), geocoder, code)
    raise RowError("missing-location", "no geometry, lon/lat, postcode or place")


def _metres(text: str, name: str) -> float:
    try:
        return parse_number(text, name)
    except RowError:
        raise RowError("bad-coordinates", f"{name} {text!r} is not a number of metres") from None


def _grid_point(x_text: str, y_text: str, x_name: str, y_name: str) -> Point:
    if not (x_text.strip() and y_text.strip()):
        raise RowError("missing-location", f"give both {x_name} and {y_name} (or a postcode)")
    x, y = _metres(x_text, x_name), _metres(y_text, y_name)
    if not looks_like_bng(x, y, x, y):
        raise RowError(
            "outside-uk",
            f"({x_text}, {y_text}) is not a British National Grid easting/northing "
            "(0..700000, 0..1300000 metres)",
        )
    lon, lat = bng_to_lonlat([x], [y])
    return _checked_point(float(lon[0]), float(lat[0]))


def _refuse_grid_metres(lon: str, lat: str) -> None:
    try:
        x, y = float(lon), float(lat)
    except ValueError:
        return  # not numbers: check_lon_lat says so
    if looks_like_bng(x, y, x, y):
        raise RowError(
            "bng-coordinates",
            f"({lon}, {lat}) look like British National Grid metres, not degrees: map them as "
            "--map easting=COLUMN --map northing=COLUMN, or pass --assume-crs 27700",
        )


def _checked_point(lon: object, lat: object) -> Point:
    try:
        x, y = check_lon_lat(lon, lat)  # type: ignore[arg-type]
    except GeoError as exc:
        raise RowError(exc.code, str(exc)) from None
    return Point(x, y)


def _from_geometry(geometry: BaseGeometry, postcode: str | None) -> Located:
    if not geometry.is_valid:
        raise RowError("invalid-geometry", f"invalid {geometry.geom_type} geometry")
    if isinstance(geometry, Point):
        return Located(_checked_point(geometry.x, geometry.y), postcode=postcode)
    if isinstance(geometry, Polygon | MultiPolygon):
        inside = geometry.representative_point()
        return Located(_checked_point(inside.x, inside.y), geometry, postcode)
    raise RowError("invalid-geometry", f"{geometry.geom_type} is not a point or polygon location")


def _from_postcode(postcode: str, geocoder: Geocoder | None) -> Located:
    if geocoder is None:
        raise RowError("unknown-postcode", "postcode geocoding is not available here")
    try:
        normalised, lon, lat = geocoder(postcode)
    except GeoError as exc:
        raise RowError(exc.code, str(exc)) from None
    return Located(_checked_point(lon, lat), postcode=normalised)


def _from_place(place: str, geocoder: Geocoder | None, postcode: str | None) -> Located:
    if geocoder is None:
        raise RowError("unknown-place", "place-name geocoding is not available here")
    try:
        _name, lon, lat = geocoder(place)
    except GeoError as exc:
        raise RowError(exc.code, str(exc)) from None
    return Located(_checked_point(lon, lat), postcode=postcode)
