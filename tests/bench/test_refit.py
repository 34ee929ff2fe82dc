"""``python -m bench refit`` runs end to end at a tiny size: every figure beside its full-refit
peer in the same run, the validated activity found in the match (no speed asserted)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_refit_prints_each_figure_beside_a_full_refit() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "bench", "refit", "--size", "500", "--changes", "1,10"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    rows = [line for line in run.stdout.splitlines() if line.startswith("| ") and " s |" in line]
    figures = [row.split(" | ")[0] for row in rows]
    assert figures == [
        "| one activity validated -> a match reflects it",
        "| another worker picks the updated state up",
        "| 1 rows changed: state up to date",
        "| 10 rows changed: state up to date",
    ]
    assert all(row.count(" s |") >= 2 and "x faster" in row for row in rows)
