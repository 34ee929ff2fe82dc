"""Access escapes: query parameters only narrow, the event stream follows the GET rule, and
accounts are tied only to their own organisation's territory."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from dicm.settings import Settings
from domain.errors import InvalidInput, NotFound
from domain.model import Account
from domain.vocabulary import Role
from services import access
from services.accounts import create_account
from services.events import buyer_topic, spo_topic
from spo.scoring import QUALITATIVE_PARTS
from store.port import Store
from tests.api.seed import ACCOUNTS, HANTS, World

LINE = {
    "line_id": "l1",
    "activity_id": "act-1",
    "support_type": "cash",
    "amount": 8000,
    "unit": "GBP",
    "priority": "serious_violence",
}
MARKS = {q: {"mark": 3, "reason": "clear local plan"} for q in QUALITATIVE_PARTS}


@pytest.mark.parametrize("status", ["pending", "declined", "lapsed"])
def test_a_provider_cannot_widen_its_listing_with_a_query_parameter(
    client: TestClient, world: World, status: str
) -> None:
    answer = client.get(
        f"/activities?status={status}&provider=prov-2", headers=world.auth("provider")
    )
    assert answer.status_code == 200
    assert [f["properties"]["provider_id"] for f in answer.json()["features"]] == []
    own = client.get("/activities?status=pending&provider=prov-1", headers=world.auth("provider"))
    assert {f["properties"]["provider_id"] for f in own.json()["features"]} == {"prov-1"}


def test_narrowed_filters_never_widen() -> None:
    allowed = {"validation_status": "pending", "provider_id": "prov-1"}
    assert access.narrowed(allowed, {"provider_id": "prov-2"}) is None
    assert access.narrowed(allowed, {"provider_id": "prov-1"}) == allowed
    assert access.narrowed(allowed, {"territory_code": "X"}) == allowed | {"territory_code": "X"}


def _post(client: TestClient, world: World, who: str, path: str, body: dict[str, Any]) -> Any:
    answer = client.post(path, json=body, headers=world.auth(who))
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


def test_every_role_sees_an_event_only_if_a_get_of_the_spo_shows_it(
    client: TestClient, world: World, seeded: tuple[Settings, Store, World]
) -> None:
    """Subscribe (the stream's own filter) as every account, walk an SPO through drafting,
    submission, withdrawal; after each step the event is visible exactly when a GET of the SPO
    by the same account answers 200."""
    store = seeded[1]
    bus = client.app.state.broadcaster  # type: ignore[attr-defined]
    accounts = {name: store.get(Account, name) for name in ACCOUNTS}
    checked = 0
    with (
        bus.subscribe(buyer_topic("buyer-1")) as buyer_feed,
        bus.subscribe(spo_topic("ev-1")) as spo_feed,
    ):
        spo = _post(client, world, "supplier", "/spos", {"id": "ev-1", "tender_id": "tender-1"})
        steps = [
            ("/spos/ev-1/lines", "supplier", LINE),
            ("/spos/ev-1/submit", "supplier", {}),
            ("/spos/ev-1/withdraw", "supplier", {}),
        ]
        for path, who, body in steps:
            spo = _post(client, world, who, path, body | {"expected_version": spo["version"]})
            events = buyer_feed.drain() + spo_feed.drain()
            assert events, path
            for event in events:
                for name, account in accounts.items():
                    seen = access.is_event_visible(store, account, event.data)
                    got = client.get("/spos/ev-1", headers=world.auth(name)).status_code
                    assert seen == (got == 200), (path, event.kind, name, got)
                    checked += 1
    assert checked >= 3 * len(accounts)
    withdrawn = {"spo_id": "ev-1", "state": "withdrawn"}
    assert not access.is_event_visible(store, accounts["buyer"], withdrawn)
    assert not access.is_event_visible(store, None, withdrawn)


def test_a_buyer_account_cannot_be_tied_to_another_forces_territory(
    seeded: tuple[Settings, Store, World],
) -> None:
    store = seeded[1]
    with pytest.raises(InvalidInput, match="buys for territory"):
        create_account(
            store,
            id_="buyer-escape",
            name="x",
            role=Role.BUYER,
            organisation_id="buyer-1",
            territory_code=HANTS,
        )
    with pytest.raises(NotFound):
        create_account(store, id_="ghost", name="x", role=Role.SUPPLIER, organisation_id="nope")


def test_the_api_refuses_a_cross_territory_buyer_account(client: TestClient, world: World) -> None:
    body = {
        "id": "buyer-escape",
        "name": "x",
        "role": "buyer",
        "organisation_id": "buyer-1",
        "territory_code": HANTS,
    }
    answer = client.post("/accounts", json=body, headers=world.auth("admin"))
    assert answer.status_code == 422, answer.text
    assert client.get("/territories/E23000030/coverage").status_code == 401


def test_public_history_names_roles_not_account_ids(
    client: TestClient, world: World, seeded: tuple[Settings, Store, World]
) -> None:
    _, token = create_account(
        seeded[1], id_="tv-val-7", name="V", role=Role.VALIDATOR, territory_code="E23000029"
    )
    act = client.post(
        "/activities",
        json={
            "id": "act-history",
            "provider_id": "prov-1",
            "name": "History club",
            "location": {"type": "Point", "coordinates": [-0.97, 51.45]},
        },
        headers=world.auth("provider"),
    ).json()
    validated = client.post(
        "/activities/act-history/validate",
        json={"expected_version": act["properties"]["version"]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert validated.status_code == 200, validated.text
    public = client.get("/activities/act-history/history").json()
    assert public and {e["actor"] for e in public} <= {"validator", "provider", "admin", "dicm"}
    assert "tv-val-7" not in client.get("/activities/act-history/history").text
    own = client.get("/activities/act-history/history", headers=world.auth("provider")).json()
    assert "tv-val-7" in {e["actor"] for e in own}
    for name in ("supplier", "buyer2"):
        seen = client.get("/activities/act-history/history", headers=world.auth(name)).json()
        assert {e["actor"] for e in seen} == {e["actor"] for e in public}
