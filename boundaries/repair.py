"""Geometry repair shared by the importers and the bundled build: the one validity rule of
:mod:`geo.validity`, typed as the domain's ``Area``."""

from __future__ import annotations

from shapely.geometry.base import BaseGeometry

from domain.model import Area
from geo import validity


def polygonal(geometry: BaseGeometry) -> Area:
    """``geometry`` made valid with only its polygonal parts kept (see :mod:`geo.validity`)."""
    return validity.polygonal(geometry)
