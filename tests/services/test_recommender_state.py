"""Where the fitted recommender's state lives, and that a write is whole or absent."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from services import recommender_state
from store.settings import StoreSettings


def test_sqlite_state_sits_beside_the_file_and_postgis_under_the_data_dir(tmp_path: Path) -> None:
    lite = StoreSettings(database_url=f"sqlite:///{tmp_path / 'dicm.sqlite'}")
    assert (
        recommender_state.state_root(lite, tmp_path / "data")
        == tmp_path / "dicm.sqlite.recommender"
    )
    pg = StoreSettings(database_url="postgresql+psycopg://dicm:secret@db:5432/dicm")
    other = StoreSettings(database_url="postgresql+psycopg://dicm:secret@db:5432/other")
    root = recommender_state.state_root(pg, tmp_path / "data")
    assert root.parent == tmp_path / "data" / "recommender"
    assert "secret" not in str(root)
    assert recommender_state.state_root(other, tmp_path / "data") != root


def test_saved_arrays_load_back_mapped_and_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    arrays = {"a": np.arange(5.0), "ids": np.array(["x", "yz"])}
    recommender_state.save(tmp_path, "7-abc", arrays, {"format": 1})
    found = recommender_state.load(tmp_path, "7-abc")
    assert found is not None
    loaded, meta = found
    assert meta == {"format": 1} and loaded["ids"].tolist() == ["x", "yz"]
    assert not loaded["a"].flags.writeable  # read-only pages, shared between workers
    unsaveable = {"objects": np.array([object()], dtype=object)}  # pickle refused
    with pytest.raises(ValueError):
        recommender_state.save(tmp_path, "8-abc", unsaveable, {})
    assert recommender_state.load(tmp_path, "8-abc") is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["7-abc"]


def test_an_update_starts_from_the_newest_earlier_state_of_the_same_key(tmp_path: Path) -> None:
    for name in ("3-key", "5-key", "9-key", "6-other"):  # as written (save keeps only two)
        recommender_state.save(tmp_path / "all", name, {"a": np.arange(3.0)}, {"name": name})
        (tmp_path / "all" / name).rename(tmp_path / name)
    (tmp_path / ".7-key-tmp").mkdir()  # a write in progress is never a base
    found = recommender_state.latest_before(tmp_path, "8-key")
    assert found is not None and found[0] == "5-key" and found[2]["name"] == "5-key"
    assert recommender_state.latest_before(tmp_path, "3-key") is None
    assert recommender_state.latest_before(tmp_path / "absent", "8-key") is None
