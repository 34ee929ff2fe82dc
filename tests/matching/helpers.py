"""Shared scene for the matching tests: real Thames Valley places, a plan, names."""

from __future__ import annotations

from datetime import date

import numpy as np
from shapely.geometry import Point

from domain.model import PlanPriority, PolicePlan, Site
from geo.sphere import EARTH_RADIUS_M
from matching.context import MatchingContext

TVP = "E23000029"
READING_LA = "E06000038"

TVP_PLAN = PolicePlan(
    territory_code=TVP,
    version=1,
    title="Police and Criminal Justice Plan",
    valid_from=date(2021, 7, 1),
    priorities=(
        PlanPriority("serious_violence", "Serious violence", 1.0),
        PlanPriority("domestic_abuse", "Domestic abuse", 0.8),
    ),
    source="test",
)

CONTEXT = MatchingContext(
    plans={TVP: TVP_PLAN},
    area_names={TVP: "Thames Valley", READING_LA: "Reading"},
)


def scattered_sites(rng: np.random.Generator, i: int) -> tuple[Site, ...]:
    """Supplier ``i``'s 1 to 3 sites (``1 + i % 3``), uniform between Reading and Oxford."""
    return tuple(
        Site(f"s{i}-{j}", f"site {j}", Point(rng.uniform(-1.6, -0.4), rng.uniform(51.2, 52.1)))
        for j in range(1 + i % 3)
    )


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Brute-force great-circle metres (haversine) on the store's sphere."""
    import math

    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))
