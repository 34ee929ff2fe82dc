"""Tenders over HTTP on every backend: edits while open, at the version read; dates in order;
lots valid, inside the delivery area (or the territory) and apart; no bid after closing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from shapely.geometry import box, mapping

from api.app import create_app
from dicm.settings import Settings
from domain.model import Tender
from store.port import Store
from tests.api.seed import TV, World, seed

PROBLEM = "https://dicm.example/problems/"
#: inside the seeded Thames Valley box (-1.7, 51.3, -0.4, 52.2) and tender-1's delivery area
WEST, EAST = box(-1.5, 51.4, -1.1, 51.8), box(-1.0, 51.4, -0.6, 51.8)


@pytest.fixture
def api(store: Store) -> Iterator[tuple[TestClient, World]]:
    world = seed(store)
    with TestClient(create_app(Settings(), store=store), raise_server_exceptions=False) as c:
        yield c, world


def _body(**overrides: Any) -> dict[str, Any]:
    today = date.today()
    body: dict[str, Any] = {
        "id": "tender-new",
        "buyer_id": "buyer-1",
        "title": "Estates maintenance 2027-2030",
        "territory_code": TV,
        "delivery_area": mapping(box(-1.6, 51.3, -0.5, 52.1)),
        "lots": [
            {"id": "lot-w", "name": "West", "area": mapping(WEST)},
            {"id": "lot-e", "name": "East", "area": mapping(EAST)},
        ],
        "opens": (today - timedelta(days=5)).isoformat(),
        "closes": (today + timedelta(days=30)).isoformat(),
    }
    return body | overrides


def _problem(r: Any, status: int, code: str) -> str:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"] == PROBLEM + code
    detail: str = r.json()["detail"]
    return detail


def test_a_buyer_edits_its_open_tender_at_the_version_it_read(
    api: tuple[TestClient, World], store: Store
) -> None:
    client, world = api
    buyer = world.auth("buyer")
    created = client.post("/tenders", json=_body(), headers=buyer)
    assert created.status_code == 201, created.text
    edit = _body(title="Estates maintenance, revised", expected_version=1, reason="typo")
    r = client.put("/tenders/tender-new", json=edit, headers=buyer)
    assert r.status_code == 200, r.text
    assert r.json()["properties"]["title"] == "Estates maintenance, revised"
    assert r.json()["properties"]["version"] == 2
    stale = client.put("/tenders/tender-new", json=edit | {"title": "Again"}, headers=buyer)
    _problem(stale, 409, "stale-version")
    assert store.get(Tender, "tender-new").title == "Estates maintenance, revised"
    other = client.put("/tenders/tender-new", json=edit, headers=world.auth("buyer2"))
    assert other.status_code in (403, 404)
    assert [e.action for e in store.audit_log(entity_type="tender")] == ["tender.update"]


def test_a_closed_tender_cannot_change_or_take_bids(
    api: tuple[TestClient, World], store: Store
) -> None:
    client, world = api
    buyer = world.auth("buyer")
    past = _body(
        id="tender-old",
        opens=(date.today() - timedelta(days=90)).isoformat(),
        closes=(date.today() - timedelta(days=1)).isoformat(),
    )
    assert client.post("/tenders", json=past, headers=buyer).status_code == 201
    r = client.put("/tenders/tender-old", json=past | {"expected_version": 1}, headers=buyer)
    assert "closed on" in _problem(r, 409, "tender-closed")
    supplier = world.auth("supplier")
    draft = client.post(
        "/spos",
        json={"id": "spo-late", "tender_id": "tender-old", "title": "Late"},
        headers=supplier,
    )
    if draft.status_code == 201:  # drafting may already refuse; submitting must
        spo = draft.json()
        line = {
            "line_id": "l1",
            "activity_id": "act-1",
            "support_type": "cash",
            "amount": 100,
            "unit": "GBP",
            "priority": "serious_violence",
            "expected_version": spo["version"],
        }
        added = client.post("/spos/spo-late/lines", json=line, headers=supplier)
        assert added.status_code in (200, 201), added.text
        version = added.json()["version"]
        r = client.post(
            "/spos/spo-late/submit", json={"expected_version": version}, headers=supplier
        )
    else:
        r = draft
    _problem(r, 409, "tender-closed")


def test_a_tender_that_closes_before_it_opens_is_refused(
    api: tuple[TestClient, World], store: Store
) -> None:
    client, world = api
    today = date.today()
    body = _body(opens=today.isoformat(), closes=(today - timedelta(days=1)).isoformat())
    r = client.post("/tenders", json=body, headers=world.auth("buyer"))
    assert "before it opens" in _problem(r, 422, "invalid-dates")
    assert store.count(Tender) == 2  # the seeded ones only


@pytest.mark.parametrize(
    ("lots", "words"),
    [
        (
            [("lot-a", box(-1.5, 51.4, -1.0, 51.8)), ("lot-b", box(-1.2, 51.4, -0.6, 51.8))],
            "overlap",
        ),
        ([("lot-a", WEST), ("lot-b", box(-0.8, 51.4, 0.5, 51.8))], "outside the delivery area"),
        ([("lot-a", WEST), ("lot-a", EAST)], "repeated"),
    ],
)
def test_lots_must_be_apart_and_inside_the_delivery_area(
    api: tuple[TestClient, World], store: Store, lots: list[tuple[str, Any]], words: str
) -> None:
    client, world = api
    body = _body(lots=[{"id": i, "name": i, "area": mapping(a)} for i, a in lots])
    r = client.post("/tenders", json=body, headers=world.auth("buyer"))
    assert words in _problem(r, 422, "invalid-lots")
    assert store.count(Tender) == 2


def test_lots_without_a_delivery_area_stay_inside_the_territory(
    api: tuple[TestClient, World],
) -> None:
    client, world = api
    body = _body(
        delivery_area=None,
        lots=[{"id": "x", "name": "x", "area": mapping(box(-0.8, 51.4, 0.5, 51.8))}],
    )
    r = client.post("/tenders", json=body, headers=world.auth("buyer"))
    assert "outside the territory" in _problem(r, 422, "invalid-lots")
    ok = _body(delivery_area=None)
    assert client.post("/tenders", json=ok, headers=world.auth("buyer")).status_code == 201


def test_an_edit_with_overlapping_lots_changes_nothing(
    api: tuple[TestClient, World], store: Store
) -> None:
    client, world = api
    buyer = world.auth("buyer")
    assert client.post("/tenders", json=_body(), headers=buyer).status_code == 201
    bad = _body(
        expected_version=1,
        lots=[{"id": i, "name": i, "area": mapping(WEST)} for i in ("lot-a", "lot-b")],
    )
    _problem(client.put("/tenders/tender-new", json=bad, headers=buyer), 422, "invalid-lots")
    assert store.get(Tender, "tender-new").version == 1
