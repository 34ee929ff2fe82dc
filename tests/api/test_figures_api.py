"""Figures over HTTP: refusals as problem+json with their own type, filters that filter, an
empty result that says so, and the social value report."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient

from api.schemas.analytics import AggregateCollection
from tests.api.seed import READING, TV, World

PROBLEM = "https://dicm.example/problems/"


def _progress(client: TestClient, world: World, **body: object) -> tuple[int, dict[str, object]]:
    payload = {"report_id": "rep-x", "line_id": "l1", "amount": 10.0}
    payload["delivered_on"] = date.today().isoformat()
    payload.update(body)
    r = client.post("/spos/spo-live/progress", json=payload, headers=world.auth("provider"))
    return r.status_code, r.json()


def test_progress_refusals_are_typed_problems(client: TestClient, world: World) -> None:
    status, body = _progress(client, world, amount=1_000_000.0)
    assert (status, body["type"]) == (422, PROBLEM + "delivery-exceeds-commitment")
    later = (date.today() + timedelta(days=400)).isoformat()
    status, body = _progress(client, world, delivered_on=later)
    assert (status, body["type"]) == (422, PROBLEM + "delivery-in-future")
    status, body = _progress(client, world, corrects="no-such-report")
    assert (status, body["type"]) == (404, PROBLEM + "not-found")


def test_heatmap_and_coverage_filter_by_priority_and_period(
    client: TestClient, world: World
) -> None:
    auth = world.auth("pcc")
    year = str(date.today().year)
    for path in (f"/territories/{TV}/coverage", f"/territories/{TV}/heatmap"):
        every = AggregateCollection.model_validate(client.get(path, headers=auth).json())
        this_year = client.get(path, params={"period": year}, headers=auth).json()
        assert this_year["committed_gbp_total"] == every.committed_gbp_total == 5000
        other = client.get(
            path, params={"priority": "domestic_abuse", "period": "2020-Q1"}, headers=auth
        ).json()
        assert (
            other["committed_gbp_total"] == 0 and "no formalised social value" in other["message"]
        )
        for bad in ({"priority": "nonsense"}, {"period": "2027-Q7"}, {"period": "soon"}):
            r = client.get(path, params=bad, headers=auth)
            assert r.status_code == 422 and r.headers["content-type"].startswith(
                "application/problem+json"
            )


def test_social_value_report_formats(client: TestClient, world: World) -> None:
    auth = world.auth("buyer")
    body = client.get("/reports/social-value", headers=auth).json()
    assert body["totals"]["committed_gbp"] == 5000 and body["states"]
    (line,) = body["lines"]
    assert line["local_authority_code"] == READING and line["proxy_confidence"] == "A"
    assert "secondary_impact" in body and "fiscal_gbp" in body["secondary_impact"]
    csv_text = client.get("/reports/social-value", params={"format": "csv"}, headers=auth).text
    assert csv_text.splitlines()[0].startswith("record_type,buyer_id")
    geo = client.get("/reports/social-value", params={"format": "geojson"}, headers=auth)
    assert geo.headers["content-type"].startswith("application/geo+json")
    assert geo.json()["features"][0]["properties"]["territory_code"] == TV
    other = client.get(
        "/reports/social-value", params={"buyer": "buyer-2"}, headers=world.auth("buyer")
    )
    assert other.status_code == 403
    assert client.get("/reports/social-value", headers=world.auth("supplier")).status_code == 403
