"""Geographic input errors. Each also inherits the builtin it resembles (h3-py's habit)."""

from __future__ import annotations


class GeoError(ValueError):
    """Base class: a geographic input dicm cannot use. ``code`` is a stable machine name."""

    code = "invalid-geography"


class InvalidCoordinates(GeoError):
    """Longitude/latitude not numbers or out of range."""

    code = "invalid-coordinates"


class SwappedCoordinates(InvalidCoordinates):
    """The point lands in the UK only when latitude and longitude are swapped."""

    code = "swapped-coordinates"


class OutsideUK(GeoError):
    """The point (or geometry) lies outside the United Kingdom."""

    code = "outside-uk"


class InvalidGeometry(GeoError):
    """Malformed, empty, self-crossing or otherwise invalid geometry."""

    code = "invalid-geometry"


class UnsupportedCRS(GeoError):
    """A coordinate reference system dicm does not accept for that input."""

    code = "unsupported-crs"


class InvalidPostcode(GeoError):
    """Not a syntactically valid UK postcode."""

    code = "invalid-postcode"


class UnknownPostcode(GeoError, LookupError):
    """A well-formed postcode that the offline gazetteer does not know or cannot cover."""

    code = "unknown-postcode"


class EmptyQuery(GeoError):
    """A lookup with nothing to look up."""

    code = "empty-query"


class UnknownPlace(GeoError, LookupError):
    """Not a postcode, not "lat,lon", and no UK place of that name in the offline gazetteer."""

    code = "unknown-place"


class AmbiguousPlace(GeoError):
    """A place name shared by places in several local authorities; ``candidates`` lists them
    (plain dicts: name, county, nation, lon, lat, local_authority) so a client can choose."""

    code = "ambiguous-place"

    def __init__(self, message: str, candidates: list[dict[str, object]] | None = None) -> None:
        super().__init__(message)
        self.candidates = candidates or []


class MissingColumn(GeoError):
    """A file to locate has no column of the name given."""

    code = "missing-column"
