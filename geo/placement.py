"""How a point relates to the mapped UK (kept apart from :mod:`geo.assign` so answering one
lookup does not import pandas and scipy)."""

from __future__ import annotations

from enum import StrEnum


class Placement(StrEnum):
    """How a point relates to the mapped UK."""

    INSIDE = "inside"
    NEAR_COAST = "near-coast"
    OUTSIDE_UK = "outside-uk"
    INVALID = "invalid-coordinates"


def placement_note(
    placement: Placement, distance_m: float | None, tolerance_m: float
) -> str | None:
    """The sentence that explains an unusual answer (``None`` for a point inside an area)."""
    if placement is Placement.NEAR_COAST:
        return (
            f"not inside any mapped boundary: nearest area given, {distance_m or 0:.0f} m away "
            f"(sea/coast tolerance {tolerance_m:.0f} m)"
        )
    if placement is Placement.OUTSIDE_UK:
        return f"outside the UK (more than {tolerance_m:.0f} m from every UK area)"
    if placement is Placement.INVALID:
        return "coordinates are not finite numbers"
    return None
