"""Publishing a Police & Crime Plan over HTTP on every backend; a plan past its end steers
nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from dicm.settings import Settings
from services.plans import plan_in_force
from store.port import Store
from tests.api.seed import TV, World, seed

PROBLEM = "https://dicm.example/problems/"


@pytest.fixture
def api(store: Store) -> Iterator[tuple[TestClient, World]]:
    world = seed(store)
    with TestClient(create_app(Settings(), store=store), raise_server_exceptions=False) as c:
        yield c, world


def _plan(**overrides: Any) -> dict[str, Any]:
    today = date.today()
    body: dict[str, Any] = {
        "title": "Police and Crime Plan 2025-2029",
        "valid_from": (today - timedelta(days=10)).isoformat(),
        "valid_until": (today + timedelta(days=1000)).isoformat(),
        "source": "https://example.org/plan.pdf",
        "priorities": [
            {"id": "domestic_abuse", "name": "Tackling domestic abuse", "weight": 1.0},
            {"id": "youth_diversion", "name": "Young people", "weight": 0.5},
        ],
    }
    return body | overrides


def test_the_pcc_office_publishes_a_new_version(
    api: tuple[TestClient, World], store: Store
) -> None:
    client, world = api
    r = client.post(f"/territories/{TV}/plans", json=_plan(), headers=world.auth("pcc"))
    assert r.status_code == 201, r.text
    assert r.json()["version"] == 2 and r.json()["valid_until"]
    assert [p.version for p in store.plans(TV)] == [1, 2]
    in_force = plan_in_force(store, TV)
    assert in_force is not None and in_force.priorities[0].theme == "domestic_abuse"


@pytest.mark.parametrize(("who", "status"), [("pcc2", 403), ("buyer", 403), (None, 401)])
def test_only_that_territorys_pcc_office_or_an_admin(
    api: tuple[TestClient, World], store: Store, who: str | None, status: int
) -> None:
    client, world = api
    r = client.post(f"/territories/{TV}/plans", json=_plan(), headers=world.auth(who))
    assert r.status_code == status, r.text
    assert len(store.plans(TV)) == 1


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"priorities": [{"id": "Serious Violence", "name": "x"}]}, "invalid-input"),
        ({"valid_until": "2020-01-01"}, "invalid-dates"),
    ],
)
def test_a_bad_plan_is_refused(
    api: tuple[TestClient, World], store: Store, change: dict[str, Any], code: str
) -> None:
    client, world = api
    r = client.post(f"/territories/{TV}/plans", json=_plan(**change), headers=world.auth("pcc"))
    assert r.status_code == 422 and r.json()["type"] == PROBLEM + code, r.text
    assert len(store.plans(TV)) == 1


def test_a_plan_past_its_end_is_not_in_force(api: tuple[TestClient, World], store: Store) -> None:
    client, world = api
    ended = _plan(valid_from="2022-01-01", valid_until="2023-12-31")
    assert (
        client.post(f"/territories/{TV}/plans", json=ended, headers=world.auth("admin")).status_code
        == 201
    )
    assert plan_in_force(store, TV, date(2023, 6, 1)).version == 2  # type: ignore[union-attr]
    in_force = plan_in_force(store, TV)
    assert in_force is not None and in_force.version == 1  # version 2 ended: back to v1
