"""Run ``python -m bench NAME ARGS`` as a user would, from the project root, in its own process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_bench(*args: str) -> str:
    """The benchmark's standard output; it must exit 0 (its error output is the failure)."""
    run = subprocess.run(
        [sys.executable, "-m", "bench", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout
