"""Vectorised batch recommendations: many suppliers' candidates and scores as array operations.

``Recommender.recommend_all`` (the nightly digest) and ``recommend_batch`` answer a few hundred
suppliers at a time: every site's cell window is found in one pass (``matching.grid``), the
windows of each supplier merged and expanded into one array of (supplier, activity) pairs, the
nearest-site distance, score, tier and delivery-area flag computed for all pairs at once, and
only the pool, re-ranking and explanations stay per supplier. Each of those per-pair values is
the same arithmetic on the same numbers as the one-supplier path (``supplier_candidates`` and
``ranking.score_pairs``), and the per-supplier rest is the same function
(``ranking.finish_supplier``), so every supplier's answer equals ``recommend``'s.

A k-d tree radius query of all sites was measured first: at 25 km around 100k activities it
returns ~4,700 neighbours per site, ~140 ns per pair in the tree against a few ns per pair for
contiguous cell slices, so the cell windows stay the candidate generator.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from domain.model import Supplier
from geo.sphere import lon_lat_to_xyz
from matching.candidates import (
    Candidates,
    Columns,
    segment_site_distance,
    site_columns,
    take_columns,
)
from matching.diversity import mmr_order_batch
from matching.features import IntArray
from matching.grid import Int64Array, expand_ranges, merge_ranges, site_windows
from matching.ranking import (
    OFFER_FIT,
    OfferFit,
    Ranked,
    Ranking,
    Scene,
    dress_supplier,
    offer_fit,
    score_pairs,
    supplier_pool,
)

#: suppliers answered per vectorised step: big enough that numpy calls are few per supplier,
#: small enough that the step's pair arrays (~10,000 pairs per supplier at 100k activities,
#: ~200 bytes each) stay well under 100 MB
CHUNK = 64


@dataclass(frozen=True)
class PairCandidates:
    """Candidates of several suppliers: pairs sorted by (supplier, activity row), supplier
    ``s``'s pairs at ``bounds[s]:bounds[s + 1]``."""

    pairs: Candidates
    owner: IntArray
    bounds: IntArray

    def of(self, s: int) -> Candidates:
        """Supplier ``s``'s candidates, as ``supplier_candidates`` gives them."""
        lo, hi = int(self.bounds[s]), int(self.bounds[s + 1])
        pairs = self.pairs
        return Candidates(pairs.activity[lo:hi], pairs.distance_m[lo:hi], pairs.site[lo:hi])


def batch_candidates(
    cell_keys: Int64Array,
    activity_xyz: Columns,
    suppliers: Sequence[Supplier],
    radius_m: float,
    in_reach: NDArray[np.bool_] | None = None,
    reach: IntArray | None = None,
) -> PairCandidates:
    """``supplier_candidates`` for every supplier at once (each has at least one site)."""
    n = activity_xyz[0].size
    counts = np.array([len(s.sites) for s in suppliers], dtype=np.intp)
    lon_lat = np.array([(t.location.x, t.location.y) for s in suppliers for t in s.sites])
    site_owner = np.repeat(np.arange(len(suppliers), dtype=np.intp), counts)
    site, starts, ends = site_windows(cell_keys, lon_lat[:, 0], lon_lat[:, 1], radius_m)
    offset = site_owner[site].astype(np.int64) * (n + 1)  # keeps suppliers' ranges apart
    starts, ends = starts + offset, ends + offset
    if reach is not None and reach.size:
        run_starts, run_ends = _runs(reach)
        shift = np.arange(len(suppliers), dtype=np.int64)[:, None] * (n + 1)
        starts = np.concatenate((starts, (run_starts[None, :] + shift).ravel()))
        ends = np.concatenate((ends, (run_ends[None, :] + shift).ravel()))
    merged_starts, merged_ends = merge_ranges(starts, ends)
    range_owner = merged_starts // (n + 1)
    lengths = merged_ends - merged_starts
    rows = expand_ranges(merged_starts - range_owner * (n + 1), merged_ends - range_owner * (n + 1))
    rows = rows.astype(np.intp, copy=False)
    per_owner = np.bincount(range_owner, weights=lengths, minlength=len(suppliers))
    per_owner = per_owner.astype(np.intp)
    site_xyz = site_columns(lon_lat_to_xyz(lon_lat[:, 0], lon_lat[:, 1]))
    first = np.cumsum(counts) - counts
    sites = [site_xyz[f : f + c] for f, c in zip(first.tolist(), counts.tolist(), strict=True)]
    ends_at = np.cumsum(per_owner)
    points = take_columns(activity_xyz, rows)
    distance, nearest = segment_site_distance(points, sites, [0, *ends_at.tolist()])
    keep = distance <= radius_m
    if in_reach is not None:
        keep |= in_reach[rows]
    running = np.concatenate(([0], np.cumsum(keep)))
    kept = running[ends_at] - running[ends_at - per_owner]  # kept pairs per supplier
    bounds = np.concatenate(([0], np.cumsum(kept))).astype(np.intp)
    owner = np.repeat(np.arange(len(suppliers), dtype=np.intp), kept)
    return PairCandidates(Candidates(rows[keep], distance[keep], nearest[keep]), owner, bounds)


def _runs(rows: IntArray) -> tuple[Int64Array, Int64Array]:
    """Sorted unique rows as half-open ranges of consecutive rows."""
    rows = rows.astype(np.int64)
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    first = np.concatenate(([0], breaks))
    last = np.concatenate((breaks, [rows.size]))
    return rows[first], rows[last - 1] + 1


def rank_batch(
    scene: Scene, suppliers: Sequence[Supplier], cand: PairCandidates, ranking: Ranking
) -> list[Ranked]:
    """``rank_supplier``'s answer for every supplier of ``cand``, every pair scored: scores,
    tiers and delivery-area flags of all pairs in one pass, then each supplier's pool,
    re-ranking and explanations."""
    fits: list[OfferFit] = []
    group_of: dict[int, int] = {}
    group = np.empty(len(suppliers), dtype=np.intp)
    for s, supplier in enumerate(suppliers):
        fit = offer_fit(scene, supplier)
        group[s] = group_of.setdefault(id(fit), len(fits))
        if group[s] == len(fits):
            fits.append(fit)
    n_patterns = len(scene.table.need_count)
    offer_w = np.concatenate([f[1] * ranking.weights[OFFER_FIT] for f in fits])
    helpless = np.concatenate([f[2] for f in fits])
    pairs = cand.pairs
    offer_row = np.take(group, cand.owner) * n_patterns
    offer_row += np.take(scene.table.need_pattern, pairs.activity)
    score, tier, inside = score_pairs(scene, ranking, pairs, offer_w, helpless, offer_row)
    bounds = cand.bounds.tolist()
    parts = []
    for s in range(len(suppliers)):
        lo, hi = bounds[s], bounds[s + 1]
        scored = (score[lo:hi], tier[lo:hi], inside[lo:hi])
        one = cand.of(s)
        parts.append((one, scored, supplier_pool(scene, one, ranking, scored)))
    reranked = mmr_order_batch(
        [pool.mmr_input(scene, one, scored) for one, scored, pool in parts],
        k=ranking.k,
        diversity=ranking.diversity,
        max_per_provider=ranking.max_per_provider,
        margin=ranking.margin,
    )
    return [
        dress_supplier(
            scene,
            supplier,
            supplier.sites,
            one,
            ranking,
            fits[int(group[s])],
            scored,
            pool,
            reranked[s],
        )
        for s, (supplier, (one, scored, pool)) in enumerate(zip(suppliers, parts, strict=True))
    ]
