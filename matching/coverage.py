"""Coverage analytics from the batch mode: which activities suppliers can reach, and how much
reachable supply each area has. For maps of coverage gaps (an activity no supplier reaches)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from domain.model import Supplier
from matching.candidates import supplier_candidates
from matching.features import IntArray
from matching.recommender import Recommender, check_radius_m


@dataclass(frozen=True)
class AreaCoverage:
    """One area (territory or local authority code): its recommendable activities, how many a
    supplier can reach, and the number of (supplier, activity) pairs in reach (matched supply)."""

    code: str
    activities: int
    reached: int
    supplier_pairs: int


@dataclass(frozen=True)
class Coverage:
    """Per activity (ids in the fitted order) the number of suppliers that can reach it."""

    activity_ids: tuple[str, ...]
    suppliers_in_reach: IntArray
    by_area: dict[str, AreaCoverage]

    def unreached(self) -> list[str]:
        """Ids of activities no supplier can reach (coverage gaps), by id."""
        reached = self.suppliers_in_reach.tolist()
        return sorted(a for a, n in zip(self.activity_ids, reached, strict=True) if n == 0)


def coverage(model: Recommender, suppliers: Sequence[Supplier], radius_m: float) -> Coverage:
    """For a fitted ``model``: how many of ``suppliers`` reach each activity within
    ``radius_m`` of one of their sites, and the totals per territory and local authority."""
    radius = check_radius_m(radius_m)
    table = model.table_
    counts = np.zeros(len(table), dtype=np.intp)
    for supplier in suppliers:
        if not supplier.sites:
            continue
        sites = np.array([(s.location.x, s.location.y) for s in supplier.sites])
        found = supplier_candidates(model.cell_keys_, table.xyz_columns, sites, radius)
        counts[found.activity] += 1
    return Coverage(tuple(table.ids.tolist()), counts, _by_area(model, counts))


def _by_area(model: Recommender, counts: IntArray) -> dict[str, AreaCoverage]:
    totals: dict[str, list[int]] = {}
    table = model.table_
    territory, authority = table.territory.tolist(), table.local_authority.tolist()
    for at, count in enumerate(counts.tolist()):
        codes = {
            table.territories[territory[at]] if territory[at] >= 0 else None,
            table.local_authorities[authority[at]] if authority[at] >= 0 else None,
        }
        for code in codes - {None}:
            row = totals.setdefault(str(code), [0, 0, 0])
            row[0] += 1
            row[1] += count > 0
            row[2] += count
    return {code: AreaCoverage(code, *row) for code, row in sorted(totals.items())}
