"""What the recommender returns: ranked matches, each with its features and explanation."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Contribution:
    """One feature of one match: its value 0..1, its weight, and weight x value."""

    feature: str
    value: float
    weight: float
    contribution: float


@dataclass(frozen=True, slots=True)
class Match:
    """One recommended activity for one supplier; ``score`` is the sum of contributions.

    ``values``, ``weights`` and ``parts`` hold, in ``features`` order, each feature's value
    0..1, its (normalised) weight and its contribution (weight x value) to ``score``.
    """

    rank: int
    activity_id: str
    activity_name: str
    provider_id: str
    score: float
    distance_m: float
    site_id: str
    site_name: str
    territory_code: str | None
    local_authority_code: str | None
    features: tuple[str, ...]
    values: tuple[float, ...]
    weights: tuple[float, ...]
    parts: tuple[float, ...]
    explanation: str

    @property
    def contributions(self) -> tuple[Contribution, ...]:
        """Every feature's value, weight and contribution, in ``features`` order."""
        return tuple(map(Contribution, self.features, self.values, self.weights, self.parts))

    def feature(self, name: str) -> Contribution:
        """The contribution of feature ``name`` (``KeyError`` if no such feature)."""
        i = self.features.index(name) if name in self.features else -1
        if i < 0:
            raise KeyError(name)
        return Contribution(name, self.values[i], self.weights[i], self.parts[i])


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The answer for one supplier (and tender): matches best first, or none and the reason."""

    supplier_id: str
    tender_id: str | None
    radius_m: float
    candidate_count: int
    matches: tuple[Match, ...]
    reason: str | None = None  # why ``matches`` is empty
    #: within reach of a site but outside the tender's delivery area (``matching.tiers``):
    #: shown apart, "also nearby, outside your delivery area", never ranked among ``matches``
    also_nearby: tuple[Match, ...] = ()
