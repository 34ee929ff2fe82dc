"""CLI commands: ``dicm eval`` — the recommender against priority-only, nearest-only and random
baselines on the labelled scenario set (``matching/evaluation/scenarios.json``), its ablation
(each feature and the re-ranking switched off in turn) and the check of every explanation."""

from __future__ import annotations

import json

import typer


def evaluate_command(
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    per_scenario: bool = typer.Option(
        False, "--per-scenario", help="Also print each scenario's scores."
    ),
    random_state: int = typer.Option(0, help="Seed of the random baseline."),
) -> None:
    """Print NDCG@10 and precision@5 for the recommender, the baselines and the ablation.

    Exits with status 1 when the recommender does not beat every baseline on both measures,
    loses to priority-only in any scenario, or any explanation statement is false.
    """
    from services.evaluation import run_evaluation

    outcome = run_evaluation(random_state=random_state)
    report = outcome.report
    if as_json:
        typer.echo(json.dumps({**report.to_dict(), "summary": outcome.summary}, indent=2))
    else:
        typer.echo(f"{'method':<22}{'NDCG@10':>9}{'precision@5':>13}")
        for method, scores in report.mean.items():
            typer.echo(f"{method:<22}{scores.ndcg_at_10:>9.3f}{scores.precision_at_5:>13.3f}")
        if report.ablation:
            typer.echo("ablation (the recommender with one part off)")
            for variant, scores in report.ablation.items():
                typer.echo(
                    f"  {variant:<20}{scores.ndcg_at_10:>9.3f}{scores.precision_at_5:>13.3f}"
                )
        for claim in report.false_claims:
            typer.echo(f"FALSE  {claim.activity_id}: {claim.statement}")
        if per_scenario:
            for sid, row in report.per_scenario.items():
                cells = "  ".join(
                    f"{m} {s.ndcg_at_10:.3f}/{s.precision_at_5:.3f}" for m, s in row.items()
                )
                typer.echo(f"  {sid:<24}{cells}")
        typer.echo(outcome.summary)
    if not outcome.beats_baselines:
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.command("eval")(evaluate_command)
