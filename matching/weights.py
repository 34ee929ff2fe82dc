"""The score's features, their default weights, and validation of per-request overrides.

Every feature is scaled 0..1 with 1 the better match, so a score is a weighted mean in 0..1
and each feature's contribution (weight x value) adds up to it. Why these defaults:

- ``proximity`` 0.20 and ``offer_fit`` 0.20: whether the supplier can actually reach the
  activity and give what it needs decides whether support ever lands (the DICM's HOW & WHERE).
- ``priority`` 0.20: alignment with the Police & Crime Plan and the tender's priorities is what
  makes the support strategic, and what the buyer scores.
- ``area_fit`` 0.10: inside the contract's delivery area or lot (only varies with a tender).
- ``local_need`` 0.10: deprivation / coverage gap of the activity's area (e.g. IMD 2019).
- ``sustainability`` 0.08: a funding gap or risk of closing makes support count more.
- ``evidence`` 0.02: stronger evidence of dual impact. The validator has already said "Target!",
  and an officer's rubric grades priority, offer-need fit, proximity, sustainability and need,
  not the strength of the evidence file, so this only breaks near-ties (at 0.07 it outranked
  better-fitting activities: ``dicm eval``'s ablation gained 0.03 NDCG@10 without it).
- ``saturation`` 0.05: 1 when nothing is committed yet, falling as committed support covers the
  activity's need (diminishing returns); small, so it breaks near-ties toward the under-served.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from domain.errors import InvalidInput

FEATURES: tuple[str, ...] = (
    "proximity",
    "area_fit",
    "priority",
    "offer_fit",
    "local_need",
    "sustainability",
    "saturation",
    "evidence",
)

DEFAULT_WEIGHTS: Mapping[str, float] = {
    "proximity": 0.20,
    "area_fit": 0.10,
    "priority": 0.20,
    "offer_fit": 0.20,
    "local_need": 0.10,
    "sustainability": 0.08,
    "saturation": 0.05,
    "evidence": 0.02,
}


def resolve_weights(*overrides: Mapping[str, float] | None) -> NDArray[np.float64]:
    """Defaults, then each mapping of overrides on top, as an array in ``FEATURES`` order that
    sums to 1. ``InvalidInput`` for an unknown feature, a negative or non-finite weight, or
    weights that are all zero."""
    merged = dict(DEFAULT_WEIGHTS)
    for mapping in overrides:
        for name, value in (mapping or {}).items():
            if name not in DEFAULT_WEIGHTS:
                known = ", ".join(FEATURES)
                raise InvalidInput(f"unknown weight {name!r}; known features: {known}")
            merged[name] = _check_weight(name, value)
    vector = np.array([merged[name] for name in FEATURES], dtype=np.float64)
    total = float(vector.sum())
    if total <= 0.0:
        raise InvalidInput("weights are all zero: at least one feature must count")
    return vector / total


def _check_weight(name: str, value: object) -> float:
    try:
        weight = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"weight {name!r} must be a number, got {value!r}") from exc
    if not math.isfinite(weight) or weight < 0.0:
        raise InvalidInput(f"weight {name!r} must be a finite number >= 0, got {value!r}")
    return weight
