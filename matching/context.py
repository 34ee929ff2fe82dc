"""What the recommender needs besides activities: plans, need indicators, commitments, names."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from domain.errors import InvalidInput
from domain.model import PolicePlan


@dataclass(frozen=True)
class MatchingContext:
    """Plain data the caller (a service, the evaluation, a benchmark) gathers for ``fit``.

    - ``plans``: territory code -> its current Police & Crime Plan.
    - ``need_by_area``: ONS code (local authority or territory) -> need indicator 0..1, e.g.
      the IMD 2019 rank of the local authority rescaled so 1 is the most deprived.
    - ``committed_by_activity``: activity id -> support already committed to it, in GBP
      equivalent (the SPO package values hours and goods in pounds).
    - ``area_names``: ONS code -> name, so explanations say "Thames Valley", not "E23000029".
    - ``as_of``: the day validation expiry is judged on (None = today).
    """

    plans: Mapping[str, PolicePlan] = field(default_factory=dict)
    need_by_area: Mapping[str, float] = field(default_factory=dict)
    committed_by_activity: Mapping[str, float] = field(default_factory=dict)
    area_names: Mapping[str, str] = field(default_factory=dict)
    as_of: date | None = None

    def __post_init__(self) -> None:
        for code, value in self.need_by_area.items():
            if not (math.isfinite(value) and 0.0 <= value <= 1.0):
                raise InvalidInput(f"need indicator for {code!r} must be in 0..1, got {value}")
        for activity_id, amount in self.committed_by_activity.items():
            if not (math.isfinite(amount) and amount >= 0.0):
                raise InvalidInput(
                    f"committed support for {activity_id!r} must be >= 0, got {amount}"
                )

    def name_of(self, code: str | None) -> str | None:
        """The human name of an area code (the code itself when no name is known)."""
        if code is None:
            return None
        return self.area_names.get(code, code)
