"""The caches behind the fast match and token paths are never stale (every backend).

The fitted recommender and token lookups are remembered per store until the store's
generation moves; these tests write through every path a user would (the same store, another
process's store on the same database, the HTTP API) and check the very next answer.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.schemas.activities import ActivityCollection
from api.schemas.matches import RecommendationOut
from dicm.settings import Settings
from domain.model import Account, Activity, Supplier
from domain.vocabulary import Role, SupportType, ValidationStatus
from matching.result import Recommendation
from services import recommendations
from services.accounts import create_account
from services.recommender_cache import FIT_COUNTERS, RecommenderCache
from services.seal import sealed
from services.token_cache import ACCOUNTS
from spo.model import Spo, SpoLine, SpoState
from store.factory import open_store
from store.port import Store
from tests.builders import (
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


@pytest.fixture
def world(store: Store) -> Store:
    store.put_many(
        [
            make_region(),
            make_territory(),
            make_provider(),
            make_activity(id="act-1", territory_code=THAMES_VALLEY),
            make_activity(
                id="act-new",
                lon_lat=(READING[0] + 0.02, READING[1]),
                territory_code=THAMES_VALLEY,
                validation_status=ValidationStatus.PENDING,
            ),
            make_supplier(),
            make_buyer(),
            make_tender(territory_code=THAMES_VALLEY),
        ]
    )
    return store


@pytest.fixture
def other_process(world: Store, backend_settings: Settings) -> Iterator[Store]:
    """A second store on the same database, as another dicm process would open it."""
    other = open_store(backend_settings.store, migrate=False)
    yield other
    other.close()


@pytest.fixture
def admin(world: Store, backend_settings: Settings) -> Iterator[tuple[TestClient, str]]:
    _, token = create_account(world, id_="admin-1", name="Admin", role=Role.ADMIN)
    app = create_app(backend_settings, store=world)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, token


def matched_ids(store: Store, recommend: Recommend) -> list[str]:
    return [m.activity_id for m in recommend(store, "sup-1").matches]


def validated(store: Store, activity_id: str) -> Activity:
    activity = store.get(Activity, activity_id)
    return replace(activity, validation_status=ValidationStatus.VALIDATED)


def test_generation_grows_with_every_write_a_cache_depends_on(world: Store) -> None:
    writes: list[Callable[[], object]] = [
        lambda: world.update(validated(world, "act-new")),
        lambda: world.put(make_activity(id="act-3", territory_code=THAMES_VALLEY)),
        lambda: world.delete(Activity, "act-3"),
        lambda: world.put_plan(PLAN),
        lambda: world.put(make_spo(lines=(_cash_line(),), state=SpoState.SCORED)),
        lambda: world.update(replace(world.get(Spo, "spo-1"), state=SpoState.AWARDED)),
        lambda: world.update(make_territory(name="Thames Valley Police area")),
        lambda: world.put(Account("acct-9", "Someone", Role.ADMIN, token_hash="x")),
    ]
    seen = [world.generation()]
    for write in writes:
        write()
        seen.append(world.generation())
    assert all(b > a for a, b in itertools.pairwise(seen)), seen


def test_each_cache_watches_only_its_own_counters(world: Store) -> None:
    fit, accounts = world.generation(*FIT_COUNTERS), world.generation(ACCOUNTS)
    world.put(Account("acct-9", "Someone", Role.ADMIN, token_hash="x"))
    assert world.generation(*FIT_COUNTERS) == fit  # a new account does not refit
    assert world.generation(ACCOUNTS) == accounts + 1
    world.update(validated(world, "act-new"))
    assert world.generation(*FIT_COUNTERS) == fit + 1
    assert world.generation(ACCOUNTS) == accounts + 1


def test_a_newly_validated_activity_is_matched_at_once(world: Store, recommend: Recommend) -> None:
    assert matched_ids(world, recommend) == ["act-1"]
    world.update(validated(world, "act-new"))
    assert sorted(matched_ids(world, recommend)) == ["act-1", "act-new"]


def test_a_write_by_another_process_is_seen_at_once(
    world: Store, other_process: Store, recommend: Recommend
) -> None:
    assert matched_ids(world, recommend) == ["act-1"]
    other_process.update(validated(other_process, "act-new"))
    assert sorted(matched_ids(world, recommend)) == ["act-1", "act-new"]
    other_process.delete(Activity, "act-new")
    assert matched_ids(world, recommend) == ["act-1"]


def test_an_awarded_spo_lowers_saturation_on_the_next_match(
    world: Store, recommend: Recommend
) -> None:
    def saturation() -> float:
        best = recommend(world, "sup-1").matches[0]
        return best.feature("saturation").value

    world.put(make_spo(lines=(_cash_line(),), state=SpoState.SCORED))
    assert saturation() == 1.0  # scored is not committed support
    awarded = replace(world.get(Spo, "spo-1"), state=SpoState.AWARDED)
    world.update(sealed(world, awarded, at=datetime(2027, 1, 5, tzinfo=UTC)))  # as an award is
    assert saturation() == pytest.approx(0.5)


def test_a_new_plan_is_used_by_the_next_match(world: Store, recommend: Recommend) -> None:
    before = recommend(world, "sup-1").matches[0].explanation
    world.put_plan(PLAN)
    after = recommend(world, "sup-1").matches[0].explanation
    assert "Police & Crime Plan priority" not in before
    assert "Police & Crime Plan priority: serious violence" in after


def test_the_http_match_sees_a_validation_at_once(
    world: Store, admin: tuple[TestClient, str]
) -> None:
    client, token = admin
    headers = {"Authorization": f"Bearer {token}"}

    def ids() -> list[str]:
        r = client.get("/suppliers/sup-1/matches", headers=headers)
        assert r.status_code == 200, r.text
        return sorted(m["activity_id"] for m in r.json()["matches"])

    assert ids() == ["act-1"]
    world.update(validated(world, "act-new"))
    assert ids() == ["act-1", "act-new"]


def test_the_match_body_is_exactly_the_documented_model(
    world: Store,
    admin: tuple[TestClient, str],
    recommend: Recommend,
) -> None:
    client, token = admin
    world.put_plan(PLAN)
    r = client.get(
        "/suppliers/sup-1/matches?tender=tender-1&radius_m=30000&weights=proximity:2",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    served = recommend(
        world, "sup-1", tender_id="tender-1", radius_m=30_000, weights={"proximity": 2}
    )
    expected = RecommendationOut.of(served).model_dump(mode="json")
    assert RecommendationOut.model_validate(r.json()).model_dump(mode="json") == expected
    assert r.json() == expected
    assert r.json()["matches"]


@pytest.mark.parametrize("writer", ["same", "other"])
def test_a_deactivated_token_stops_working_at_once(
    world: Store, other_process: Store, admin: tuple[TestClient, str], writer: str
) -> None:
    client, _ = admin
    account, token = create_account(world, id_="sup-user", name="Sup", role=Role.ADMIN)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/accounts/me", headers=headers).status_code == 200
    assert client.get("/accounts/me", headers=headers).status_code == 200  # remembered
    store = world if writer == "same" else other_process
    store.update(replace(store.get(Account, account.id), active=False))
    assert client.get("/accounts/me", headers=headers).status_code == 401


def _cash_line() -> SpoLine:
    return SpoLine("l1", "act-1", SupportType.CASH, 10_000.0, "GBP", "serious_violence")


def test_the_near_listing_body_is_exactly_the_documented_model(
    world: Store, admin: tuple[TestClient, str]
) -> None:
    client, _ = admin
    r = client.get(f"/activities?near={READING[0]},{READING[1]},25000&limit=20")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/geo+json"
    body = r.json()
    assert ActivityCollection.model_validate(body).model_dump(mode="json", by_alias=True) == body
    assert [f["id"] for f in body["features"]] == ["act-1"]


def test_the_fitted_recommender_belongs_to_the_app(
    world: Store, admin: tuple[TestClient, str], backend_settings: Settings
) -> None:
    client, token = admin
    r = client.get("/suppliers/sup-1/matches", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    assert world in client.app.state.recommenders.fitted  # type: ignore[attr-defined]
    with TestClient(create_app(backend_settings, store=world)) as other:
        assert not other.app.state.recommenders.fitted  # type: ignore[attr-defined]
