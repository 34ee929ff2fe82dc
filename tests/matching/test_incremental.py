"""The incremental update's contract: a state with a change set applied answers exactly as a
fit on the current activities with the state's vocabulary, row by row and answer by answer,
whatever the change (renamed, moved, new needs, no longer validated, expired, deleted, new,
a new provider, territory or need), and its explanations are of the current activities."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np
import pytest
from shapely.geometry import Point

from domain.columns import ActivityChanges, from_activities
from domain.model import Activity, Evidence, Need, Offer, Site, Supplier
from domain.vocabulary import SupportType, ValidationStatus
from matching.context import MatchingContext
from matching.incremental import needs_full_fit, update_state
from matching.recommender import Recommender
from matching.state import fitted_arrays, restore, saved_vectoriser
from tests.builders import make_activity, make_supplier, make_tender
from tests.matching.helpers import TVP, TVP_PLAN, scattered_sites

DAY = date(2026, 12, 2)
OTHER = "E23000031"  # a second territory without a plan
NEEDS = (
    Need(SupportType.VOLUNTEERING, "coaches", 200, "hours"),
    Need(SupportType.CASH, "a new roof for the gym", 30_000, "GBP"),
    Need(SupportType.SKILLS, "survey the building", sector="construction"),
    Need(SupportType.SKILLS, "accounts", sector="finance"),
    Need(SupportType.IN_KIND, "laptops for the homework club", 12, "items"),
)
WORDS = ("boxing", "knife crime", "mentoring", "domestic abuse refuge", "football", "allotment")
THEMES = (("serious_violence",), ("domestic_abuse", "youth_diversion"), ())


def _activity(rng: np.random.Generator, i: int, **overrides: Any) -> Activity:
    word = WORDS[int(rng.integers(len(WORDS)))]
    picked = rng.choice(len(NEEDS), size=int(rng.integers(0, 3)), replace=False)
    fields: dict[str, Any] = dict(
        id=f"a{i:04d}",
        provider_id=f"p{int(rng.integers(40))}",
        lon_lat=(float(rng.uniform(-1.6, -0.4)), float(rng.uniform(51.2, 52.1))),
        name=f"{word} club {i}",
        description=f"{word} sessions for young people in the evenings",
        themes=THEMES[int(rng.integers(len(THEMES)))],
        needs=tuple(NEEDS[int(j)] for j in picked),
        territory_code=(TVP, OTHER, None)[int(rng.integers(3))],
        local_authority_code=("E06000038", "E07000178", None)[int(rng.integers(3))],
        funding_gap_gbp=float(rng.choice([0.0, 5_000.0, 60_000.0])),
        at_risk=bool(rng.integers(2)),
        evidence=(Evidence("report", strength=int(rng.integers(1, 6))),) if rng.integers(2) else (),
    )
    return make_activity(**(fields | overrides))


def _changed(rng: np.random.Generator, activity: Activity) -> Activity:
    """One of the edits an officer or an import makes."""
    edit = int(rng.integers(7))
    if edit == 0:
        return replace(activity, name=f"renamed {activity.name}", description="cricket nets")
    if edit == 1:
        return replace(activity, location=Point(rng.uniform(-1.6, -0.4), rng.uniform(51.2, 52.1)))
    if edit == 2:
        return replace(
            activity, needs=(NEEDS[3], Need(SupportType.SKILLS, "wiring", sector="electrical"))
        )
    if edit == 3:
        return replace(activity, validation_status=ValidationStatus.PENDING)
    if edit == 4:
        return replace(activity, validated_until=date(2026, 1, 1))  # expired on DAY
    if edit == 5:
        return replace(activity, provider_id="p-new", territory_code="E23000099", themes=())
    return replace(activity, active=False)


def _world(seed: int) -> tuple[list[Activity], list[Activity], list[str]]:
    """Activities before, the changed and new ones after, the ids deleted."""
    rng = np.random.default_rng(seed)
    before = [_activity(rng, i) for i in range(300)]
    before[5] = replace(before[5], validation_status=ValidationStatus.PENDING)
    touched = rng.choice(300, size=40, replace=False).tolist()
    deleted = [before[i].id for i in touched[:8]]
    changed = [_changed(rng, before[i]) for i in touched[8:]]
    changed.append(replace(before[5], validation_status=ValidationStatus.VALIDATED))
    changed += [_activity(rng, 1000 + i) for i in range(12)]  # new rows, some in busy cells
    changed.append(
        _activity(rng, 2000, id="a0150x", lon_lat=(before[150].location.x, before[150].location.y))
    )
    return before, changed, deleted


def _context(committed: dict[str, float]) -> MatchingContext:
    return MatchingContext(
        plans={TVP: TVP_PLAN},
        need_by_area={"E06000038": 0.7, OTHER: 0.4, "E23000099": 0.9},
        committed_by_activity=committed,
        area_names={TVP: "Thames Valley"},
        as_of=DAY,
    )


def _suppliers(seed: int) -> list[Supplier]:
    rng = np.random.default_rng(seed)
    offers = (
        (Offer(SupportType.VOLUNTEERING, 500, "hours"),),
        (
            Offer(SupportType.SKILLS, 10, "days", sector="electrical"),
            Offer(SupportType.CASH, 5e4, "GBP"),
        ),
        (Offer(SupportType.SKILLS, 10, "days"), Offer(SupportType.IN_KIND, 20, "items")),
    )
    return [
        make_supplier(
            id=f"sup-{i}",
            sites=scattered_sites(rng, i),
            offers=offers[i % 3],
            sectors=("construction", "finance")[: i % 3],
        )
        for i in range(12)
    ]


def _rows(model: Recommender) -> dict[str, tuple[object, ...]]:
    """Every fitted row's values by id, in the terms of the data (codes decoded)."""
    t = model.table_
    text = t.text_matrix.tocsr()
    out: dict[str, tuple[object, ...]] = {}
    for r, id_ in enumerate(t.ids.tolist()):
        lo, hi = text.indptr[r], text.indptr[r + 1]
        needs = {t.need_keys[c] for c in np.flatnonzero(t.need_patterns[t.need_pattern[r]])}
        out[id_] = (
            float(t.lon[r]),
            float(t.lat[r]),
            str(t.providers[t.provider_code[r]]),
            t.territory_code(r),
            t.local_authority_code(r),
            tuple(t.theme_matrix[r].tolist()),
            frozenset(needs),
            float(t.need_count[t.need_pattern[r]]),
            float(t.local_need[r]),
            float(t.sustainability[r]),
            float(t.saturation[r]),
            float(t.evidence[r]),
            dict(zip(text.indices[lo:hi].tolist(), text.data[lo:hi].tolist(), strict=True)),
            float(model.plan_.value[r]),
        )
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("support_moved", [False, True])
def test_an_updated_state_answers_as_a_fit_on_the_current_rows(
    seed: int, support_moved: bool
) -> None:
    before, changed, deleted = _world(seed)
    committed = {before[10].id: 20_000.0, before[20].id: 5_000.0}
    base = Recommender().fit(before, _context(committed))
    arrays, meta = fitted_arrays(base)
    now = dict(committed)
    if support_moved:  # an award lands on a row that did not change, another is withdrawn
        now = {before[10].id: 50_000.0, before[30].id: 1_000.0}
    current = {a.id: a for a in before if a.id not in set(deleted)}
    current |= {a.id: a for a in changed}
    changes = ActivityChanges(from_activities(changed), tuple(deleted), 0)

    updated, updated_meta = update_state(
        arrays, meta, changes, _context(now), all_committed=support_moved
    )
    context = _context(now)
    model = restore(
        Recommender(), updated, updated_meta, context, lambda ids: [current[i] for i in ids]
    )
    fresh = Recommender().fit(
        list(current.values()), context, vectoriser=saved_vectoriser(arrays, meta)
    )

    assert model.table_.ids.tolist() == fresh.table_.ids.tolist()  # same rows, same order
    assert np.array_equal(model.cell_keys_, fresh.cell_keys_)
    assert np.array_equal(model.table_.id_rank, fresh.table_.id_rank)
    assert _rows(model) == _rows(fresh)
    tender = make_tender(territory_code=TVP, priorities=("serious_violence", "domestic_abuse"))
    suppliers = _suppliers(seed)
    assert model.recommend_batch(suppliers, k=8) == fresh.recommend_batch(suppliers, k=8)
    assert model.recommend_batch(
        suppliers, k=8, tender=tender, radius_m=8_000.0
    ) == fresh.recommend_batch(suppliers, k=8, tender=tender, radius_m=8_000.0)


def test_a_changed_activity_shows_as_it_is_now() -> None:
    before, _, _ = _world(4)
    first = next(a for a in before if a.validation_status == ValidationStatus.VALIDATED)
    base = Recommender().fit(before, _context({}))
    arrays, meta = fitted_arrays(base)
    moved = replace(
        first,
        name="Riverside boxing gym",
        location=Point(-0.90, 51.45),
        needs=(Need(SupportType.CASH, "a new ring", 12_345, "GBP"),),
    )
    current = {a.id: a for a in before} | {moved.id: moved}
    changes = ActivityChanges(from_activities([moved]), (), 0)
    updated, updated_meta = update_state(arrays, meta, changes, _context({}), all_committed=False)
    model = restore(
        Recommender(), updated, updated_meta, _context({}), lambda ids: [current[i] for i in ids]
    )
    supplier = make_supplier(
        sites=(Site("s", "next door", Point(-0.9001, 51.4501)),),
        offers=(Offer(SupportType.CASH, 50_000, "GBP"),),
    )
    answer = model.recommend(supplier, k=50, radius_m=3_000)
    match = next(m for m in answer.matches if m.activity_id == moved.id)
    assert match.activity_name == "Riverside boxing gym"
    assert match.distance_m < 50
    assert "£12,345" in match.explanation  # its need now, not the one fitted


def test_an_empty_change_set_changes_no_answer_and_deleting_everything_leaves_none() -> None:
    before, _, _ = _world(5)
    base = Recommender().fit(before, _context({}))
    arrays, meta = fitted_arrays(base)
    same, _ = update_state(
        arrays, meta, ActivityChanges(from_activities([]), (), 0), _context({}), all_committed=False
    )
    assert all(np.array_equal(np.asarray(same[k]), np.asarray(arrays[k])) for k in arrays)
    gone = tuple(a.id for a in before)
    empty, empty_meta = update_state(
        arrays,
        meta,
        ActivityChanges(from_activities([]), gone, 0),
        _context({}),
        all_committed=False,
    )
    model = restore(Recommender(), empty, empty_meta, _context({}), lambda ids: [])
    assert len(model.table_) == 0 and model.recommend(make_supplier()).matches == ()


def test_a_full_fit_is_due_past_five_percent_of_the_rows() -> None:
    assert not needs_full_fit(1_000_000, 0, 1)
    assert not needs_full_fit(1_000_000, 40_000, 10_000)
    assert needs_full_fit(1_000_000, 40_000, 10_001)
    assert needs_full_fit(0, 0, 1)
