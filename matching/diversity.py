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

import numpy as np

from geo.sphere import FloatArray
from matching.features import IntArray

DEFAULT_MARGIN = 0.025


def similarity_matrix(provider: IntArray, themes: FloatArray) -> FloatArray:
    """Pairwise similarity 0..1 of pool items (provider half, theme-cosine half)."""
    same_provider = (provider[:, None] == provider[None, :]).astype(np.float64)
    norms = np.sqrt(np.einsum("ij,ij->i", themes, themes))
    unit = themes / np.where(norms > 0.0, norms, 1.0)[:, None]
    return np.asarray(0.5 * same_provider + 0.5 * (unit @ unit.T), dtype=np.float64)


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
    remaining = list(range(size))
    capped: set[int] = set()
    per_provider: dict[int, int] = {}
    chosen: list[int] = []
    for _ in range(k):
        pick = _pick(score, tiers, owner, relevance, similarity, chosen, remaining, capped, margin)
        chosen.append(pick)
        remaining.remove(pick)
        per_provider[owner[pick]] = per_provider.get(owner[pick], 0) + 1
        if max_per_provider is not None and per_provider[owner[pick]] >= max_per_provider:
            capped.add(owner[pick])
    return np.array(chosen, dtype=np.intp)


def _pick(
    score: list[float],
    tiers: list[int],
    owner: list[int],
    relevance: list[float],
    similarity: list[list[float]],
    chosen: list[int],
    remaining: list[int],
    capped: set[int],
    margin: float,
) -> int:
    """The next place: the best MMR value among the near ties of the best remaining item of
    the best remaining tier (``remaining`` is in pool order: tier, then score, best first). An
    item's similarity to the picks so far is taken only for the near ties (the same value as
    a running maximum kept for every item, at a fraction of the cost)."""
    tier = tiers[remaining[0]]
    open_ = [j for j in remaining if tiers[j] == tier and owner[j] not in capped]
    if not open_:  # the cap gives way when no alternative of the same tier remains
        open_ = [j for j in remaining if tiers[j] == tier]
    floor = score[open_[0]] - margin
    pick, best = open_[0], -math.inf
    for j in open_:
        if score[j] < floor:
            continue
        value = relevance[j] - max([0.0, *(similarity[c][j] for c in chosen)])
        if value > best:  # ties go to the earlier pool position
            pick, best = j, value
    return pick
