"""Recommendations: ranked matches with every feature's contribution and a readable reason."""

from __future__ import annotations

from pydantic import BaseModel, Field
from pydantic_core import to_json

from matching.result import Match, Recommendation


class ContributionOut(BaseModel):
    feature: str
    value: float
    weight: float
    contribution: float


class MatchOut(BaseModel):
    """One recommended activity: HOW (features) and WHERE (distance, site, ONS codes)."""

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
    contributions: list[ContributionOut]
    explanation: str

    @classmethod
    def of(cls, m: Match) -> MatchOut:
        return cls(
            rank=m.rank,
            activity_id=m.activity_id,
            activity_name=m.activity_name,
            provider_id=m.provider_id,
            score=m.score,
            distance_m=m.distance_m,
            site_id=m.site_id,
            site_name=m.site_name,
            territory_code=m.territory_code,
            local_authority_code=m.local_authority_code,
            contributions=[
                ContributionOut(
                    feature=c.feature, value=c.value, weight=c.weight, contribution=c.contribution
                )
                for c in m.contributions
            ],
            explanation=m.explanation,
        )


class RecommendationOut(BaseModel):
    """The top k for a supplier (and tender); no match comes with the reason.

    ``also_nearby`` ("also nearby, outside your delivery area"): with a tender, the best
    activities within reach of a site but outside its delivery area and lots (or its
    territory), kept apart and never ranked among ``matches``; empty without a tender.
    """

    supplier_id: str
    tender_id: str | None
    radius_m: float
    candidate_count: int
    matches: list[MatchOut]
    reason: str | None
    also_nearby: list[MatchOut] = Field(
        default_factory=list,
        description="Also nearby, outside your delivery area: within reach, not ranked",
    )

    @classmethod
    def of(cls, r: Recommendation) -> RecommendationOut:
        return cls(
            supplier_id=r.supplier_id,
            tender_id=r.tender_id,
            radius_m=r.radius_m,
            candidate_count=r.candidate_count,
            matches=[MatchOut.of(m) for m in r.matches],
            reason=r.reason,
            also_nearby=[MatchOut.of(m) for m in r.also_nearby],
        )


def recommendation_to_json(r: Recommendation) -> bytes:
    """The JSON of ``RecommendationOut.of(r)``, built from plain dicts (the hot path of the
    match endpoint: no model is built or validated; a test checks it against the model)."""
    body = {
        "supplier_id": r.supplier_id,
        "tender_id": r.tender_id,
        "radius_m": float(r.radius_m),
        "candidate_count": int(r.candidate_count),
        "matches": [_match_dict(m) for m in r.matches],
        "reason": r.reason,
        "also_nearby": [_match_dict(m) for m in r.also_nearby],
    }
    return to_json(body)


def _match_dict(m: Match) -> dict[str, object]:
    return {
        "rank": int(m.rank),
        "activity_id": m.activity_id,
        "activity_name": m.activity_name,
        "provider_id": m.provider_id,
        "score": float(m.score),
        "distance_m": float(m.distance_m),
        "site_id": m.site_id,
        "site_name": m.site_name,
        "territory_code": m.territory_code,
        "local_authority_code": m.local_authority_code,
        "contributions": [
            {"feature": f, "value": float(v), "weight": float(w), "contribution": float(c)}
            for f, v, w, c in zip(m.features, m.values, m.weights, m.parts, strict=True)
        ],
        "explanation": m.explanation,
    }
