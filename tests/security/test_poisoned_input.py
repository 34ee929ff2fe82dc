"""Poisoned rows: non-finite or absurd numbers, control characters and huge offsets are refused
with a 422 problem and store nothing; a bad row stored before the checks never 500s a read."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.model import Need
from domain.vocabulary import SupportType
from spo.model import ProgressReport
from store.port import Store
from tests.api.seed import World, point
from tests.builders import make_activity, make_tender

PROBLEM = "https://dicm.example/problems/"
HOSTILE_NUMBERS = [float("inf"), float("-inf"), float("nan"), 1e308, 1e13]


def _post(client: TestClient, url: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    # json.dumps writes Infinity / NaN literals, as a hostile client would
    raw = json.dumps(body)
    return client.post(url, content=raw, headers={**headers, "Content-Type": "application/json"})


def _activity(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "act-hostile",
        "provider_id": "prov-1",
        "name": "Hostile club",
        "location": point(-0.97, 51.45),
    }
    return body | overrides


def _refused(response: Any, code: str = "validation-error") -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == PROBLEM + code


@pytest.mark.parametrize("value", HOSTILE_NUMBERS)
@pytest.mark.parametrize(
    "overrides",
    [
        lambda v: {"funding_gap_gbp": v},
        lambda v: {"needs": [{"support_type": "cash", "amount": v}]},
        lambda v: {"evidence": [{"title": "report", "quantity": v}]},
    ],
    ids=["funding-gap", "need", "evidence"],
)
def test_activity_numbers_must_be_finite_and_sane(
    client: TestClient, world: World, value: float, overrides: Any
) -> None:
    answer = _post(client, "/activities", _activity(**overrides(value)), world.auth("provider"))
    _refused(answer)
    assert client.get("/activities/act-hostile", headers=world.auth("admin")).status_code == 404


@pytest.mark.parametrize("value", HOSTILE_NUMBERS)
def test_tender_value_and_offers_must_be_finite(
    client: TestClient, world: World, value: float
) -> None:
    tender = {"id": "tender-hostile", "buyer_id": "buyer-1", "title": "T"}
    _refused(_post(client, "/tenders", tender | {"contract_value_gbp": value}, world.auth("buyer")))
    supplier = {
        "id": "sup-hostile",
        "name": "S",
        "offers": [{"support_type": "cash", "amount": value}],
    }
    _refused(_post(client, "/suppliers", supplier, world.auth("admin")))
    assert client.get("/tenders/tender-hostile").status_code == 404


@pytest.mark.parametrize("value", HOSTILE_NUMBERS)
def test_spo_line_milestone_and_progress_amounts_must_be_finite(
    client: TestClient, world: World, value: float
) -> None:
    spo = client.get("/spos/spo-draft", headers=world.auth("supplier")).json()
    line = {
        "expected_version": spo["version"],
        "line_id": "l-hostile",
        "activity_id": "act-1",
        "support_type": "cash",
        "unit": "GBP",
        "priority": "serious_violence",
    }
    url = "/spos/spo-draft/lines"
    _refused(_post(client, url, line | {"amount": value}, world.auth("supplier")))
    milestone = {"amount": 10.0, "milestones": [{"due": "2027-01-01", "amount": value}]}
    _refused(_post(client, url, line | milestone, world.auth("supplier")))
    report = {"report_id": "r-h", "line_id": "l1", "amount": value, "delivered_on": "2027-01-01"}
    _refused(_post(client, "/spos/spo-live/progress", report, world.auth("provider")))
    after = client.get("/spos/spo-draft", headers=world.auth("supplier")).json()
    assert after["version"] == spo["version"]


@pytest.mark.parametrize("text", ["club\x00name", "bell\x07", "esc\x1b[31m", "del\x7f"])
def test_control_characters_are_refused_in_text(
    client: TestClient, world: World, text: str
) -> None:
    _refused(_post(client, "/activities", _activity(name=text), world.auth("provider")))
    _refused(_post(client, "/activities", _activity(description=text), world.auth("provider")))
    provider = {"id": "prov-hostile", "name": text}
    _refused(_post(client, "/providers", provider, world.auth("admin")))
    assert client.get("/activities/act-hostile", headers=world.auth("admin")).status_code == 404


def test_newlines_and_tabs_stay_allowed_in_descriptions(client: TestClient, world: World) -> None:
    body = _activity(id="act-multiline", description="line one\nline two\tand a tab")
    answer = _post(client, "/activities", body, world.auth("provider"))
    assert answer.status_code == 201, answer.text


@pytest.mark.parametrize("offset", [2**63, 2**31, 10_000_001, -1])
def test_search_offsets_are_bounded(client: TestClient, offset: int) -> None:
    _refused(client.post("/activities/search", json={"offset": offset}))
    _refused(client.get(f"/activities?offset={offset}"))


def test_search_limit_is_bounded(client: TestClient) -> None:
    _refused(client.post("/activities/search", json={"limit": 2**63}))


def test_a_legacy_poisoned_row_never_breaks_public_reads(
    client: TestClient, world: World, seeded: tuple[Any, Store, World]
) -> None:
    """Rows stored before the checks (or written around the API) still read: the bad number
    is shown as null, everything else as before."""
    store = seeded[1]
    inf = float("inf")
    store.put(
        make_activity(
            id="act-poison",
            funding_gap_gbp=inf,
            needs=(Need(SupportType.CASH, "cash", 1e308, "GBP"),),
        )
    )
    store.put(make_tender(id="tender-poison", contract_value_gbp=inf))
    store.put(ProgressReport("rep-poison", "spo-live", "l1", inf, date(2027, 3, 2), "provider"))
    try:
        for url in ("/activities", "/activities/act-poison", "/tenders", "/tenders/tender-poison"):
            answer = client.get(url)
            assert answer.status_code == 200, (url, answer.text)
        assert client.get("/activities/act-poison").json()["properties"]["funding_gap_gbp"] is None
        for url in (
            "/territories/E23000029/coverage",
            "/territories/E23000029/heatmap",
            "/spos/spo-live/progress",
            "/maps/coverage?territory=E23000029",
            "/maps/heatmap/E23000029",
            "/maps/spo/spo-live",
        ):
            answer = client.get(url, headers=world.auth("admin"))
            assert answer.status_code < 500, (url, answer.text)
    finally:
        store.delete(ProgressReport, "rep-poison")
        store.delete(make_tender().__class__, "tender-poison")
        store.delete(make_activity().__class__, "act-poison")
