"""Maximal marginal relevance (MMR) so a top k is not ten branches of one provider or ten of
one theme, without ever lifting a worse activity above a better one.

Each place goes to the best remaining item unless another one is a near tie: an item is
*eligible* only when it is in the same tier as the best remaining one (``matching.tiers``: so
an off-priority activity, or one whose needs the supplier cannot meet, is never lifted above
one that is better on those hard rules) and its score is within ``margin`` of the best's.
Among the eligible, the pick maximises ``(1 - diversity) * score - diversity *
max_similarity`` to the items already picked, where the similarity of two activities is half
"same provider" and half the cosine of their theme vectors. So diversity only reorders near
ties: ``margin`` is the trade-off (0 = pure score order, however high ``diversity``), default
``DEFAULT_MARGIN``, one fortieth of the score range.

On top, no provider gets more than ``max_per_provider`` places while another provider's item
of the same tier remains (an officer shortlists at most two branches of one provider, but never
prefers an activity the supplier cannot help). Ties go to the earlier pool position (the pool
is sorted best first, then by activity id).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from geo.sphere import FloatArray
from matching.features import IntArray

DEFAULT_MARGIN = 0.025


def similarity_matrix(provider: IntArray, themes: FloatArray) -> FloatArray:
    """Pairwise similarity 0..1 of pool items (provider half, theme-cosine half); ``provider``
    ``(..., pool)``, ``themes`` ``(..., pool, themes)`` 0/1 (one pool, or a stack of them).

    The cosine is the count of shared themes over the product of the square roots of each
    item's count: exact integers until one division, so a stack of pools gives every pool the
    values it gets alone (a matrix product of unit vectors would not, to the last bit)."""
    same_provider = (provider[..., :, None] == provider[..., None, :]).astype(np.float64)
    shared = themes @ np.swapaxes(themes, -1, -2)  # whole numbers: exact in any order
    norms = np.sqrt(themes.sum(axis=-1))
    denominator = norms[..., :, None] * norms[..., None, :]
    cosine = shared / np.where(denominator > 0.0, denominator, 1.0)
    return np.asarray(0.5 * same_provider + 0.5 * cosine, dtype=np.float64)


def mmr_order(
    scores: FloatArray,
    provider: IntArray,
    themes: FloatArray,
    *,
    k: int,
    diversity: float,
    max_per_provider: int | None,
    margin: float = DEFAULT_MARGIN,
    tier: IntArray | None = None,
) -> IntArray:
    """Positions (into the pool, sorted best first by tier then score) of the top ``k``.

    Plain Python over the pool (tens of items): cheaper than numpy calls on arrays that small.
    """
    size = scores.size
    k = min(k, size)
    if k == 0:
        return np.empty(0, dtype=np.intp)
    score = scores.tolist()
    tiers = [0] * size if tier is None else tier.tolist()
    owner = provider.tolist()
    similarity = (similarity_matrix(provider, themes) * diversity).tolist()
    relevance = [(1.0 - diversity) * v for v in score]
    max_similarity = [0.0] * size
    remaining = list(range(size))
    capped: set[int] = set()
    per_provider: dict[int, int] = {}
    chosen: list[int] = []
    for _ in range(k):
        pick = _pick(score, tiers, owner, relevance, max_similarity, remaining, capped, margin)
        chosen.append(pick)
        remaining.remove(pick)
        per_provider[owner[pick]] = per_provider.get(owner[pick], 0) + 1
        if max_per_provider is not None and per_provider[owner[pick]] >= max_per_provider:
            capped.add(owner[pick])
        row = similarity[pick]
        max_similarity = [max(a, b) for a, b in zip(max_similarity, row, strict=True)]
    return np.array(chosen, dtype=np.intp)


def _pick(
    score: list[float],
    tiers: list[int],
    owner: list[int],
    relevance: list[float],
    max_similarity: list[float],
    remaining: list[int],
    capped: set[int],
    margin: float,
) -> int:
    """The next place: the best MMR value among the near ties of the best remaining item of
    the best remaining tier (``remaining`` is in pool order: tier, then score, best first)."""
    tier = tiers[remaining[0]]
    open_ = [j for j in remaining if tiers[j] == tier and owner[j] not in capped]
    if not open_:  # the cap gives way when no alternative of the same tier remains
        open_ = [j for j in remaining if tiers[j] == tier]
    floor = score[open_[0]] - margin
    pick, best = open_[0], -math.inf
    for j in open_:
        if score[j] < floor:
            continue
        value = relevance[j] - max_similarity[j]
        if value > best:  # ties go to the earlier pool position
            pick, best = j, value
    return pick


def mmr_order_batch(
    pools: Sequence[tuple[FloatArray, IntArray, FloatArray, IntArray]],
    *,
    k: int,
    diversity: float,
    max_per_provider: int | None,
    margin: float = DEFAULT_MARGIN,
) -> list[IntArray]:
    """``mmr_order`` for many pools at once, each ``(scores, provider, themes, tier)``: the
    same rule as array operations over (pools, positions), one step per place, so a pool's
    picks are the ones ``mmr_order`` gives it (the batch path's re-ranking)."""
    n = len(pools)
    sizes = np.array([p[0].size for p in pools], dtype=np.intp)
    width = int(sizes.max()) if n else 0
    if width == 0:
        return [np.empty(0, dtype=np.intp) for _ in pools]
    score = np.zeros((n, width))
    owner = np.tile(-1 - np.arange(width, dtype=np.intp), (n, 1))  # padding: owned by nobody
    themes = np.zeros((n, width, pools[0][2].shape[1]))
    tiers = np.zeros((n, width), dtype=np.intp)
    for i, (s, o, t, r) in enumerate(pools):
        score[i, : s.size], owner[i, : s.size], themes[i, : s.size], tiers[i, : s.size] = s, o, t, r
    similarity = similarity_matrix(owner, themes) * diversity
    same_owner = owner[:, :, None] == owner[:, None, :]
    relevance = (1.0 - diversity) * score
    remaining = np.arange(width)[None, :] < sizes[:, None]
    taken = np.zeros((n, width), dtype=np.intp)  # places already given to each item's owner
    max_similarity = np.zeros((n, width))
    places = np.minimum(sizes, k)
    chosen = np.zeros((n, int(places.max())), dtype=np.intp)
    rows = np.arange(n)
    for step in range(chosen.shape[1]):
        live = rows[places > step]
        left = remaining[live]
        tier = tiers[live]
        same_tier = left & (tier == tier[np.arange(live.size), left.argmax(axis=1)][:, None])
        open_ = same_tier
        if max_per_provider is not None:
            open_ = same_tier & (taken[live] < max_per_provider)
            stuck = ~open_.any(axis=1)  # the cap gives way when no alternative remains
            open_[stuck] = same_tier[stuck]
        first = open_.argmax(axis=1)
        floor = score[live, first] - margin
        eligible = open_ & (score[live] >= floor[:, None])
        value = np.where(eligible, relevance[live] - max_similarity[live], -np.inf)
        pick = value.argmax(axis=1)  # the first of equal values: the earlier pool position
        chosen[live, step] = pick
        remaining[live, pick] = False
        taken[live] += same_owner[live, pick]
        max_similarity[live] = np.maximum(max_similarity[live], similarity[live, pick])
    return [chosen[i, : places[i]].copy() for i in range(n)]
