"""The recommender as a supplier meets it: the right candidates, explained, diverse, safe."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box
from sklearn.base import clone

from domain.errors import InvalidInput
from domain.model import Activity, Lot, Need, Site
from domain.vocabulary import SupportType, ValidationStatus
from geo.sphere import EARTH_RADIUS_M
from matching.recommender import Recommender
from store.port import EARTH_RADIUS_M as STORE_EARTH_RADIUS_M
from tests.builders import OXFORD, READING, make_activity, make_supplier, make_tender
from tests.matching.helpers import CONTEXT, TVP, haversine_m, scattered_sites


def scattered_activities(seed: int, n: int = 400) -> list[Activity]:
    rng = np.random.default_rng(seed)
    lon = rng.uniform(-1.6, -0.4, n)
    lat = rng.uniform(51.2, 52.1, n)
    return [
        make_activity(id=f"a{i:04d}", provider_id=f"p{i % 37}", lon_lat=(lon[i], lat[i]))
        for i in range(n)
    ]


def test_the_same_sphere_as_the_store() -> None:
    assert EARTH_RADIUS_M == STORE_EARTH_RADIUS_M


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    radius_m=st.floats(min_value=500.0, max_value=60_000.0),
    site_lon=st.floats(min_value=-1.7, max_value=-0.3),
    site_lat=st.floats(min_value=51.1, max_value=52.2),
)
def test_candidates_equal_a_brute_force_great_circle_filter(
    seed: int, radius_m: float, site_lon: float, site_lat: float
) -> None:
    activities = scattered_activities(seed)
    sites = (
        Site("s1", "depot", Point(site_lon, site_lat)),
        Site("s2", "Oxford office", Point(*OXFORD)),
    )
    supplier = make_supplier(sites=sites)
    model = Recommender().fit(activities, CONTEXT)
    answer = model.recommend(supplier, k=1_000, radius_m=radius_m)
    expected = {
        a.id: min(
            haversine_m(s.location.x, s.location.y, a.location.x, a.location.y) for s in sites
        )
        for a in activities
    }
    expected = {i: d for i, d in expected.items() if d <= radius_m}
    got = {m.activity_id: m.distance_m for m in answer.matches}
    assert answer.candidate_count == len(expected)
    assert min(1_000, len(expected)) == len(got)
    for activity_id, distance_m in got.items():
        assert distance_m == pytest.approx(expected[activity_id], abs=1e-3)


def test_only_validated_in_date_active_activities_are_recommended() -> None:
    today = date(2026, 11, 24)
    activities = [
        make_activity(id="ok"),
        make_activity(id="pending", validation_status=ValidationStatus.PENDING),
        make_activity(id="lapsed", validated_until=today - timedelta(days=1)),
        make_activity(id="closed", active=False),
        make_activity(id="no-expiry", validated_until=None),
    ]
    from dataclasses import replace

    model = Recommender().fit(activities, replace(CONTEXT, as_of=today))
    got = {m.activity_id for m in model.recommend(make_supplier()).matches}
    assert got == {"ok", "no-expiry"}
    assert model.n_skipped_ == 3


def test_explanation_names_distance_site_territory_priority_and_need() -> None:
    activity = make_activity(
        lon_lat=(READING[0], READING[1] + 0.0207),  # about 2.3 km north
        territory_code=TVP,
        needs=(Need(SupportType.VOLUNTEERING, "builders", 100, "hours", sector="construction"),),
    )
    model = Recommender().fit([activity], CONTEXT)
    (match,) = model.recommend(make_supplier()).matches
    assert match.explanation == (
        "2.3 km from your Reading depot · inside Thames Valley · "
        "Police & Crime Plan priority: serious violence · "
        "needs volunteers with construction skills"
    )
    assert "E23000029" not in match.explanation


def test_explanation_names_the_lot() -> None:
    lot = Lot("lot-2", "Reading North", box(-1.1, 51.4, -0.9, 51.6))
    tender = make_tender(delivery_area=None, lots=(lot,), territory_code=TVP)
    model = Recommender().fit([make_activity(territory_code=TVP)], CONTEXT)
    (match,) = model.recommend(make_supplier(), tender=tender).matches
    assert "inside lot Reading North (Thames Valley)" in match.explanation


def test_a_tender_brings_in_activities_inside_its_area_beyond_the_radius() -> None:
    far = make_activity(id="oxford", lon_lat=OXFORD, territory_code=TVP)  # ~40 km from Reading
    model = Recommender().fit([far], CONTEXT)
    assert model.recommend(make_supplier(), radius_m=10_000).matches == ()
    answer = model.recommend(make_supplier(), radius_m=10_000, tender=make_tender())
    assert [m.activity_id for m in answer.matches] == ["oxford"]
    assert answer.matches[0].distance_m > 30_000


def test_no_candidates_is_an_empty_answer_with_the_reason() -> None:
    model = Recommender().fit([make_activity(lon_lat=OXFORD)], CONTEXT)
    answer = model.recommend(make_supplier(), radius_m=25_000)
    assert answer.matches == ()
    assert answer.reason == "no validated activity within 25 km of your sites"


@pytest.mark.parametrize("radius_m", [0, -5, 200_001, float("nan"), float("inf")])
def test_bad_radius_is_invalid_input(radius_m: float) -> None:
    model = Recommender().fit([make_activity()], CONTEXT)
    with pytest.raises(InvalidInput, match="radius_m"):
        model.recommend(make_supplier(), radius_m=radius_m)


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"proximity": -1.0}, ">= 0"),
        (
            {
                name: 0.0
                for name in (
                    "proximity",
                    "area_fit",
                    "priority",
                    "offer_fit",
                    "local_need",
                    "sustainability",
                    "saturation",
                    "evidence",
                )
            },
            "all zero",
        ),
        ({"popularity": 1.0}, "unknown weight"),
        ({"proximity": float("nan")}, ">= 0"),
    ],
)
def test_bad_weights_are_invalid_input(weights: dict[str, float], message: str) -> None:
    model = Recommender().fit([make_activity()], CONTEXT)
    with pytest.raises(InvalidInput, match=message):
        model.recommend(make_supplier(), weights=weights)
    with pytest.raises(InvalidInput, match=message):
        Recommender(weights=weights).fit([make_activity()], CONTEXT)


def test_a_supplier_without_site_is_invalid_input() -> None:
    model = Recommender().fit([make_activity()], CONTEXT)
    with pytest.raises(InvalidInput, match="no site"):
        model.recommend(make_supplier(sites=()))


@pytest.mark.parametrize("k", [0, -1, 10_000])
def test_bad_k_is_invalid_input(k: int) -> None:
    model = Recommender().fit([make_activity()], CONTEXT)
    with pytest.raises(InvalidInput, match="k must be"):
        model.recommend(make_supplier(), k=k)


def test_weights_override_changes_the_order() -> None:
    near_unaligned = make_activity(id="near", themes=("road_safety",), territory_code=TVP)
    far_aligned = make_activity(
        id="far", lon_lat=(READING[0], READING[1] + 0.15), territory_code=TVP
    )
    # weights decide within a tier; the tiers (an officer's hard rules) are tested apart
    model = Recommender(diversity=0.0, hard_constraints=False).fit(
        [near_unaligned, far_aligned], CONTEXT
    )
    by_distance = model.recommend(make_supplier(), weights={"proximity": 1.0, "priority": 0.0})
    by_priority = model.recommend(make_supplier(), weights={"proximity": 0.0, "priority": 1.0})
    assert [m.activity_id for m in by_distance.matches] == ["near", "far"]
    assert [m.activity_id for m in by_priority.matches] == ["far", "near"]
    assert by_priority.matches[0].feature("priority").weight > 0.5


def test_top_k_is_not_ten_branches_of_one_provider() -> None:
    branches = [
        make_activity(
            id=f"chain-{i}", provider_id="chain", lon_lat=(READING[0] + i * 1e-4, READING[1])
        )
        for i in range(12)
    ]
    others = [
        make_activity(
            id=f"other-{i}",
            provider_id=f"other-{i}",
            themes=("youth_diversion",),
            lon_lat=(READING[0] + 0.05 + i * 0.01, READING[1]),
        )
        for i in range(12)
    ]
    for diversity, expected in ((0.0, {2}), (0.3, {1, 2})):
        model = Recommender(max_per_provider=2, diversity=diversity).fit(branches + others, CONTEXT)
        providers = [m.provider_id for m in model.recommend(make_supplier(), k=10).matches]
        assert providers.count("chain") in expected
        assert len(providers) == 10


def test_the_cap_gives_way_when_there_is_no_alternative() -> None:
    branches = [make_activity(id=f"chain-{i}", provider_id="chain") for i in range(5)]
    model = Recommender(max_per_provider=2).fit(branches, CONTEXT)
    assert len(model.recommend(make_supplier(), k=5).matches) == 5


def test_diversity_spreads_themes() -> None:
    violence = [
        make_activity(
            id=f"v{i}",
            provider_id=f"pv{i}",
            themes=("serious_violence",),
            lon_lat=(READING[0] + i * 1e-3, READING[1]),
        )
        for i in range(8)
    ]
    other = [
        make_activity(
            id=f"o{i}",
            provider_id=f"po{i}",
            themes=(theme,),
            lon_lat=(READING[0] + 0.02, READING[1] + i * 1e-3),
        )
        for i, theme in enumerate(("domestic_abuse", "domestic_abuse", "domestic_abuse"))
    ]
    plain = Recommender(diversity=0.0).fit(violence + other, CONTEXT)
    diverse = Recommender(diversity=0.5, margin=0.3).fit(violence + other, CONTEXT)
    themes_plain = {m.activity_id[0] for m in plain.recommend(make_supplier(), k=5).matches}
    themes_diverse = {m.activity_id[0] for m in diverse.recommend(make_supplier(), k=5).matches}
    assert themes_plain == {"v"}
    assert themes_diverse == {"v", "o"}


def test_batch_equals_one_supplier_at_a_time() -> None:
    activities = scattered_activities(7)
    rng = np.random.default_rng(3)
    suppliers = [
        make_supplier(
            id=f"sup-{i}",
            sites=scattered_sites(rng, i),
        )
        for i in range(30)
    ]
    model = Recommender().fit(activities, CONTEXT)
    tender = make_tender(territory_code=TVP)
    cases: tuple[dict[str, Any], ...] = ({}, {"tender": tender, "radius_m": 5_000})
    for kwargs in cases:
        batch = model.recommend_batch(suppliers, k=7, **kwargs)
        assert batch == [model.recommend(s, k=7, **kwargs) for s in suppliers]


def test_it_is_a_scikit_learn_estimator() -> None:
    model = Recommender(radius_m=10_000, diversity=0.1)
    assert model.get_params()["radius_m"] == 10_000
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "table_")
    assert copy.set_params(diversity=0.0).diversity == 0.0
    with pytest.raises(InvalidInput, match="fitted"):
        copy.recommend(make_supplier())


def test_two_tenders_with_the_same_id_do_not_share_a_cached_view() -> None:
    model = Recommender().fit([make_activity(id="oxford", lon_lat=OXFORD)], CONTEXT)
    around_oxford = make_tender(delivery_area=box(-1.4, 51.7, -1.1, 51.8))
    elsewhere = make_tender(delivery_area=box(0.0, 52.0, 0.1, 52.1))
    assert len(model.recommend(make_supplier(), tender=around_oxford, radius_m=1_000).matches) == 1
    assert model.recommend(make_supplier(), tender=elsewhere, radius_m=1_000).matches == ()
