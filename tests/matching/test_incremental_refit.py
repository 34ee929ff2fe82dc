"""After a change to the store the saved state is brought up to date from the change log
(``Store.activity_changes``) instead of refitted: a match reflects an activity validated,
renamed or deleted through the store, on both backends, exactly as a fit with the state's
vocabulary answers; past 5% of the rows changed it is a full fit again."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from domain.model import Activity, Need, Supplier
from domain.vocabulary import SupportType, ValidationStatus
from matching.recommender import Recommender
from matching.result import Recommendation
from matching.state import saved_vectoriser
from services import recommendations, recommender_state
from services.activity_loader import activity_loader
from services.matching_context import columns_context
from services.recommender_cache import RecommenderCache, fitted_recommender
from services.recommender_fit import DEFAULT_RADIUS_M
from services.seal import sealed
from spo.model import SpoLine, SpoState
from store.port import Store
from tests.builders import (
    THAMES_VALLEY,
    make_activity,
    make_buyer,
    make_provider,
    make_region,
    make_supplier,
    make_tender,
    make_territory,
)
from tests.matching.test_persisted_state import _mapped
from tests.store.world import make_spo

N = 100


@pytest.fixture
def town(store: Store) -> Store:
    rng = np.random.default_rng(11)
    activities = [
        make_activity(
            id=f"act-{i:03d}",
            name=f"club {i}",
            lon_lat=(float(rng.uniform(-1.2, -0.7)), float(rng.uniform(51.3, 51.6))),
            territory_code=THAMES_VALLEY,
            validation_status=(ValidationStatus.PENDING if i == 7 else ValidationStatus.VALIDATED),
        )
        for i in range(N)
    ]
    store.put_many([make_region(), make_territory(), make_provider(), *activities])
    store.put(make_supplier())
    return store


AWARDED_AT = datetime(2027, 1, 5, tzinfo=UTC)


def _answer(store: Store, cache: RecommenderCache) -> Recommendation:
    supplier = store.get(Supplier, "sup-1")
    return recommendations.recommend(store, supplier, cache=cache, k=N, radius_m=60_000)


def _states(root: Path) -> list[dict[str, Any]]:
    found = sorted(
        (p for p in root.iterdir() if p.is_dir()), key=lambda p: int(p.name.split("-")[0])
    )
    return [json.loads((p / "meta.json").read_text()) for p in found]


def _fit_with_vocabulary_of(store: Store, root: Path, state: str) -> Recommendation:
    loaded = recommender_state.load(root, state)
    assert loaded is not None
    columns = store.activity_columns(validation_status=ValidationStatus.VALIDATED.value)
    context = columns_context(store, columns.territory_codes, set(columns.ids))
    model = Recommender(radius_m=DEFAULT_RADIUS_M).fit(
        columns, context, loader=activity_loader(store), vectoriser=saved_vectoriser(*loaded)
    )
    return model.recommend(store.get(Supplier, "sup-1"), k=N, radius_m=60_000)


def test_a_validated_renamed_or_deleted_activity_shows_without_a_refit(
    town: Store, tmp_path: Path
) -> None:
    root = tmp_path / "state"
    first = _answer(town, RecommenderCache(state_dir=root))
    assert "act-007" not in {m.activity_id for m in first.matches}
    (base,) = [p.name for p in root.iterdir() if p.is_dir()]

    pending = town.get(Activity, "act-007")
    town.update(replace(pending, validation_status=ValidationStatus.VALIDATED))
    renamed = town.get(Activity, "act-010")
    town.update(
        replace(
            renamed,
            name="Riverside boxing gym",
            needs=(Need(SupportType.CASH, "a new ring", 12_345, "GBP"),),
        )
    )
    town.delete(Activity, "act-020")

    worker = RecommenderCache(state_dir=root)  # another worker, after the change
    answer = _answer(town, worker)
    by_id = {m.activity_id: m for m in answer.matches}
    assert "act-007" in by_id and "act-020" not in by_id
    assert by_id["act-010"].activity_name == "Riverside boxing gym"
    assert "£12,345" in by_id["act-010"].explanation
    newest = _states(root)[-1]
    assert newest["updated_from"] == base  # applied, not refitted
    assert newest["changed_since_fit"] == 3
    assert answer == _fit_with_vocabulary_of(town, root, base)
    third = RecommenderCache(state_dir=root)
    assert _answer(town, third) == answer  # a third worker maps it
    table = fitted_recommender(town, cache=third).model.table_
    assert _mapped(table.text_matrix.data) and _mapped(table.text_matrix.indptr)  # no copy
    assert _mapped(table.ids) and _mapped(table.need_pattern)


def test_past_five_percent_of_the_rows_changed_it_fits_afresh(town: Store, tmp_path: Path) -> None:
    root = tmp_path / "state"
    _answer(town, RecommenderCache(state_dir=root))
    for i in range(30, 36):  # 6 of 99 fitted rows: over 5%
        town.update(replace(town.get(Activity, f"act-{i:03d}"), name=f"renamed {i}"))
    answer = _answer(town, RecommenderCache(state_dir=root))
    assert "updated_from" not in _states(root)[-1]
    assert answer == _answer(town, RecommenderCache())  # a fit, vocabulary and all


def test_support_awarded_to_an_unchanged_activity_moves_its_saturation(
    town: Store, tmp_path: Path
) -> None:
    root = tmp_path / "state"
    before = {m.activity_id: m for m in _answer(town, RecommenderCache(state_dir=root)).matches}
    assert before["act-040"].feature("saturation").value == 1.0
    town.put_many([make_buyer(), make_tender(territory_code=THAMES_VALLEY)])
    line = SpoLine("l1", "act-040", SupportType.CASH, 10_000.0, "GBP", "serious_violence")
    town.put(sealed(town, make_spo(lines=(line,), state=SpoState.AWARDED), at=AWARDED_AT))
    after = {m.activity_id: m for m in _answer(town, RecommenderCache(state_dir=root)).matches}
    assert after["act-040"].feature("saturation").value == pytest.approx(0.5)
    assert _states(root)[-1]["updated_from"]  # no activity changed: applied, not refitted


def test_a_new_plan_maps_the_same_rows_again_without_a_copy(town: Store, tmp_path: Path) -> None:
    from tests.matching.test_service import PLAN

    root = tmp_path / "state"
    before = _answer(town, RecommenderCache(state_dir=root))
    assert "Police & Crime Plan priority" not in before.matches[0].explanation
    town.put_plan(replace(PLAN, territory_code=THAMES_VALLEY))
    after = _answer(town, RecommenderCache(state_dir=root))
    assert "Police & Crime Plan priority" in after.matches[0].explanation  # the plan applies
    old, new = sorted(
        (p for p in root.iterdir() if p.is_dir()), key=lambda p: int(p.name.split("-")[0])
    )
    assert (old / "lon.npy").stat().st_ino == (new / "lon.npy").stat().st_ino  # linked
    assert _states(root)[-1]["updated_from"] == old.name
