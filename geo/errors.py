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
