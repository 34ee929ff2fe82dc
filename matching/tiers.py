"""The hard rules a procurement officer applies before weighing anything, as explicit tiers.

A weighted score trades everything against everything; an officer does not. Before comparing
scores the recommender sorts candidates into:

- **outside the delivery area**: with a tender that has a delivery area or lots, an activity
  outside all of them cannot count towards the contract; with a tender that has only a
  territory, the territory is the delivery area. These never enter the ranked matches: the
  ones within reach of a site are returned apart, as ``also_nearby`` ("also nearby, outside
  your delivery area"), so the supplier still sees them and knows why they are not ranked.
- tier 0, **serves a priority**: inside the area (or no tender) and aligned with a Police &
  Crime Plan or tender priority (``priority`` > 0: a theme, or a text similarity above the
  calibrated threshold of ``matching.priorities``);
- tier 1, **off priority**: inside the area, nothing says it serves a priority;
- tier 2, **needs the supplier cannot meet**: the activity lists needs and the supplier's
  offers meet none of them (an activity that lists no needs is not in this tier: nothing says
  the supplier cannot help).

Every tier-0 match is ranked above every tier-1 match, and so on; within a tier the score
decides (``matching.ranking``), and diversity only reorders near ties of one tier
(``matching.diversity``). ``Recommender(hard_constraints=False)`` switches all of this off (one
tier, no area split) for the ablation in ``dicm eval``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from geo.sphere import FloatArray
from matching.features import IntArray

SERVES_PRIORITY = 0
OFF_PRIORITY = 1
CANNOT_HELP = 2  # the highest: ``pair_tiers`` takes the maximum
#: added per tier to the sort key: larger than any score (scores are in 0..1)
TIER_GAP = 10.0


def priority_tiers(priority: FloatArray) -> NDArray[np.int8]:
    """Each activity's tier before a supplier is known: it serves a priority or it does not
    (computed once per scene; ``pair_tiers`` adds the supplier's part per candidate)."""
    return np.where(priority > 0.0, SERVES_PRIORITY, OFF_PRIORITY).astype(np.int8)


def pair_tiers(activity_tier: NDArray[np.int8], cannot_help: NDArray[np.bool_]) -> IntArray:
    """The tier of each candidate from its activity's ``priority_tiers`` and whether the
    supplier can meet none of its needs: "cannot help" overrides both others, and as the
    highest tier it is their maximum (two one-byte passes, not two ``where`` over ints)."""
    helpless = cannot_help.view(np.int8) * np.int8(CANNOT_HELP)
    return np.asarray(np.maximum(activity_tier, helpless), dtype=np.intp)


def candidate_tiers(priority: FloatArray, cannot_help: NDArray[np.bool_]) -> IntArray:
    """The tier of each candidate from its priority alignment and whether the supplier can
    meet none of its needs."""
    return pair_tiers(priority_tiers(priority), cannot_help)


def sort_key(score: FloatArray, tier: IntArray) -> FloatArray:
    """A key that orders by tier first, then by score (higher is better)."""
    return np.asarray(score - TIER_GAP * tier, dtype=np.float64)
