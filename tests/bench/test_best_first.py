"""``python -m bench best_first`` runs end to end at a tiny size: each way beside the BallTree,
with its ratio, after checking the three ways answered alike (no speed asserted)."""

from __future__ import annotations

import re

from tests.bench.run import run_bench


def test_best_first_prints_each_way_beside_the_balltree() -> None:
    out = run_bench("best_first", "--sizes", "3000", "--suppliers", "20")
    assert "identical answers yes" in out
    for clock in ("wall", "CPU"):
        assert f"  {clock}: BallTree k=10 p50 " in out
    rows = re.findall(r"^ {4}(\w+) +p50 [\d.]+ ms \([\d.]+x\)  p95 [\d.]+ ms \([\d.]+x\)$",
                      out, flags=re.M)  # fmt: skip
    assert rows == ["auto", "best_first", "exhaustive"] * 2
