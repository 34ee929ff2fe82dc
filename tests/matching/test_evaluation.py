"""The labelled evaluation: metrics are right, the data file is reproducible, and the
recommender beats the nearest-only and random baselines."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dicm.cli import app
from matching.evaluation.builder import DATA_FILE, render
from matching.evaluation.run import evaluate, ndcg_at_k, precision_at_k
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
    assert len(data.scenarios) >= 10
    for scenario in data.scenarios:
        assert {g for g in scenario.grades.values()} >= {0, 3}
        assert all(scenario.why[i] for i in scenario.grades)
        for site in scenario.supplier.sites:
            assert -6.5 < site.location.x < 2.0 and 49.9 < site.location.y < 58.7


def test_the_recommender_beats_both_baselines() -> None:
    mean = evaluate(load_scenarios()).mean
    ours = mean["recommender"]
    for baseline in ("nearest", "random"):
        assert ours.ndcg_at_10 > mean[baseline].ndcg_at_10
        assert ours.precision_at_5 > mean[baseline].precision_at_5


def test_dicm_eval_prints_json() -> None:
    result = CliRunner().invoke(app, ["eval", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report["mean"]) == {"recommender", "nearest", "random"}
    assert "beats" in report["summary"]


def test_dicm_eval_prints_a_table() -> None:
    result = CliRunner().invoke(app, ["eval"])
    assert result.exit_code == 0, result.output
    assert "NDCG@10" in result.output and "precision@5" in result.output
