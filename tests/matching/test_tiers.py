"""The officer's hard rules (``matching.tiers``) and diversity that only reorders near ties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from domain.model import Activity, Need
from domain.vocabulary import SupportType
from matching.diversity import DEFAULT_MARGIN
from matching.recommender import Recommender
from tests.builders import READING, make_activity, make_supplier, make_tender
from tests.matching.helpers import CONTEXT, TVP

PLAN_THEMES = {"serious_violence", "domestic_abuse"}  # the TVP plan of ``CONTEXT``
VOLUNTEERS = (Need(SupportType.VOLUNTEERING, "help", 100, "hours"),)
CASH = (Need(SupportType.CASH, "money", 5_000, "GBP"),)


def near(km_north: float, **overrides: object) -> Activity:
    lon_lat = (READING[0], READING[1] + km_north / 111.2)
    return make_activity(**{"lon_lat": lon_lat, "territory_code": TVP, **overrides})


def ranked(activities: list[Activity], **params: object) -> list[str]:
    model = Recommender(**params).fit(activities, CONTEXT)  # type: ignore[arg-type]
    return [m.activity_id for m in model.recommend(make_supplier(), k=10).matches]


def test_outside_the_delivery_area_is_kept_apart_and_said_so() -> None:
    inside = near(12.0, id="inside")
    outside = near(0.5, id="outside")  # on the doorstep, but south of the area's edge
    tender = make_tender(delivery_area=box(-1.2, READING[1] + 0.05, -0.8, 51.8))
    model = Recommender().fit([inside, outside], CONTEXT)
    answer = model.recommend(make_supplier(), tender=tender)
    assert [m.activity_id for m in answer.matches] == ["inside"]
    (apart,) = answer.also_nearby
    assert apart.activity_id == "outside"
    assert "outside the tender's delivery area (inside Thames Valley)" in apart.explanation


def test_a_tender_without_an_area_delivers_to_its_territory() -> None:
    home = near(15.0, id="home")
    over_the_border = near(1.0, id="over", territory_code="E23000030")
    tender = make_tender(delivery_area=None, lots=(), territory_code=TVP)
    answer = (
        Recommender()
        .fit([home, over_the_border], CONTEXT)
        .recommend(make_supplier(), tender=tender)
    )
    assert [m.activity_id for m in answer.matches] == ["home"]
    assert [m.activity_id for m in answer.also_nearby] == ["over"]


def test_needs_the_supplier_cannot_meet_rank_below_any_it_can() -> None:
    doorstep = near(0.2, id="doorstep", needs=CASH)  # the supplier offers volunteers only
    far = near(20.0, id="far", needs=VOLUNTEERS)
    by_distance = {"proximity": 1.0}
    assert ranked([doorstep, far], weights=by_distance) == ["far", "doorstep"]
    assert ranked([doorstep, far], weights=by_distance, hard_constraints=False) == [
        "doorstep",
        "far",
    ]


def test_an_off_priority_activity_never_jumps_an_on_priority_one() -> None:
    off = [near(0.1 * i, id=f"off{i}", themes=("road_safety",)) for i in range(5)]
    on = [
        near(15.0 + i, id=f"on{i}", provider_id=f"p{i}", themes=("serious_violence",))
        for i in range(3)
    ]
    order = ranked(off + on, diversity=1.0, margin=1.0)
    assert order[:3] == ["on0", "on1", "on2"]


def tier_of(activity: Activity) -> int:
    if activity.needs and not any(
        n.support_type == SupportType.VOLUNTEERING for n in activity.needs
    ):
        return 2
    return 0 if PLAN_THEMES & set(activity.themes) else 1


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), diversity=st.floats(0.0, 1.0))
def test_diversity_only_reorders_near_ties_of_one_tier(seed: int, diversity: float) -> None:
    rng = np.random.default_rng(seed)
    themes = [("serious_violence",), ("domestic_abuse",), ("road_safety",), ()]
    activities = [
        near(
            float(rng.uniform(0, 20)),
            id=f"a{i:02d}",
            provider_id=f"p{int(rng.integers(0, 6))}",
            themes=themes[int(rng.integers(0, 4))],
            needs=(VOLUNTEERS, CASH, ())[int(rng.integers(0, 3))],
            funding_gap_gbp=float(rng.integers(0, 40_000)),
        )
        for i in range(40)
    ]
    by_id = {a.id: a for a in activities}
    model = Recommender(diversity=diversity, max_per_provider=None).fit(activities, CONTEXT)
    matches = model.recommend(make_supplier(), k=10).matches
    tiers = [tier_of(by_id[m.activity_id]) for m in matches]
    assert tiers == sorted(tiers)
    for i, first in enumerate(matches):
        for later in matches[i + 1 :]:
            if tier_of(by_id[later.activity_id]) == tiers[i]:
                assert later.score <= first.score + DEFAULT_MARGIN + 1e-12


def test_the_default_trade_off_and_margin_zero_is_score_order() -> None:
    assert Recommender().get_params()["margin"] == DEFAULT_MARGIN == pytest.approx(0.025)
    same = [near(1.0 + 0.01 * i, id=f"s{i}", provider_id=f"p{i}") for i in range(6)]
    model = Recommender(margin=0.0, diversity=1.0, max_per_provider=None).fit(same, CONTEXT)
    scores = [m.score for m in model.recommend(make_supplier(), k=6).matches]
    assert scores == sorted(scores, reverse=True)
