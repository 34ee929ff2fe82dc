"""``python -m bench refit`` runs end to end at a tiny size: every figure beside its full-refit
peer in the same run, the validated activity found in the match (no speed asserted)."""

from __future__ import annotations

from tests.bench.run import run_bench


def test_refit_prints_each_figure_beside_a_full_refit() -> None:
    out = run_bench("refit", "--size", "500", "--changes", "1,10")
    rows = [line for line in out.splitlines() if line.startswith("| ") and " s |" in line]
    figures = [row.split(" | ")[0] for row in rows]
    assert figures == [
        "| one activity validated -> a match reflects it",
        "| another worker picks the updated state up",
        "| 1 rows changed: state up to date",
        "| 10 rows changed: state up to date",
    ]
    assert all(row.count(" s |") >= 2 and "x faster" in row for row in rows)
