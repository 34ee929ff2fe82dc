"""``python -m bench best_first`` runs end to end at a tiny size: each way beside the BallTree,
with its ratio, after checking the three ways answered alike (no speed asserted)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_best_first_prints_each_way_beside_the_balltree() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "bench", "best_first", "--sizes", "3000", "--suppliers", "20"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    assert "identical answers yes" in run.stdout
    for clock in ("wall", "CPU"):
        assert f"  {clock}: BallTree k=10 p50 " in run.stdout
    rows = re.findall(r"^ {4}(\w+) +p50 [\d.]+ ms \([\d.]+x\)  p95 [\d.]+ ms \([\d.]+x\)$",
                      run.stdout, flags=re.M)  # fmt: skip
    assert rows == ["auto", "best_first", "exhaustive"] * 2
