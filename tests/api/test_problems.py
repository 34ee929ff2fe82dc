"""RFC 9457 problem details: geometry and code validation, size limit, generic 5xx."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.problems import PROBLEM_BASE
from tests.api.conftest import Seeded
from tests.api.seed import World, point


def _problem(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert body["type"] == PROBLEM_BASE + code and body["status"] == status
    assert body["title"] and body["detail"]
    return body


@pytest.mark.parametrize(
    ("near", "code"),
    [
        ("51.45,-0.97,1000", "swapped-coordinates"),
        ("2.35,48.85,1000", "outside-uk"),
        ("-0.97,51.45,0", "invalid-input"),
        ("-0.97,51.45,250000", "invalid-input"),
        ("x,y,z", "invalid-coordinates"),
        ("-0.97,51.45", "invalid-coordinates"),
        ("nan,51.45,100", "invalid-coordinates"),
    ],
)
def test_bad_near_is_a_422_problem(client: TestClient, near: str, code: str) -> None:
    _problem(client.get("/activities", params={"near": near}), 422, code)


def test_unknown_ons_code_is_404(client: TestClient) -> None:
    _problem(client.get("/activities", params={"within": "E23999999"}), 404, "not-found")
    _problem(client.get("/territories/E23999999"), 404, "not-found")


def test_request_validation_is_a_problem(client: TestClient) -> None:
    body = _problem(client.get("/activities", params={"limit": "0"}), 422, "validation-error")
    assert body["errors"][0]["loc"] == ["query", "limit"]


def _search(client: TestClient, geometry: Any) -> Any:
    return client.post("/activities/search", json={"within": geometry})


def test_bad_polygons(client: TestClient) -> None:
    bowtie = [[-1.0, 51.0], [-0.5, 51.5], [-0.5, 51.0], [-1.0, 51.5], [-1.0, 51.0]]
    _problem(_search(client, {"type": "Polygon", "coordinates": [bowtie]}), 422, "invalid-geometry")
    _problem(
        _search(client, {"type": "Polygon", "coordinates": [[[1, 2]]]}), 422, "invalid-geometry"
    )
    swapped = [[51.0, -1.0], [51.5, -1.0], [51.5, -0.5], [51.0, -1.0]]
    _problem(
        _search(client, {"type": "Polygon", "coordinates": [swapped]}), 422, "swapped-coordinates"
    )
    ring = [[-1.0, 51.0], [-0.5, 51.0], [-0.5, 51.5], [-1.0, 51.0]]
    crs = {"type": "name", "properties": {"name": "EPSG:27700"}}
    geom = {"type": "Polygon", "coordinates": [ring], "crs": crs}
    _problem(_search(client, geom), 422, "unsupported-crs")
    _problem(_search(client, point(-1.0, 51.0)), 422, "invalid-geometry")
    r = _search(client, {"type": "Blob", "coordinates": []})
    _problem(r, 422, "validation-error")


def test_activity_outside_uk_is_refused(client: TestClient, world: World) -> None:
    body = {
        "id": "act-paris",
        "provider_id": "prov-1",
        "name": "Paris",
        "location": point(2.35, 48.85),
    }
    _problem(
        client.post("/activities", json=body, headers=world.auth("provider")), 422, "outside-uk"
    )


def test_body_size_limit(client: TestClient, world: World) -> None:
    big = {
        "id": "x",
        "provider_id": "prov-1",
        "name": "x",
        "location": point(-1, 51),
        "description": "a" * 3_000_000,
    }
    _problem(
        client.post("/activities", json=big, headers=world.auth("provider")),
        413,
        "payload-too-large",
    )


def test_bad_token_is_401_with_challenge(client: TestClient) -> None:
    r = client.get("/accounts/me", headers={"Authorization": "Bearer nope"})
    _problem(r, 401, "unauthenticated")
    assert r.headers["www-authenticate"] == "Bearer"
    _problem(client.get("/accounts/me"), 401, "unauthenticated")


def test_unknown_route_is_a_problem(client: TestClient) -> None:
    _problem(client.get("/nowhere"), 404, "not-found")


def test_server_error_hides_the_exception(seeded: Seeded) -> None:
    from api.app import create_app

    settings, store, _ = seeded
    app = create_app(settings, store=store)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret database password in message")

    with TestClient(app, raise_server_exceptions=False) as c:
        body = _problem(c.get("/boom"), 500, "internal-error")
    assert "secret" not in body["detail"]


def test_wrong_method_keeps_the_allow_header(client: TestClient) -> None:
    r = client.delete("/territories")
    _problem(r, 405, "method-not-allowed")
    assert "GET" in r.headers["allow"]
