"""``python -m bench keyset`` walks every page four ways at a tiny size and prints each walk
beside the bare SQL peer, the count and the export; a second run reuses the kept file (no
speed asserted)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.bench.run import run_bench


def _run(keep: Path) -> str:
    return run_bench("keyset", "--sizes", "2500", "--page", "1000", "--keep", str(keep))


def test_every_page_walked_beside_its_peer_then_the_file_reused(tmp_path: Path) -> None:
    out = _run(tmp_path)
    assert "SQLite, n=2,500 (loaded in" in out and "3 pages of 1,000 (2,500 rows)" in out
    for walk in ("store.find", "REST /activities", "OGC items"):
        row = next(line for line in out.splitlines() if line.startswith(f"| {walk} |"))
        assert len(re.findall(r"\([\d.]+x\)", row)) == 5, row  # mean p50 p95 p99 max vs peer
    assert "numberMatched: first store.count" in out
    assert re.search(r"export_layer activities -> GeoJSON: [\d.]+ s for 2,500 rows", out)
    assert "SQLite, n=2,500 (reused)" in _run(tmp_path)
