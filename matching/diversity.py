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
    """Positions (into the pool, sorted best first by tier then score) of the top ``k``."""
    size = scores.size
    k = min(k, size)
    chosen = np.empty(k, dtype=np.intp)
    if k == 0:
        return chosen
    tier = np.zeros(size, dtype=np.intp) if tier is None else tier
    similarity = similarity_matrix(provider, themes) * diversity
    relevance = (1.0 - diversity) * scores
    max_similarity = np.zeros(size, dtype=np.float64)
    remaining = np.ones(size, dtype=np.bool_)
    capped = np.zeros(size, dtype=np.bool_)
    per_provider: dict[int, int] = {}
    for i in range(k):
        pick = _pick(scores, tier, relevance - max_similarity, remaining, capped, margin)
        chosen[i] = pick
        remaining[pick] = False
        owner = int(provider[pick])
        per_provider[owner] = per_provider.get(owner, 0) + 1
        if max_per_provider is not None and per_provider[owner] >= max_per_provider:
            capped |= provider == owner
        np.maximum(max_similarity, similarity[pick], out=max_similarity)
    return chosen


def _pick(
    scores: FloatArray,
    tier: IntArray,
    value: FloatArray,
    remaining: np.ndarray,
    capped: np.ndarray,
    margin: float,
) -> int:
    """The next place: the best MMR value among the near ties of the best remaining item."""
    best_any = int(np.argmax(remaining))  # the pool is sorted: first remaining is the best
    open_ = remaining & ~capped & (tier == tier[best_any])
    if not open_.any():  # the cap gives way when no alternative of the same tier remains
        open_ = remaining & (tier == tier[best_any])
    best = int(np.argmax(open_))
    eligible = open_ & (scores >= scores[best] - margin)
    masked = np.where(eligible, value, -np.inf)
    return int(masked.argmax())
