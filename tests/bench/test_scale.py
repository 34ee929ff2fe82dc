"""``python -m bench scale`` runs end to end at tiny sizes: each size in its own process, every
figure beside its peer, the Markdown table and the fitted growth, exit 0 (no speed asserted)."""

from __future__ import annotations

import re

from bench.scale import growth, parse_sizes
from tests.bench.run import run_bench


def test_scale_prints_the_table_and_the_growth_at_tiny_sizes() -> None:
    out = run_bench("scale", "--sizes", "500,2000", "--queries", "60")
    assert "| figure | peer | n=500 | n=2,000 | growth b (a·n^b) |" in out
    for figure in ("recommender fit", "top-10 explained match p95", "first KNN", "keyset walk"):
        row = next(line for line in out.splitlines() if line.startswith("|") and figure in line)
        assert row.count(" vs ") == 2 and len(re.findall(r"\([\d.,]+x\)", row)) == 2, (
            row
        )  # peer and ratio per size
    assert "growth recommender fit" in out and "* n^" in out


def test_sizes_and_power_law() -> None:
    assert parse_sizes("10000,100k,1M") == [10_000, 100_000, 1_000_000]
    fitted = growth([1_000, 10_000, 100_000], [2.0, 20.0, 200.0])
    assert fitted is not None and abs(fitted[1] - 1.0) < 1e-9 and abs(fitted[0] - 0.002) < 1e-9
    assert growth([1_000], [1.0]) is None
