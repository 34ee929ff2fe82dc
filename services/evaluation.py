"""The offline evaluation use case (``dicm evaluate``): the recommender against its baselines
and ablation on the packaged labelled scenarios, with a verdict and a one-line summary."""

from __future__ import annotations

from dataclasses import dataclass

from matching.evaluation.run import BASELINES, EvalReport, evaluate
from matching.evaluation.scenarios import load_scenarios


@dataclass(frozen=True)
class EvaluationOutcome:
    """The evaluation report, whether the recommender passes, and a summary.

    It passes when it beats every baseline on the means of both measures, beats priority-only
    on NDCG@10 in every scenario, and no statement of any explanation is false.
    """

    report: EvalReport
    beats_baselines: bool
    summary: str


def run_evaluation(*, random_state: int = 0, ablation: bool = True) -> EvaluationOutcome:
    """Evaluate the recommender, baselines and ablation on the packaged labelled scenarios."""
    data = load_scenarios()
    report = evaluate(data, random_state=random_state, ablation=ablation)
    ours = report.mean["recommender"]
    losses = report.losses_to("priority-only")
    false = report.false_claims
    beats = (
        all(
            ours.ndcg_at_10 > report.mean[b].ndcg_at_10
            and ours.precision_at_5 > report.mean[b].precision_at_5
            for b in BASELINES
        )
        and not losses
        and not false
    )
    n_activities = sum(len(s.activities) for s in data.scenarios)
    n_labels = sum(len(s.grades) for s in data.scenarios)
    verdict = "beats" if beats else "does NOT beat"
    summary = (
        f"{len(data.scenarios)} scenarios, {n_activities} activities, {n_labels} expert labels; "
        f"the recommender {verdict} priority-only, nearest-only and random "
        f"(loses to priority-only in {len(losses)} scenarios); "
        f"{len(report.claims)} explanation statements checked, {len(false)} false"
    )
    return EvaluationOutcome(report, beats, summary)
