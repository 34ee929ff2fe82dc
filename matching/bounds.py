"""Best-first search for one supplier: the top of the ranking without scoring every candidate.

At a national scale a 25 km circle holds tens of thousands of validated activities (about 50k
per supplier at 1M), yet only the best ``pool_size`` of them reach the re-ranking. Scoring all
of them made a single match several times dearer than a plain k-nearest query. This module
finds the same best candidates while scoring only a few of them:

- **cells**: activities are stored sorted by ``matching.grid`` cell, so each non-empty cell is
  one contiguous run of rows with a known centre and angular radius (``CellIndex``);
- **an upper bound per cell**: the best supplier-free sort key of its rows (``CellBest``, once
  per tender and weights) plus the most proximity any of its rows can have (from the cell's
  nearest possible distance to a site) plus the supplier's best offer fit: no row of the cell
  can rank higher than that;
- **best first**: the cells with the highest bounds are scored exactly until the pool is full,
  which sets a threshold; then only rows whose own bound reaches the threshold are scored.
  A row left out has a key strictly below the threshold of a pool that only improves, so the
  best ``need`` candidates (ties by id included) are exactly the exhaustive ranking's;
- **the count** of candidates is exact too: cells wholly inside a site's circle count whole,
  cells wholly outside count only their delivery-area rows, and only the rows of cells the
  circle's edge crosses have their distance computed.

Scores, distances and tiers of the candidates it does score are the same element-wise
arithmetic as ``candidates.supplier_candidates`` and ``ranking.score_pairs``, so the answers
equal the exhaustive path's (the batch path stays exhaustive and the tests compare them).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from geo.sphere import EARTH_RADIUS_M, FloatArray, lon_lat_to_xyz
from matching.candidates import (
    Candidates,
    Columns,
    SiteColumns,
    nearest_site_distance,
    site_columns,
    site_cosine,
    take_columns,
)
from matching.features import IntArray
from matching.grid import (
    CELL_DEG,
    N_COLUMNS,
    Int64Array,
    expand_ranges,
    window_rows,
)
from matching.tiers import CANNOT_HELP, OFF_PRIORITY, SERVES_PRIORITY, TIER_GAP

#: metres taken off every distance bound: more than the error of the cosine-based angles
#: (about 0.1 m at short range), so a bound is never above a distance computed exactly
SLACK_M = 2.0
#: added to every score bound: more than the rounding of a sum of three terms in 0..1
SCORE_SLACK = 1e-9
#: radians added to a cell's radius: a point on a cell's edge may round into the next cell
_EDGE_RAD = 1e-9
#: rows scored in the first round past those the answer needs (sets a threshold worth using)
_FIRST_EXTRA = 256
#: at most this many rows in the sites' cells, every one is scored (measured: below it the
#: bounds cost more numpy calls than they save; ``bench/best_first.py``)
EXHAUSTIVE_BELOW = 16_000
#: rows scored per later step (a step costs a few numpy calls; thresholds rise between steps)
_CHUNK_ROWS = 512
#: cells of the first round hold this many times the rows it scores (their segments are
#: then ranked by their own, tighter bounds)
_SEED_ROWS = 4
#: a band around the radius, in sin^2(angle / 2), inside which a cosine is not trusted for
#: the count (the exact distance decides): far wider than a cosine's rounding (~1e-16)
_HAV_BAND = 1e-12

Scored = tuple[FloatArray, IntArray, NDArray[np.bool_]]  # score, tier, inside per candidate
#: exact score, tier and "inside the delivery area" of candidates (``ranking.score_pairs``)
Scorer = Callable[[Candidates], Scored]
KeyOf = Callable[[FloatArray, IntArray], FloatArray]


@dataclass(frozen=True)
class CellIndex:
    """The non-empty cells of a cell-sorted table (key, row range, centre and radius) and,
    within each cell, its rows grouped by need pattern ("segments": the supplier's offer fit
    and whether it can help at all are the same for every row of a segment)."""

    key: Int64Array
    start: Int64Array
    end: Int64Array
    centre: Columns  # unit vectors of the cells' centres, as (x, y, z) columns
    radius: FloatArray  # radians from the centre to the farthest point of the cell
    by_segment: IntArray  # table rows, cell by cell and within a cell by need pattern
    segment_start: Int64Array  # each segment's first position in ``by_segment``
    segment_end: Int64Array
    segment_pattern: IntArray  # the need pattern of every row of the segment
    cell_segments: Int64Array  # cell c's segments are cell_segments[c]:cell_segments[c + 1]
    size: Int64Array  # rows per cell


def cell_index(sorted_keys: Int64Array, need_pattern: IntArray) -> CellIndex:
    """The ``CellIndex`` of rows sorted by ``grid.cell_keys`` with their need patterns (cell
    geometry comes from the keys alone)."""
    keys = np.asarray(sorted_keys, dtype=np.int64)
    n = keys.size
    if n == 0:
        empty, none, rows = np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.intp)
        return CellIndex(
            empty, empty, empty, (none, none, none), none, rows, empty, empty, rows,
            np.zeros(1, np.int64), empty,
        )  # fmt: skip
    first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    key = keys[first]
    end = np.concatenate((first[1:], [n])).astype(np.int64)
    lat0 = ((key // N_COLUMNS) * CELL_DEG - 90.0).astype(np.float64)
    lon0 = ((key % N_COLUMNS) * CELL_DEG - 180.0).astype(np.float64)
    half = CELL_DEG / 2.0
    centre = lon_lat_to_xyz(lon0 + half, lat0 + half)
    radius = np.zeros(key.size)
    for d_lon in (0.0, CELL_DEG):
        for d_lat in (0.0, CELL_DEG):
            corner = lon_lat_to_xyz(lon0 + d_lon, np.minimum(lat0 + d_lat, 90.0))
            radius = np.maximum(radius, _angle(centre, corner))
    columns = (centre[:, 0].copy(), centre[:, 1].copy(), centre[:, 2].copy())
    # segments: (cell, pattern) runs; the rows are already in cell order, so a stable sort
    # by (cell position, pattern) only reorders rows inside each cell
    cell_of_row = np.repeat(np.arange(key.size, dtype=np.int64), end - first)
    pattern = np.asarray(need_pattern, dtype=np.int64)
    group = cell_of_row * (int(pattern.max()) + 1) + pattern
    by_segment = np.argsort(group, kind="stable").astype(np.intp)
    ordered = group[by_segment]
    seg_first = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    seg_end = np.concatenate((seg_first[1:], [n])).astype(np.int64)
    seg_cell = cell_of_row[by_segment[seg_first]]
    cell_segments = np.searchsorted(seg_cell, np.arange(key.size + 1), side="left")
    return CellIndex(
        key,
        first.astype(np.int64),
        end,
        columns,
        radius + _EDGE_RAD,
        by_segment,
        seg_first.astype(np.int64),
        seg_end,
        np.asarray(pattern[by_segment[seg_first]], dtype=np.intp),
        cell_segments.astype(np.int64),
        end - first,
    )


def _angle(a: FloatArray, b: FloatArray) -> FloatArray:
    """Radians between unit vectors, row by row (from the chord: accurate at short range)."""
    chord = np.sqrt(np.einsum("ij,ij->i", a - b, a - b))
    return np.asarray(2.0 * np.arcsin(np.minimum(chord / 2.0, 1.0)), dtype=np.float64)


@dataclass(frozen=True)
class SideBest:
    """Per segment, the best supplier-free sort key of its rows on one side of the delivery
    area: as tiered for a supplier who can help (``key``) and for one who cannot
    (``helpless``: every such row is in the last tier whatever its priority)."""

    key: FloatArray
    helpless: FloatArray


@dataclass(frozen=True)
class CellBest:
    """Supplier-free bounds of one request scene.

    ``row_key`` / ``row_helpless`` are each row's sort key without the supplier's terms
    (proximity and offer fit add to it), for a supplier who can meet some of its needs and for
    one who meets none; ``inside`` and ``outside`` their maxima per segment over the rows
    inside and outside the tender's delivery area (``-inf`` where none), ``cell_inside`` and
    ``cell_outside`` the maxima of ``row_key`` per cell; ``reach_cells`` / ``reach_count``
    which cells hold rows of the tender's reach, and how many."""

    row_key: FloatArray
    row_helpless: FloatArray
    in_scope: NDArray[np.bool_] | None
    inside: SideBest
    outside: SideBest | None
    cell_inside: FloatArray
    cell_outside: FloatArray | None
    reach_cells: IntArray | None
    reach_count: Int64Array | None


def cell_best(
    index: CellIndex,
    static_score: FloatArray,
    priority: FloatArray,
    *,
    hard_constraints: bool,
    in_scope: NDArray[np.bool_] | None,
    in_reach: NDArray[np.bool_] | None,
) -> CellBest:
    """The ``CellBest`` of a scene: ``static_score`` and ``priority`` per row as the scene has
    them; ``in_scope`` / ``in_reach`` the tender's masks (None without a tender)."""
    score = np.asarray(static_score, dtype=np.float64)
    if hard_constraints:
        tier = np.where(priority > 0.0, float(SERVES_PRIORITY), float(OFF_PRIORITY))
        row_key = score - TIER_GAP * tier
        row_helpless = score - TIER_GAP * CANNOT_HELP
    else:
        row_key = row_helpless = score
        in_scope = None

    def side(mask: NDArray[np.bool_] | None) -> tuple[SideBest, FloatArray]:
        cell = _cell_max(index, row_key if mask is None else np.where(mask, row_key, -np.inf))
        by_segment = SideBest(
            _segment_max(index, row_key, mask), _segment_max(index, row_helpless, mask)
        )
        return by_segment, cell

    inside, cell_inside = side(in_scope)
    outside, cell_outside = side(~in_scope) if in_scope is not None else (None, None)
    reach_cells = reach_count = None
    if in_reach is not None:
        starts = index.start
        per_cell = np.add.reduceat(in_reach.astype(np.int64), starts) if starts.size else starts
        reach_cells = np.flatnonzero(per_cell).astype(np.intp)
        reach_count = np.asarray(per_cell, dtype=np.int64)
    return CellBest(
        row_key, row_helpless, in_scope, inside, outside, cell_inside, cell_outside,
        reach_cells, reach_count,
    )  # fmt: skip


def _cell_max(index: CellIndex, value: FloatArray) -> FloatArray:
    """The maximum of ``value`` over each cell's rows (rows are in cell order)."""
    if index.start.size == 0:
        return np.zeros(0)
    return np.asarray(np.maximum.reduceat(value, index.start), dtype=np.float64)


def _segment_max(index: CellIndex, value: FloatArray, mask: NDArray[np.bool_] | None) -> FloatArray:
    """The maximum of ``value`` over each segment's rows (those of ``mask`` only)."""
    if index.segment_start.size == 0:
        return np.zeros(0)
    ordered = np.take(value, index.by_segment)
    if mask is not None:
        ordered = np.where(np.take(mask, index.by_segment), ordered, -np.inf)
    return np.asarray(np.maximum.reduceat(ordered, index.segment_start), dtype=np.float64)


@dataclass(frozen=True)
class Search:
    """One supplier's request as the search needs it (weights already applied)."""

    site_lon_lat: FloatArray
    radius_m: float
    proximity_weight: float
    half_distance_m: float
    offer: FloatArray  # the weighted offer fit of each need pattern
    helpless: NDArray[np.bool_]  # per need pattern: the supplier meets none of its needs
    need_inside: int  # best candidates inside the delivery area the answer needs
    need_outside: int  # best candidates outside it, within reach (``also_nearby``)
    in_reach: NDArray[np.bool_] | None
    #: at most this many rows in the sites' cells, score them all (``SEARCHES``)
    exhaustive_below: float = EXHAUSTIVE_BELOW


#: how a single answer is searched: "auto" scores every row when the sites' cells hold at most
#: ``EXHAUSTIVE_BELOW`` rows and searches best first beyond; the others force one way (the
#: answers are the same: tests compare them)
SEARCHES = {"auto": float(EXHAUSTIVE_BELOW), "best_first": -1.0, "exhaustive": float("inf")}


@dataclass(frozen=True)
class Segments:
    """Some cells' segments for one supplier: ids, row counts, and the bounds of their rows
    inside and outside the delivery area (``bound`` the higher of the two)."""

    ids: IntArray
    size: Int64Array
    helpless: NDArray[np.bool_]
    gain: FloatArray  # what proximity (at best) and the offer fit add to every row
    bound_in: FloatArray
    bound_out: FloatArray

    @property
    def bound(self) -> FloatArray:
        return np.maximum(self.bound_in, self.bound_out)

    def take(self, at: IntArray) -> Segments:
        return Segments(
            self.ids[at], self.size[at], self.helpless[at], self.gain[at],
            self.bound_in[at], self.bound_out[at],
        )  # fmt: skip


def segments(
    index: CellIndex,
    best: CellBest,
    request: Search,
    cells: IntArray,
    lift: FloatArray,
    beyond: NDArray[np.bool_],
) -> Segments:
    """The segments of ``cells`` (``lift``: the most proximity adds to a row of each cell,
    ``beyond``: the cell lies wholly outside the sites' reach) with this supplier's bounds."""
    first, last = index.cell_segments[cells], index.cell_segments[cells + 1]
    ids = np.asarray(expand_ranges(first, last), dtype=np.intp)
    local = np.repeat(np.arange(cells.size), last - first)
    pattern = index.segment_pattern[ids]
    helpless = request.helpless[pattern]
    gain = lift[local] + request.offer[pattern] + SCORE_SLACK
    bound_in = _side_bound(best.inside, ids, helpless) + gain
    if best.outside is not None and request.need_outside > 0:
        bound_out = np.where(beyond[local], -np.inf, _side_bound(best.outside, ids, helpless))
        bound_out += gain
    else:
        bound_out = np.full(ids.size, -np.inf)
    size = index.segment_end[ids] - index.segment_start[ids]
    return Segments(ids, size, helpless, gain, bound_in, bound_out)


def best_candidates(
    index: CellIndex,
    best: CellBest,
    xyz: Columns,
    request: Search,
    score: Scorer,
    key_of: KeyOf,
) -> tuple[Candidates, Scored, int]:
    """The scored candidates that hold the best ``need_inside`` inside the delivery area and
    the best ``need_outside`` outside it (each by ``key_of(score, tier)``, higher first), and
    the exact number of candidates in all."""
    site_xyz = lon_lat_to_xyz(request.site_lon_lat[:, 0], request.site_lon_lat[:, 1])
    sites = site_columns(site_xyz)
    cells = window_cells(index, request.site_lon_lat, request.radius_m)
    if best.reach_cells is not None and best.reach_cells.size:
        cells = np.union1d(cells, best.reach_cells).astype(np.intp)

    def distances(rows: IntArray) -> Candidates:
        """``rows`` with their nearest-site distance, cut to the candidates among them."""
        d, site = nearest_site_distance(take_columns(xyz, rows), sites)
        keep = d <= request.radius_m
        if request.in_reach is not None:
            keep |= request.in_reach[rows]
        return Candidates(rows[keep], d[keep], site[keep])

    if int(index.size[cells].sum()) <= request.exhaustive_below:
        # few rows in reach: scoring them all costs less than bounding them
        every = distances(_rows(index, cells))
        return every, score(every), int(every.activity.size)
    theta = _nearest_angle(index, cells, sites)
    rho = index.radius[cells]
    low_m = (theta - rho) * EARTH_RADIUS_M - SLACK_M
    whole = (theta + rho) * EARTH_RADIUS_M <= request.radius_m - SLACK_M
    beyond = low_m > request.radius_m

    count = int(index.size[cells[whole]].sum())
    edge = cells[~whole & ~beyond]
    count += _count_within(xyz, _rows(index, edge), sites, request, distances)
    if best.reach_count is not None:
        count += int(best.reach_count[cells[beyond]].sum())

    # the most a row of each cell gains from proximity, and a bound per cell (the supplier's
    # best offer fit, every row as if the supplier could help): cheap, and most cells of a
    # wide circle fall below the threshold on it alone
    lift = request.proximity_weight * np.exp2(
        np.maximum(low_m, 0.0) * (-1.0 / request.half_distance_m)
    )
    gain = lift + (float(request.offer.max()) if request.offer.size else 0.0) + SCORE_SLACK
    cell_in = best.cell_inside[cells] + gain
    if best.cell_outside is not None and request.need_outside > 0:
        cell_out = np.where(beyond, -np.inf, best.cell_outside[cells] + gain)
    else:
        cell_out = np.full(cells.size, -np.inf)
    wanted = request.need_inside + request.need_outside + _FIRST_EXTRA

    # round 1: in the cells bounded highest, the segments bounded highest, until they hold
    # enough rows to fill the answer; their exact scores set the thresholds
    seeds = _top_holding(np.maximum(cell_in, cell_out), index.size[cells], _SEED_ROWS * wanted)
    seeded = segments(index, best, request, cells[seeds], lift[seeds], beyond[seeds])
    first = _top_holding(seeded.bound, seeded.size, wanted)
    found = [distances(_segment_rows(index, seeded.ids[first]))]
    scored = [score(found[0])]
    limit_in, limit_out = _thresholds(found, scored, key_of, request)

    # then the segments, not yet scored, of the cells that can still reach the thresholds,
    # best bound first, a chunk of rows at a time, each row against its own bound (the
    # thresholds rise as rows are scored)
    live = (cell_in >= limit_in) | (cell_out >= limit_out)
    seg = segments(index, best, request, cells[live], lift[live], beyond[live])
    open_ = (seg.bound_in >= limit_in) | (seg.bound_out >= limit_out)
    done = np.sort(seeded.ids[first])
    at_done = np.minimum(np.searchsorted(done, seg.ids), max(done.size - 1, 0))
    if done.size:
        open_ &= done[at_done] != seg.ids
    seg = seg.take(np.flatnonzero(open_))
    bound = seg.bound
    queue = np.argsort(-bound, kind="stable")
    held = np.cumsum(seg.size[queue])
    at = 0
    while at < queue.size:
        if bound[queue[at]] < min(limit_in, limit_out):
            break  # the rest of the queue is bounded lower still, on either side
        before = int(held[at - 1]) if at else 0
        stop = int(np.searchsorted(held, before + _CHUNK_ROWS)) + 1
        step = queue[at:stop]
        at = stop
        step = step[(seg.bound_in[step] >= limit_in) | (seg.bound_out[step] >= limit_out)]
        chosen = distances(_passing_rows(index, best, seg.take(step), (limit_in, limit_out)))
        if chosen.activity.size:
            found.append(chosen)
            scored.append(score(chosen))
            limit_in, limit_out = _thresholds(found, scored, key_of, request)
    return _joined(found, scored, count)


def _count_within(
    xyz: Columns,
    rows: IntArray,
    sites: list[SiteColumns],
    request: Search,
    distances: Callable[[IntArray], Candidates],
) -> int:
    """How many of ``rows`` are candidates (within ``radius_m`` of a site, or in reach),
    from cosines alone; only rows within a hair of the radius get their exact distance, so
    the count is the one the exact distances give."""
    if rows.size == 0:
        return 0
    hav = np.subtract(1.0, _nearest_cosine(take_columns(xyz, rows), sites))
    hav *= 0.5  # sin^2(angle / 2) of the nearest site
    limit = math.sin(request.radius_m / EARTH_RADIUS_M / 2.0) ** 2
    within = hav < limit - _HAV_BAND
    if request.in_reach is not None:
        within |= np.take(request.in_reach, rows)
    count = int(np.count_nonzero(within))
    near = np.flatnonzero((hav <= limit + _HAV_BAND) & ~within)
    if near.size:  # the exact distance decides these
        count += int(distances(rows[near]).activity.size)
    return count


def _passing_rows(
    index: CellIndex, best: CellBest, seg: Segments, limits: tuple[float, float]
) -> IntArray:
    """The rows of ``seg`` whose own bound reaches the threshold of their side."""
    rows = _segment_rows(index, seg.ids)
    per_row = seg.size
    row_bound = np.where(
        np.repeat(seg.helpless, per_row),
        np.take(best.row_helpless, rows),
        np.take(best.row_key, rows),
    )
    row_bound += np.repeat(seg.gain, per_row)
    limit_in, limit_out = limits
    if best.in_scope is None:
        return rows[row_bound >= limit_in]
    inside = np.take(best.in_scope, rows)
    return rows[np.where(inside, row_bound >= limit_in, row_bound >= limit_out)]


def _side_bound(side: SideBest, segs: IntArray, helpless: NDArray[np.bool_]) -> FloatArray:
    """The best supplier-free key of each segment on one side, as tiered for this supplier."""
    return np.asarray(np.where(helpless, side.helpless[segs], side.key[segs]), dtype=np.float64)


def _top_holding(bound: FloatArray, size: Int64Array, wanted: int) -> IntArray:
    """Positions of the highest ``bound`` values, best first, until their ``size`` adds up
    to ``wanted`` (all of them when they hold fewer), by partition rather than a full sort."""
    if bound.size == 0:
        return np.zeros(0, dtype=np.intp)
    m = 16
    while True:
        if m >= bound.size:
            top = np.argsort(-bound, kind="stable")
        else:
            top = np.argpartition(-bound, m)[:m]
            top = top[np.argsort(-bound[top], kind="stable")]
        held = np.cumsum(size[top])
        if held[-1] >= wanted or m >= bound.size:
            return np.asarray(top[: int(np.searchsorted(held, wanted)) + 1], dtype=np.intp)
        m *= 4


def window_cells(index: CellIndex, site_lon_lat: FloatArray, radius_m: float) -> IntArray:
    """Sorted, unique positions in ``index`` of the non-empty cells the sites' circles may
    touch: ``grid.window_rows`` over the cells' own keys (one per cell)."""
    return window_rows(index.key, site_lon_lat, radius_m)


def _nearest_angle(index: CellIndex, cells: IntArray, sites: list[SiteColumns]) -> FloatArray:
    """Radians from each cell's centre to the nearest site (from the cosine: good to a few
    centimetres on the ground, well inside ``SLACK_M``)."""
    hav = np.clip((1.0 - _nearest_cosine(take_columns(index.centre, cells), sites)) * 0.5, 0, 1)
    return np.asarray(2.0 * np.arcsin(np.sqrt(hav)), dtype=np.float64)


def _nearest_cosine(points: Columns, sites: list[SiteColumns]) -> FloatArray:
    """The cosine of each point with its nearest site (the largest over the sites)."""
    scratch = np.empty_like(points[0])
    best = site_cosine(points, sites[0], scratch)
    if len(sites) > 1:
        cosine = np.empty_like(best)
        for site in sites[1:]:
            np.maximum(best, site_cosine(points, site, scratch, out=cosine), out=best)
    return best


def _rows(index: CellIndex, cells: IntArray) -> IntArray:
    """The table rows of ``cells``, cell by cell."""
    if cells.size == 0:
        return np.zeros(0, dtype=np.intp)
    return np.asarray(expand_ranges(index.start[cells], index.end[cells]), dtype=np.intp)


def _segment_rows(index: CellIndex, segs: IntArray) -> IntArray:
    """The table rows of segments ``segs``."""
    if segs.size == 0:
        return np.zeros(0, dtype=np.intp)
    at = expand_ranges(index.segment_start[segs], index.segment_end[segs])
    return np.asarray(np.take(index.by_segment, at), dtype=np.intp)


def _thresholds(
    found: list[Candidates], scored: list[Scored], key_of: KeyOf, request: Search
) -> tuple[float, float]:
    """The keys a row must reach to enter the best inside and outside the delivery area, as
    far as the candidates scored so far tell (``-inf``: not yet full, every row may enter;
    ``inf`` for a side nothing is needed of)."""
    if len(scored) == 1:
        key, inside = key_of(scored[0][0], scored[0][1]), scored[0][2]
        distance = found[0].distance_m
    else:
        key = np.concatenate([key_of(score, tier) for score, tier, _ in scored])
        inside = np.concatenate([part[2] for part in scored])
        distance = np.concatenate([c.distance_m for c in found])
    if not request.need_outside:
        return _kth(key[inside], request.need_inside), np.inf
    reach = distance <= request.radius_m
    return _kth(key[inside], request.need_inside), _kth(key[~inside & reach], request.need_outside)


def _kth(key: FloatArray, k: int) -> float:
    """The ``k``-th highest of ``key``, or ``-inf`` when it has fewer."""
    if key.size < k or k <= 0:
        return -np.inf if k > 0 else np.inf
    return float(np.partition(key, key.size - k)[key.size - k])


def _joined(
    found: list[Candidates], scored: list[Scored], count: int
) -> tuple[Candidates, Scored, int]:
    """The rounds' candidates as one set in row order (the exhaustive path's order)."""
    if len(found) == 1:
        cand, parts = found[0], scored[0]
    else:
        cand = Candidates(
            np.concatenate([c.activity for c in found]),
            np.concatenate([c.distance_m for c in found]),
            np.concatenate([c.site for c in found]),
        )
        parts = (
            np.concatenate([s[0] for s in scored]),
            np.concatenate([s[1] for s in scored]),
            np.concatenate([s[2] for s in scored]),
        )
    order = np.argsort(cand.activity, kind="stable")
    return (
        Candidates(cand.activity[order], cand.distance_m[order], cand.site[order]),
        (parts[0][order], parts[1][order], parts[2][order]),
        count,
    )
