"""Offline evaluation: NDCG@10 and precision@5 against the expert's labels, for the
recommender and two baselines that see the same candidates (validated, within reach):

- ``nearest``: candidates by distance from the nearest site, nothing else;
- ``random``: candidates in a random order (mean over ``random_draws`` seeded shuffles).

NDCG uses gains ``2**grade - 1`` and the ideal ordering of ALL the scenario's labelled
activities; precision@5 counts grades 2 and 3 ("would shortlist") as relevant.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from matching.evaluation.scenarios import Scenario, ScenarioSet
from matching.recommender import Recommender
from matching.weights import FEATURES

RELEVANT_GRADE = 2
METHODS = ("recommender", "nearest", "random")


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
    """Per scenario and mean scores of each method."""

    per_scenario: dict[str, dict[str, Scores]]
    mean: dict[str, Scores]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""

        def plain(s: Scores) -> dict[str, float]:
            return {
                "ndcg_at_10": round(s.ndcg_at_10, 4),
                "precision_at_5": round(s.precision_at_5, 4),
            }

        return {
            "mean": {m: plain(s) for m, s in self.mean.items()},
            "scenarios": {
                sid: {m: plain(s) for m, s in row.items()} for sid, row in self.per_scenario.items()
            },
        }


def _ranker(model: Recommender, scenario: Scenario, k: int) -> list[str]:
    answer = model.recommend(
        scenario.supplier, tender=scenario.tender, k=k, radius_m=scenario.radius_m
    )
    return [m.activity_id for m in answer.matches]


def evaluate(
    data: ScenarioSet,
    *,
    model: Recommender | None = None,
    random_state: int = 0,
    random_draws: int = 20,
) -> EvalReport:
    """Score the recommender (default hyper-parameters unless ``model``) and the baselines."""
    rng = np.random.default_rng(random_state)
    nearest_weights = {name: float(name == "proximity") for name in FEATURES}
    per: dict[str, dict[str, Scores]] = {}
    for scenario in data.scenarios:
        ours = (model or Recommender()).fit(scenario.activities, data.context)
        near = Recommender(weights=nearest_weights, diversity=0.0, max_per_provider=None)
        near.fit(scenario.activities, data.context)
        pool = _ranker(near, scenario, 1_000)
        draws = [[pool[i] for i in rng.permutation(len(pool))] for _ in range(random_draws)]
        per[scenario.id] = {
            "recommender": _score([_ranker(ours, scenario, 10)], scenario),
            "nearest": _score([pool[:10]], scenario),
            "random": _score(draws, scenario),
        }
    mean = {
        m: Scores(
            float(np.mean([row[m].ndcg_at_10 for row in per.values()])),
            float(np.mean([row[m].precision_at_5 for row in per.values()])),
        )
        for m in METHODS
    }
    return EvalReport(per, mean)


def _score(lists: Sequence[list[str]], scenario: Scenario) -> Scores:
    return Scores(
        float(np.mean([ndcg_at_k(r, scenario.grades) for r in lists])),
        float(np.mean([precision_at_k(r, scenario.grades) for r in lists])),
    )
