"""The fitted state written beside the store: a second worker maps it instead of fitting and
answers exactly as the worker that fitted; a change to the store means a new state."""

from __future__ import annotations

import json
import mmap
from dataclasses import replace
from pathlib import Path

import numpy as np

from domain.model import Activity, Supplier
from matching.result import Recommendation
from services import recommendations
from services.recommender_cache import RecommenderCache, fitted_recommender
from store.port import Store
from tests.builders import OXFORD, THAMES_VALLEY, make_activity, make_tender
from tests.matching.test_service import world  # noqa: F401  (the fixture)


def _mapped(array: np.ndarray) -> bool:
    """True when ``array`` is (a view of) a memory-mapped file."""
    base: object = array
    while base is not None:
        if isinstance(base, np.memmap | mmap.mmap):
            return True
        base = getattr(base, "base", None)
    return False


def _answers(store: Store, cache: RecommenderCache) -> list[Recommendation]:
    supplier = store.get(Supplier, "sup-1")
    return [
        recommendations.recommend(store, supplier, cache=cache, radius_m=50_000),
        recommendations.recommend(
            store, supplier, cache=cache, tender_id="tender-1", radius_m=5_000
        ),
    ]


def test_a_second_worker_maps_the_saved_state_and_answers_the_same(
    world: Store,  # noqa: F811
    tmp_path: Path,
) -> None:
    root = tmp_path / "state"
    alone = _answers(world, RecommenderCache())
    first = RecommenderCache(state_dir=root)
    assert _answers(world, first) == alone
    saved = [p for p in root.iterdir() if p.is_dir()]
    assert len(saved) == 1 and (saved[0] / "meta.json").exists()
    second = RecommenderCache(state_dir=root)
    assert _answers(world, second) == alone
    model = fitted_recommender(world, cache=second).model
    assert _mapped(model.table_.lon) and _mapped(model.table_.ids)  # not a copy of its own
    assert _mapped(model.table_.text_matrix.data) and _mapped(model.cell_keys_)
    tender = make_tender(territory_code=THAMES_VALLEY)
    assert model.recommend(world.get(Supplier, "sup-1"), tender=tender) == (
        fitted_recommender(world, cache=RecommenderCache()).model.recommend(
            world.get(Supplier, "sup-1"), tender=tender
        )
    )


def test_a_changed_store_is_refitted_and_saved_again(
    world: Store,  # noqa: F811
    tmp_path: Path,
) -> None:
    root = tmp_path / "state"
    cache = RecommenderCache(state_dir=root)
    before = _answers(world, cache)[0]
    assert "oxford-club" in {m.activity_id for m in before.matches}
    oxford = world.get(Activity, "oxford-club")
    world.update(replace(oxford, active=False))
    world.put(make_activity(id="oxford-new", lon_lat=OXFORD, territory_code=THAMES_VALLEY))
    later = RecommenderCache(state_dir=root)  # a worker started after the change
    after = _answers(world, later)[0]
    ids = {m.activity_id for m in after.matches}
    assert "oxford-club" not in ids and "oxford-new" in ids
    assert after == _answers(world, RecommenderCache())[0]
    assert len([p for p in root.iterdir() if p.is_dir()]) == 2


def test_a_saved_state_of_other_rows_is_refitted_not_served(
    world: Store,  # noqa: F811
    tmp_path: Path,
) -> None:
    """A store recreated (or restored from a backup) can reach a generation again with other
    rows: the state saved then is not served, it is replaced."""
    root = tmp_path / "state"
    _answers(world, RecommenderCache(state_dir=root))
    (saved,) = [p for p in root.iterdir() if p.is_dir()]
    meta = json.loads((saved / "meta.json").read_text())
    # the state as another lineage of the store left it: other rows, an activity moved away
    (saved / "meta.json").write_text(json.dumps(meta | {"digest": "other rows"}))
    np.save(saved / "lon.npy", np.full(len(np.load(saved / "lon.npy")), 10.0))
    later = _answers(world, RecommenderCache(state_dir=root))
    assert later == _answers(world, RecommenderCache())
    assert json.loads((saved / "meta.json").read_text())["digest"] == world.activity_digest()
