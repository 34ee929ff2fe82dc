"""The one-supplier answer is searched best first (``matching.bounds``): it must be exactly the
answer of scoring every candidate (the batch path still does that), count every candidate,
and score far fewer than all of them where activities are dense."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

from domain.errors import InvalidInput
from domain.model import Activity, Lot, Need, Offer, Site, Supplier, Tender
from domain.vocabulary import THEMES, SupportType
from geo.sphere import EARTH_RADIUS_M
from matching.bounds import Search, best_candidates, cell_best, cell_index
from matching.candidates import Candidates, supplier_candidates
from matching.grid import CELL_DEG, cell_keys
from matching.ranking import Scored, score_pairs
from matching.recommender import Recommender
from matching.tiers import sort_key
from matching.weights import FEATURES
from tests.builders import make_activity, make_supplier, make_tender
from tests.matching.helpers import CONTEXT, TVP, haversine_m

SECTORS = ("construction", "digital", None)
CENTRE = (-0.97, 51.45)  # Reading


def dense_world(n: int = 6_000, seed: int = 11) -> list[Activity]:
    """``n`` activities within ~15 km of Reading, many to a cell: mixed needs (so suppliers
    can or cannot help), themes (so some serve the plan), two territories, copies at one
    place (equal distances) and ties of score under other ids."""
    rng = np.random.default_rng(seed)
    themes = list(THEMES)
    lon = CENTRE[0] + rng.normal(0.0, 0.08, n)
    lat = CENTRE[1] + rng.normal(0.0, 0.05, n)
    out = []
    for i in range(n):
        at = (float(lon[i]), float(lat[i])) if i % 5 else (float(lon[i - 1]), float(lat[i - 1]))
        needs = tuple(
            Need(list(SupportType)[int(rng.integers(0, 5))], "help", 100.0, None,
                 SECTORS[int(rng.integers(0, 3))])
            for _ in range(int(rng.integers(0, 3)))
        )  # fmt: skip
        out.append(
            make_activity(
                id=f"a{i:05d}",
                provider_id=f"p{i % 53}",
                lon_lat=at,
                themes=tuple(rng.choice(themes, size=int(rng.integers(0, 3)), replace=False)),
                needs=needs,
                territory_code=TVP if i % 4 else "E23000001",
                at_risk=bool(i % 11 == 0),
                funding_gap_gbp=float(int(rng.integers(0, 4)) * 10_000),
            )
        )
    return out


@pytest.fixture(scope="module")
def model() -> Recommender:
    return Recommender(search="best_first").fit(dense_world(), CONTEXT)


def tenders() -> list[Tender | None]:
    return [
        None,
        make_tender(delivery_area=box(-1.05, 51.40, -0.90, 51.50)),
        make_tender(
            delivery_area=None,
            lots=(Lot("l1", "West", box(-1.2, 51.3, -0.97, 51.6)),),
            priorities=("domestic_abuse", "youth_diversion"),
        ),
        make_tender(delivery_area=None, territory_code=TVP),
    ]


def supplier_at(points: list[tuple[float, float]], kinds: list[int], sector: int) -> Supplier:
    sites = tuple(Site(f"s{j}", f"site {j}", Point(x, y)) for j, (x, y) in enumerate(points))
    offers = tuple(Offer(list(SupportType)[k], sector=SECTORS[sector]) for k in kinds)
    return make_supplier(id="sup", sites=sites, offers=offers)


sites = st.lists(
    st.tuples(
        st.floats(CENTRE[0] - 0.3, CENTRE[0] + 0.3), st.floats(CENTRE[1] - 0.2, CENTRE[1] + 0.2)
    ),
    min_size=1,
    max_size=4,
)
weights = st.dictionaries(st.sampled_from(FEATURES), st.floats(0.0, 1.0), max_size=4)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    points=sites,
    kinds=st.lists(st.integers(0, 4), min_size=1, max_size=3, unique=True),
    sector=st.integers(0, 2),
    tender=st.integers(0, 3),
    k=st.integers(1, 60),
    radius_m=st.sampled_from([400.0, 2_500.0, 9_000.0, 25_000.0]),
    weight=weights,
)
def test_the_best_first_answer_is_the_answer_of_scoring_every_candidate(
    model: Recommender,
    points: list[tuple[float, float]],
    kinds: list[int],
    sector: int,
    tender: int,
    k: int,
    radius_m: float,
    weight: dict[str, float],
) -> None:
    if weight and not any(weight.values()):
        weight = {}
    supplier = supplier_at(points, kinds, sector)
    request = {"tender": tenders()[tender], "k": k, "radius_m": radius_m, "weights": weight}
    exhaustive = model.recommend_batch([supplier], **request)[0]  # type: ignore[arg-type]
    assert model.recommend(supplier, **request) == exhaustive  # type: ignore[arg-type]


@pytest.mark.parametrize("hard", [True, False])
def test_without_hard_constraints_or_with_diversity_off_it_is_still_the_same(hard: bool) -> None:
    activities = dense_world(3_000, seed=5)
    model = Recommender(
        hard_constraints=hard, diversity=0.0 if hard else 0.9, pool_size=12, search="best_first"
    )
    model.fit(activities, CONTEXT)
    rng = np.random.default_rng(3)
    for i in range(30):
        at = [(CENTRE[0] + rng.normal(0, 0.1), CENTRE[1] + rng.normal(0, 0.06))]
        supplier = supplier_at(at, [i % 5], i % 3)
        tender = tenders()[i % 4]
        assert (
            model.recommend(supplier, tender=tender, k=25)
            == model.recommend_batch([supplier], tender=tender, k=25)[0]
        )


def test_dense_activities_are_mostly_not_scored_yet_all_are_counted(model: Recommender) -> None:
    """Around the centre of the dense world almost every activity is within 25 km; the search
    scores a small part of them and still counts each one, as the exhaustive cut does."""
    supplier = supplier_at([CENTRE], [0, 2], 0)
    scene, ranking = model._request([supplier], None, 10, None, None)
    site = np.array([CENTRE])
    everything = supplier_candidates(
        model.cell_keys_, model.table_.xyz_columns, site, ranking.radius_m
    )
    scored_rows: list[int] = []
    offer_w = np.zeros(len(model.table_.need_count))
    helpless = np.zeros(offer_w.size, dtype=np.bool_)

    def score(cand: Candidates) -> Scored:
        scored_rows.append(int(cand.activity.size))
        pattern = np.take(model.table_.need_pattern, cand.activity)
        return score_pairs(scene, ranking, cand, offer_w, helpless, pattern)

    best = cell_best(
        model.cells_,
        scene.static_score,
        scene.priority,
        hard_constraints=True,
        in_scope=None,
        in_reach=None,
    )
    request = Search(site, ranking.radius_m, float(ranking.weights[0]), 5_000.0, offer_w,
                     helpless, 30, 0, None, exhaustive_below=-1)  # fmt: skip
    _, scored, count = best_candidates(
        model.cells_, best, model.table_.xyz_columns, request, score, sort_key
    )
    assert count == everything.activity.size > 5_000
    assert sum(scored_rows) < everything.activity.size / 4
    # the best 30 by key are the exhaustive best 30
    full = score(everything)
    full_key = sort_key(full[0], full[1])
    ours = sort_key(scored[0], scored[1])
    assert np.sort(ours)[-30:].tolist() == np.sort(full_key)[-30:].tolist()


@pytest.mark.parametrize("radius", [1.0, 150.0, 5_000.0])
def test_the_count_is_exact_at_the_radius_to_the_millimetre(radius: float) -> None:
    """Activities 1 cm and 1 mm either side of the radius, in every direction: the count is
    the one exact distances give (within a metre a cosine is off by millimetres)."""
    activities = []
    lon0, lat0 = CENTRE
    for i, bearing in enumerate(np.linspace(0.0, 2 * math.pi, 97, endpoint=False)):
        for j, offset in enumerate((-0.01, 0.01, -0.001, 0.001)):
            angle = (radius + offset) / EARTH_RADIUS_M
            lat = math.degrees(
                math.asin(
                    math.sin(math.radians(lat0)) * math.cos(angle)
                    + math.cos(math.radians(lat0)) * math.sin(angle) * math.cos(bearing)
                )
            )
            lon = lon0 + math.degrees(
                math.atan2(
                    math.sin(bearing) * math.sin(angle) * math.cos(math.radians(lat0)),
                    math.cos(angle) - math.sin(math.radians(lat0)) * math.sin(math.radians(lat)),
                )
            )
            activities.append(make_activity(id=f"r{i:02d}-{j}", lon_lat=(lon, lat)))
    model = Recommender(search="best_first").fit(activities, CONTEXT)
    supplier = supplier_at([CENTRE], [0], 0)
    answer = model.recommend(supplier, k=5, radius_m=radius)
    assert answer == model.recommend_batch([supplier], k=5, radius_m=radius)[0]
    inside = sum(
        haversine_m(lon0, lat0, a.location.x, a.location.y) <= radius - 0.005 for a in activities
    )
    assert answer.candidate_count >= inside >= 97  # every point 1 cm inside is counted


@given(
    lon=st.floats(-180.0, 180.0),
    lat=st.floats(-89.9, 89.9),
)
def test_every_point_lies_within_its_cells_radius_of_the_cells_centre(
    lon: float, lat: float
) -> None:
    keys = cell_keys(np.array([lon]), np.array([lat]))
    index = cell_index(keys, np.zeros(1, dtype=np.intp))
    x, y, z = (c[0] for c in index.centre)
    lo, la = math.radians(lon), math.radians(lat)
    point = (math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la))
    chord = math.dist(point, (x, y, z))
    assert 2 * math.asin(min(chord / 2, 1.0)) <= index.radius[0]
    assert index.radius[0] <= math.radians(CELL_DEG)  # and the radius is no wider than a cell


def test_auto_scores_every_row_of_a_small_window_and_gives_the_same_answers() -> None:
    activities = dense_world(2_000, seed=2)
    auto = Recommender().fit(activities, CONTEXT)
    forced = Recommender(search="best_first").fit(activities, CONTEXT)
    exhaustive = Recommender(search="exhaustive").fit(activities, CONTEXT)
    for i in range(12):
        supplier = supplier_at([(CENTRE[0] + 0.01 * i, CENTRE[1])], [i % 5], i % 3)
        tender = tenders()[i % 4]
        answer = auto.recommend(supplier, tender=tender, k=12)
        assert answer == forced.recommend(supplier, tender=tender, k=12)
        assert answer == exhaustive.recommend(supplier, tender=tender, k=12)
    with pytest.raises(InvalidInput, match="search must be one of"):
        Recommender(search="fastest").fit(activities, CONTEXT)
