"""The matching service on a real store (every backend): the store feeds the recommender."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from shapely.geometry import Point

from domain.errors import InvalidInput, NotFound
from domain.model import Activity, Site, Supplier
from domain.vocabulary import SupportType, ValidationStatus
from matching.context import MatchingContext
from matching.recommender import Recommender
from matching.result import Recommendation
from services import recommendations
from services.recommender_cache import RecommenderCache
from services.seal import sealed
from services.supply_coverage import supply_coverage
from spo.model import SpoLine, SpoState
from store.port import Store
from tests.builders import (
    OXFORD,
    READING,
    THAMES_VALLEY,
    make_activity,
    make_buyer,
    make_plan,
    make_provider,
    make_region,
    make_supplier,
    make_tender,
    make_territory,
)
from tests.store.world import make_spo

PLAN = make_plan()
Recommend = Callable[..., Recommendation]


@pytest.fixture
def recommend() -> Recommend:
    """A supplier's recommendation by id, with one recommender cache for the whole test, as an
    app has."""
    cache = RecommenderCache()

    def by_id(store: Store, supplier_id: str, **options: Any) -> Recommendation:
        return recommendations.recommend(
            store, store.get(Supplier, supplier_id), cache=cache, **options
        )

    return by_id


LEEDS = (-1.5491, 53.8008)


def activities() -> list[Activity]:
    return [
        make_activity(id="reading-boxing", territory_code=THAMES_VALLEY),
        make_activity(
            id="reading-refuge",
            lon_lat=(READING[0] + 0.03, READING[1]),
            themes=("domestic_abuse",),
            territory_code=THAMES_VALLEY,
        ),
        make_activity(id="oxford-club", lon_lat=OXFORD, territory_code=THAMES_VALLEY),
        make_activity(
            id="reading-pending",
            territory_code=THAMES_VALLEY,
            validation_status=ValidationStatus.PENDING,
        ),
    ]


@pytest.fixture
def world(store: Store) -> Store:
    store.put_many(
        [
            make_region(),
            make_territory(),
            make_provider(),
            *activities(),
            make_supplier(),
            make_buyer(),
            make_tender(territory_code=THAMES_VALLEY),
        ]
    )
    store.put_plan(PLAN)
    return store


def test_recommends_validated_activities_near_the_sites_explained(
    world: Store, recommend: Recommend
) -> None:
    answer = recommend(world, "sup-1", radius_m=25_000)
    assert [m.activity_id for m in answer.matches] == ["reading-boxing", "reading-refuge"]
    best = answer.matches[0].explanation
    assert best.startswith("0 m from your Reading depot · inside Thames Valley")
    assert "Police & Crime Plan priority: serious violence" in best


def test_a_tender_adds_its_delivery_area(world: Store, recommend: Recommend) -> None:
    answer = recommend(world, "sup-1", tender_id="tender-1", radius_m=10_000)
    assert {m.activity_id for m in answer.matches} == {
        "reading-boxing",
        "reading-refuge",
        "oxford-club",
    }
    assert answer.tender_id == "tender-1"


def test_the_service_agrees_with_the_pure_recommender_on_everything(
    world: Store, recommend: Recommend
) -> None:
    context = MatchingContext(
        plans={THAMES_VALLEY: PLAN}, area_names={THAMES_VALLEY: "Thames Valley"}
    )
    pure = Recommender().fit(activities(), context).recommend(make_supplier(), radius_m=50_000)
    served = recommend(world, "sup-1", radius_m=50_000)
    assert served.matches == pure.matches


def test_unknown_supplier_or_tender_is_not_found(world: Store, recommend: Recommend) -> None:
    with pytest.raises(NotFound):
        recommend(world, "nobody")
    with pytest.raises(NotFound):
        recommend(world, "sup-1", tender_id="no-such-tender")


@pytest.mark.parametrize("radius_m", [0, -1, 250_000])
def test_bad_radius_is_invalid_input(world: Store, radius_m: float, recommend: Recommend) -> None:
    with pytest.raises(InvalidInput, match="radius_m"):
        recommend(world, "sup-1", radius_m=radius_m)


def test_a_supplier_without_sites_is_invalid_input(world: Store, recommend: Recommend) -> None:
    world.put(make_supplier(id="sup-2", sites=()))
    with pytest.raises(InvalidInput, match="no site"):
        recommend(world, "sup-2")


def test_nothing_in_reach_is_an_empty_answer_with_the_reason(
    world: Store, recommend: Recommend
) -> None:
    world.put(make_supplier(id="sup-leeds", sites=(Site("s", "Leeds office", Point(*LEEDS)),)))
    answer = recommend(world, "sup-leeds", radius_m=25_000)
    assert answer.matches == ()
    assert answer.reason == "no validated activity within 25 km of your sites"


def test_awarded_cash_lowers_saturation(world: Store, recommend: Recommend) -> None:
    before = recommend(world, "sup-1").matches[0]
    line = SpoLine("l1", "reading-boxing", SupportType.CASH, 10_000.0, "GBP", "serious_violence")
    awarded = make_spo(lines=(line,), state=SpoState.AWARDED)
    world.put(sealed(world, awarded, at=datetime(2027, 1, 5, tzinfo=UTC)))  # as an award is
    after = {m.activity_id: m for m in recommend(world, "sup-1").matches}
    assert before.feature("saturation").value == 1.0
    assert after["reading-boxing"].feature("saturation").value == pytest.approx(0.5)


def test_an_awarded_spo_without_its_seal_lowers_nothing(world: Store, recommend: Recommend) -> None:
    """An awarded SPO whose seal is missing is tampered with: it is counted in no total."""
    line = SpoLine("l1", "reading-boxing", SupportType.CASH, 10_000.0, "GBP", "serious_violence")
    world.put(make_spo(lines=(line,), state=SpoState.AWARDED))
    after = {m.activity_id: m for m in recommend(world, "sup-1").matches}
    assert after["reading-boxing"].feature("saturation").value == 1.0


def test_supply_coverage_counts_suppliers_in_reach(world: Store) -> None:
    world.put(make_supplier(id="sup-oxford", sites=(Site("o", "Oxford", Point(*OXFORD)),)))
    result = supply_coverage(world, radius_m=10_000)
    counts = dict(zip(result.activity_ids, result.suppliers_in_reach.tolist(), strict=True))
    assert counts == {"reading-boxing": 1, "reading-refuge": 1, "oxford-club": 1}
    assert result.by_area[THAMES_VALLEY].supplier_pairs == 3
    moved = replace(make_supplier(id="sup-3"), sites=(Site("x", "Leeds", Point(*LEEDS)),))
    world.put(moved)
    assert supply_coverage(world, radius_m=10_000).unreached() == []
