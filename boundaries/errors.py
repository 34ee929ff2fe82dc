"""Errors of boundary-file imports (GeoError subclasses, so the API maps them to 4xx)."""

from __future__ import annotations

from geo.errors import GeoError


class BoundaryFileError(GeoError):
    """The file as a whole cannot be imported (unreadable, no code field, no usable CRS)."""

    code = "invalid-boundary-file"


class UnknownCodeField(BoundaryFileError):
    """No ``<PREFIX><YY>CD`` field for the requested level."""

    code = "unknown-code-field"


class MissingCRS(BoundaryFileError):
    """The file declares no CRS and its coordinates are not longitude/latitude."""

    code = "missing-crs"
