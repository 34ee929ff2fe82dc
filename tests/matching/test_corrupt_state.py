"""A saved state whose files are not what was written (a file truncated, a byte flipped, its
meta edited) is never answered from, restored or updated: the worker refits, answers exactly
as a fresh fit, says so in a warning, and saves a sound state in its place."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from domain.model import Activity
from domain.vocabulary import ValidationStatus
from services import recommender_state
from services.recommender_cache import RecommenderCache
from store.port import Store
from tests.matching.test_incremental_refit import _answer, _states, town  # noqa: F401

Corrupt = Callable[[Path, Store], None]


def _truncate(state: Path, store: Store) -> None:
    path = state / "lon.npy"
    path.write_bytes(path.read_bytes()[:-8])  # the last row's longitude gone


def _flip(state: Path, store: Store) -> None:
    path = state / "x.npy"  # the unit-sphere x the distances are measured on
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x80  # the sign of the last row's x: it moves to the other side of the globe
    path.write_bytes(bytes(data))


def _stale_meta(state: Path, store: Store) -> None:
    """The meta claims the base already holds every change the store has made since."""
    meta = json.loads((state / "meta.json").read_text())
    meta["activities_generation"] = store.generation("activities")
    (state / "meta.json").write_text(json.dumps(meta))


def _only_state(root: Path) -> Path:
    (state,) = [p for p in root.iterdir() if p.is_dir()]
    return state


@pytest.mark.parametrize("corrupt", [_truncate, _flip], ids=["truncated", "flipped"])
def test_a_corrupt_saved_state_is_refitted_not_restored(
    town: Store,  # noqa: F811
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    corrupt: Corrupt,
) -> None:
    root = tmp_path / "state"
    _answer(town, RecommenderCache(state_dir=root))
    state = _only_state(root)
    corrupt(state, town)
    with caplog.at_level("WARNING", logger="dicm.recommender"):
        answer = _answer(town, RecommenderCache(state_dir=root))  # a worker starting now
    assert answer == _answer(town, RecommenderCache())  # a fresh fit's answer
    assert f"recommender state {state} is not used" in caplog.text
    assert recommender_state.load(root, state.name) is not None  # replaced by a sound one


@pytest.mark.parametrize(
    "corrupt", [_truncate, _flip, _stale_meta], ids=["truncated", "flipped", "edited meta"]
)
def test_a_corrupt_base_is_not_updated_but_refitted(
    town: Store,  # noqa: F811
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    corrupt: Corrupt,
) -> None:
    root = tmp_path / "state"
    _answer(town, RecommenderCache(state_dir=root))
    base = _only_state(root)
    pending = town.get(Activity, "act-007")
    town.update(replace(pending, validation_status=ValidationStatus.VALIDATED))
    corrupt(base, town)
    with caplog.at_level("WARNING", logger="dicm.recommender"):
        answer = _answer(town, RecommenderCache(state_dir=root))
    assert answer == _answer(town, RecommenderCache())
    assert "act-007" in {m.activity_id for m in answer.matches}
    assert f"recommender state {base} is not used" in caplog.text
    assert "updated_from" not in _states(root)[-1]  # a full fit, not an update of the base
