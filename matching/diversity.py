"""Maximal marginal relevance (MMR) so a top k is not ten branches of one provider or ten of
one theme.

Items are picked one at a time by ``(1 - diversity) * score - diversity * max_similarity`` to
the items already picked, where the similarity of two activities is half "same provider" and
half the cosine of their theme vectors. On top, no provider gets more than
``max_per_provider`` places while other providers' activities remain to fill them. Ties go to
the earlier pool position (the pool is sorted best first, then by activity id).
"""

from __future__ import annotations

import numpy as np

from geo.sphere import FloatArray
from matching.features import IntArray


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
) -> IntArray:
    """Positions (into the pool, which is sorted best first) of the re-ranked top ``k``."""
    size = scores.size
    k = min(k, size)
    chosen = np.empty(k, dtype=np.intp)
    if k == 0:
        return chosen
    similarity = similarity_matrix(provider, themes) * diversity
    relevance = (1.0 - diversity) * scores
    max_similarity = np.zeros(size, dtype=np.float64)
    blocked = np.zeros(size, dtype=np.float64)  # inf: taken, or its provider used its places
    taken: list[int] = []
    per_provider: dict[int, int] = {}
    value = np.empty(size, dtype=np.float64)
    for i in range(k):
        np.subtract(relevance, max_similarity, out=value)
        value -= blocked
        pick = int(value.argmax())
        if value[pick] == -np.inf:  # the cap gives way when no alternative remains
            blocked[:] = 0.0
            blocked[taken] = np.inf
            value = relevance - max_similarity - blocked
            pick = int(value.argmax())
        chosen[i] = pick
        taken.append(pick)
        blocked[pick] = np.inf
        owner = int(provider[pick])
        per_provider[owner] = per_provider.get(owner, 0) + 1
        if max_per_provider is not None and per_provider[owner] >= max_per_provider:
            blocked[provider == owner] = np.inf
        np.maximum(max_similarity, similarity[pick], out=max_similarity)
    return chosen
