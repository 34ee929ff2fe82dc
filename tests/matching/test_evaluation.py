"""The labelled evaluation: metrics are right, the data file is reproducible, and the
recommender beats the nearest-only and random baselines."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dicm.cli import app
from matching.evaluation.builder import DATA_FILE, render
from matching.evaluation.run import EvalReport, evaluate, ndcg_at_k, precision_at_k
from matching.evaluation.scenarios import load_scenarios


def test_ndcg_is_1_for_the_ideal_order_and_less_otherwise() -> None:
    grades = {"a": 3, "b": 2, "c": 0, "d": 1}
    assert ndcg_at_k(["a", "b", "d", "c"], grades) == pytest.approx(1.0)
    assert ndcg_at_k(["c", "d", "b", "a"], grades) < 1.0
    assert ndcg_at_k([], grades) == 0.0
    assert ndcg_at_k(["a"], {"a": 0}) == 0.0


def test_precision_counts_grades_2_and_3_and_empty_places_miss() -> None:
    grades = {"a": 3, "b": 2, "c": 1}
    assert precision_at_k(["a", "b", "c", "x", "y"], grades) == pytest.approx(0.4)
    assert precision_at_k(["a"], grades) == pytest.approx(0.2)


def test_the_scenario_file_is_what_the_builder_makes() -> None:
    """If this fails after editing the spec (or a NumPy upgrade changed its random streams),
    regenerate with ``python -m matching.evaluation.builder`` and review the label changes."""
    assert DATA_FILE.read_text(encoding="utf-8") == render()


def test_scenarios_are_real_places_with_reasons() -> None:
    data = load_scenarios()
    assert len(data.scenarios) >= 24
    nations = {(a.territory_code or "?")[0] for s in data.scenarios for a in s.activities}
    assert nations == {"E", "W", "S", "N"}  # England, Wales, Scotland, Northern Ireland
    for scenario in data.scenarios:
        assert {g for g in scenario.grades.values()} >= {0, 3}
        assert all(scenario.why[i] for i in scenario.grades)
        for site in scenario.supplier.sites:
            assert -8.2 < site.location.x < 2.0 and 49.9 < site.location.y < 60.9


@pytest.fixture(scope="module")
def report() -> EvalReport:
    return evaluate(load_scenarios())


def test_the_recommender_beats_every_baseline(report: EvalReport) -> None:
    mean = report.mean
    ours = mean["recommender"]
    for baseline in ("priority-only", "nearest", "random"):
        assert ours.ndcg_at_10 > mean[baseline].ndcg_at_10
        assert ours.precision_at_5 > mean[baseline].precision_at_5


def test_the_recommender_beats_priority_only_in_every_scenario(report: EvalReport) -> None:
    assert report.losses_to("priority-only") == []


def test_no_explanation_statement_is_false(report: EvalReport) -> None:
    """Every statement (distance, site, area, lot, priority, needs, finances) of every match
    and every "also nearby" entry, on every scenario, checked against the data."""
    assert len(report.claims) > 1_000
    assert report.false_claims == []


def test_the_ablation_switches_each_part_off(report: EvalReport) -> None:
    assert set(report.ablation) >= {"no proximity", "no re-ranking", "no hard constraints"}
    ours = report.mean["recommender"].ndcg_at_10
    assert report.ablation["no hard constraints"].ndcg_at_10 < ours
    assert report.ablation["no re-ranking"].ndcg_at_10 < ours


def test_dicm_eval_prints_json() -> None:
    result = CliRunner().invoke(app, ["eval", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report["mean"]) == {"recommender", "priority-only", "nearest", "random"}
    assert "beats" in report["summary"] and "NOT" not in report["summary"]
    assert "no re-ranking" in report["ablation"] and report["claims"]["false"] == []


def test_dicm_eval_prints_a_table() -> None:
    result = CliRunner().invoke(app, ["eval"])
    assert result.exit_code == 0, result.output
    assert "NDCG@10" in result.output and "precision@5" in result.output
