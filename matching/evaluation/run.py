"""Offline evaluation: NDCG@10 and precision@5 against the expert's labels, for the
recommender, three baselines that see the same candidates (validated, within reach), and an
ablation (the recommender with one part switched off at a time):

- ``priority-only``: candidates by priority alignment alone (ties to the nearest), no hard
  constraints, no re-ranking: what an officer gets sorting a list by "serves the plan";
- ``nearest``: candidates by distance from the nearest site, nothing else;
- ``random``: candidates in a random order (mean over ``random_draws`` seeded shuffles);
- ``no <feature>``: the recommender with that feature's weight 0; ``no re-ranking``: diversity
  and provider cap off; ``no hard constraints``: the tiers and delivery-area split of
  ``matching.tiers`` off.

NDCG uses gains ``2**grade - 1`` and the ideal ordering of ALL the scenario's labelled
activities; precision@5 counts grades 2 and 3 ("would shortlist") as relevant. Every statement
of every explanation the recommender gives (top 10 and ``also_nearby``) is checked against the
data (``matching.evaluation.claims``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from matching.evaluation.claims import Claim, Facts, iter_claims
from matching.evaluation.scenarios import Scenario, ScenarioSet
from matching.recommender import Recommender
from matching.result import Recommendation
from matching.weights import FEATURES

RELEVANT_GRADE = 2
K = 10
BASELINES = ("priority-only", "nearest", "random")
METHODS = ("recommender", *BASELINES)
#: name -> Recommender parameters of each ablation variant
ABLATIONS: dict[str, dict[str, Any]] = {
    **{f"no {name}": {"weights": {name: 0.0}} for name in FEATURES},
    "no re-ranking": {"diversity": 0.0, "max_per_provider": None},
    "no hard constraints": {"hard_constraints": False},
}
_PLAIN: dict[str, Any] = {"diversity": 0.0, "max_per_provider": None, "hard_constraints": False}


def ndcg_at_k(ranked: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """Normalised discounted cumulative gain of the first ``k`` ids (unlabelled = 0)."""
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    gains = np.array([2.0 ** grades.get(i, 0) - 1.0 for i in ranked[:k]])
    ideal = np.sort(np.array([2.0**g - 1.0 for g in grades.values()]))[::-1][:k]
    best = float(ideal @ discounts[: ideal.size])
    return float(gains @ discounts[: gains.size]) / best if best > 0.0 else 0.0


def precision_at_k(ranked: Sequence[str], grades: Mapping[str, int], k: int = 5) -> float:
    """Share of the first ``k`` places held by activities graded 2 or 3 (empty places miss)."""
    return sum(grades.get(i, 0) >= RELEVANT_GRADE for i in ranked[:k]) / k


@dataclass(frozen=True)
class Scores:
    ndcg_at_10: float
    precision_at_5: float


@dataclass(frozen=True)
class EvalReport:
    """Per scenario and mean scores of each method and ablation, and the checked claims."""

    per_scenario: dict[str, dict[str, Scores]]
    mean: dict[str, Scores]
    ablation: dict[str, Scores] = field(default_factory=dict)
    claims: tuple[Claim, ...] = ()

    @property
    def false_claims(self) -> list[Claim]:
        """The statements the data does not bear out."""
        return [c for c in self.claims if not c.true]

    def losses_to(self, baseline: str) -> list[str]:
        """Scenarios where the recommender's NDCG@10 is not above ``baseline``'s."""
        return [
            sid
            for sid, row in self.per_scenario.items()
            if row["recommender"].ndcg_at_10 <= row[baseline].ndcg_at_10
        ]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""

        def plain(s: Scores) -> dict[str, float]:
            return {
                "ndcg_at_10": round(s.ndcg_at_10, 4),
                "precision_at_5": round(s.precision_at_5, 4),
            }

        return {
            "mean": {m: plain(s) for m, s in self.mean.items()},
            "ablation": {m: plain(s) for m, s in self.ablation.items()},
            "claims": {
                "checked": len(self.claims),
                "false": [[c.activity_id, c.statement] for c in self.false_claims],
            },
            "scenarios": {
                sid: {m: plain(s) for m, s in row.items()} for sid, row in self.per_scenario.items()
            },
        }


def _answer(model: Recommender, scenario: Scenario, k: int) -> Recommendation:
    return model.recommend(
        scenario.supplier, tender=scenario.tender, k=k, radius_m=scenario.radius_m
    )


def _ids(answer: Recommendation) -> list[str]:
    return [m.activity_id for m in answer.matches]


def evaluate(
    data: ScenarioSet,
    *,
    model: Recommender | None = None,
    random_state: int = 0,
    random_draws: int = 20,
    ablation: bool = True,
) -> EvalReport:
    """Score the recommender (default hyper-parameters unless ``model``), the baselines and
    (unless ``ablation=False``) the ablation variants; check every explanation."""
    rng = np.random.default_rng(random_state)
    only = {name: 0.0 for name in FEATURES}
    nearest = Recommender(weights={**only, "proximity": 1.0}, **_PLAIN)
    by_priority = Recommender(weights={**only, "priority": 1.0, "proximity": 1e-6}, **_PLAIN)
    base = model or Recommender()
    variants = {
        name: Recommender(**{**base.get_params(), **params}) for name, params in ABLATIONS.items()
    }
    per: dict[str, dict[str, Scores]] = {}
    ablated: dict[str, list[Scores]] = {name: [] for name in variants} if ablation else {}
    claims: list[Claim] = []
    for scenario in data.scenarios:
        ours = _answer(base.fit(scenario.activities, data.context), scenario, K)
        facts = Facts(
            scenario.supplier,
            scenario.tender,
            data.context,
            {a.id: a for a in scenario.activities},
        )
        claims += iter_claims(facts, [*ours.matches, *ours.also_nearby])
        pool = _ids(_answer(nearest.fit(scenario.activities, data.context), scenario, 1_000))
        draws = [[pool[i] for i in rng.permutation(len(pool))] for _ in range(random_draws)]
        ranked = _answer(by_priority.fit(scenario.activities, data.context), scenario, K)
        per[scenario.id] = {
            "recommender": _score([_ids(ours)], scenario),
            "priority-only": _score([_ids(ranked)], scenario),
            "nearest": _score([pool[:K]], scenario),
            "random": _score(draws, scenario),
        }
        for name in ablated:
            variant = variants[name].fit(scenario.activities, data.context)
            ablated[name].append(_score([_ids(_answer(variant, scenario, K))], scenario))
    mean = {m: _mean([row[m] for row in per.values()]) for m in METHODS}
    return EvalReport(per, mean, {n: _mean(s) for n, s in ablated.items()}, tuple(claims))


def _mean(scores: Sequence[Scores]) -> Scores:
    return Scores(
        float(np.mean([s.ndcg_at_10 for s in scores])),
        float(np.mean([s.precision_at_5 for s in scores])),
    )


def _score(lists: Sequence[list[str]], scenario: Scenario) -> Scores:
    return Scores(
        float(np.mean([ndcg_at_k(r, scenario.grades) for r in lists])),
        float(np.mean([precision_at_k(r, scenario.grades) for r in lists])),
    )
