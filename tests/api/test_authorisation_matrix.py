"""The authorisation matrix: every endpoint called as every role (and anonymously).

Each row names the expected status per caller (``DEFAULT`` for callers not named). Writes that
would succeed use ids unique to the caller, and transitions are sent with a stale version, so
the matrix checks the permission decision without changing the seeded world (and, since a
refusal never depends on the version, a stale version still shows who is refused). A second set
of tests checks that listings never leak another organisation's data.

The HTML map pages (``/maps/*``) follow the rules of the resources they draw; they are called
with the bearer header, and with the token as ``?token=``, which every caller gets refused (400
``token-in-url``): a token in an address never signs anyone in.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from maps.assets import missing_assets
from tests.api.seed import ACCOUNTS, HANTS, READING, SOUTH_EAST, TV, World, point

CALLERS: tuple[str | None, ...] = (None, *ACCOUNTS)
DEFAULT = "default"
Expected = dict[str | None, int]
PUBLIC: Expected = {DEFAULT: 200}
SIGNED_IN: Expected = {None: 401, DEFAULT: 200}

Body = Callable[[str], dict[str, Any]]


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    expected: dict[str | None, int]
    body: Body | None = None
    params: dict[str, Any] = field(default_factory=dict)
    token_in_query: bool = False  # send the token as ``?token=`` (refused everywhere)

    def status_for(self, caller: str | None) -> int:
        return self.expected.get(caller, self.expected[DEFAULT])


def _activity(caller: str) -> dict[str, Any]:
    return {
        "id": f"m-act-{caller}",
        "provider_id": "prov-1",
        "name": "Matrix club",
        "location": point(-0.97, 51.45),
        "themes": ["youth_diversion"],
    }


def _tender(caller: str) -> dict[str, Any]:
    return {
        "id": f"m-tender-{caller}",
        "buyer_id": "buyer-1",
        "title": "Matrix tender",
        "territory_code": TV,
    }


def _provider(caller: str) -> dict[str, Any]:
    return {"id": f"m-prov-{caller}", "name": "Matrix charity"}


def _account(caller: str) -> dict[str, Any]:
    return {"id": f"m-acct-{caller}", "name": "x", "role": "supplier", "organisation_id": "sup-1"}


def _spo(caller: str) -> dict[str, Any]:
    return {"id": f"m-spo-{caller}", "tender_id": "tender-1"}


def _stale(_caller: str) -> dict[str, Any]:
    return {"expected_version": 999}


def _stale_update(activity_id: str, lon_lat: tuple[float, float]) -> Body:
    def body(_caller: str) -> dict[str, Any]:
        return {
            "id": activity_id,
            "provider_id": "prov-1",
            "name": "Moved club",
            "location": point(*lon_lat),
            "themes": ["youth_diversion"],
            "expected_version": 999,
        }

    return body


def _stale_score(_caller: str) -> dict[str, Any]:
    return {"expected_version": 999, "marks": {}}


SPO_READERS_DENIED = {None: 401, "validator": 403, "pcc": 403, "pcc2": 403}
ANALYTICS = {None: 401, "admin": 200, "pcc": 200, "buyer": 200, DEFAULT: 403}
#: a supplier's own accounts, buyers (who evaluate its bids) and admins: as its matches
SUPPLIER_READERS = {None: 401, "admin": 200, "buyer": 200, "buyer2": 200, DEFAULT: 403}

MAP_ROWS: tuple[Row, ...] = (
    Row("GET", "/maps/supplier/sup-1", {**SUPPLIER_READERS, "supplier": 200, "supplier2": 404}),
    Row("GET", "/maps/supplier/sup-2", {**SUPPLIER_READERS, "supplier": 404, "supplier2": 200}),
    Row(
        "GET",
        "/maps/supplier/nope",
        {
            **SUPPLIER_READERS,
            "admin": 404,
            "buyer": 404,
            "buyer2": 404,
            "supplier": 404,
            "supplier2": 404,
        },
    ),
    Row("GET", "/maps/coverage", ANALYTICS, params={"territory": TV}),
    Row("GET", f"/maps/heatmap/{TV}", ANALYTICS),
    Row(
        "GET",
        f"/maps/heatmap/{HANTS}",
        {None: 401, "admin": 200, "pcc2": 200, "buyer2": 200, DEFAULT: 403},
    ),
    Row("GET", "/maps/spo/spo-live", {None: 200, DEFAULT: 200}),  # awarded: a public contract
    Row(
        "GET",
        "/maps/spo/spo-draft",
        {**SPO_READERS_DENIED, "admin": 200, "supplier": 200, DEFAULT: 404},
    ),
    Row(
        "GET",
        "/maps/spo/spo-hants",
        {**SPO_READERS_DENIED, "admin": 200, "supplier2": 200, "buyer2": 200, DEFAULT: 404},
    ),
)

ROWS: tuple[Row, ...] = (
    # public geography, directory and OGC API
    *(
        Row("GET", path, PUBLIC)
        for path in (
            "/regions",
            f"/regions/{SOUTH_EAST}",
            "/territories",
            f"/territories/{TV}",
            "/local-authorities",
            f"/local-authorities/{READING}",
            "/providers",
            "/providers/prov-1",
            "/buyers",
            "/buyers/buyer-1",
            "/tenders",
            "/tenders/tender-1",
            "/activities",
            "/activities/act-1",
            "/activities/act-1/history",
            "/ogc",
            "/ogc/conformance",
            "/ogc/collections",
            "/ogc/collections/activities",
            "/ogc/collections/activities/items",
            "/ogc/collections/activities/items/act-1",
            "/ogc/collections/territories/items",
        )
    ),
    Row("GET", "/ogc/collections/activities/items/act-pending", {DEFAULT: 404}),
    # activities that are not validated yet
    Row(
        "GET",
        "/activities/act-pending",
        {"admin": 200, "provider": 200, "validator": 200, DEFAULT: 404},
    ),
    Row("GET", "/activities/act-soton-pending", {"admin": 200, "provider2": 200, DEFAULT: 404}),
    Row(
        "GET",
        "/activities",
        {
            None: 401,
            "admin": 200,
            "provider": 200,
            "provider2": 200,
            "validator": 200,
            DEFAULT: 403,
        },
        params={"status": "pending"},
    ),
    Row(
        "POST",
        "/activities",
        {None: 401, "admin": 201, "provider": 201, "provider2": 404, DEFAULT: 403},
        body=_activity,
    ),
    Row(
        "POST",
        "/activities/act-pending/validate",
        {None: 401, "admin": 409, "validator": 409, "provider": 403, DEFAULT: 404},
        body=_stale,
    ),
    Row(
        "POST",
        "/activities/act-1/validate",
        {None: 401, "admin": 409, "validator": 409, DEFAULT: 403},
        body=_stale,
    ),
    Row(
        "POST",
        "/activities/act-soton-pending/decline",
        {None: 401, "admin": 409, "provider2": 403, DEFAULT: 404},
        body=lambda c: {"expected_version": 999, "reason": "no evidence"},
    ),
    Row(
        "PUT",
        "/activities/act-pending",
        {None: 401, "admin": 409, "provider": 409, "validator": 403, DEFAULT: 404},
        body=_stale_update("act-pending", (-0.95, 51.46)),
    ),
    Row(
        "PUT",
        "/activities/act-1",
        {None: 401, "admin": 409, "provider": 409, DEFAULT: 403},
        body=_stale_update("act-1", (-0.95, 51.46)),
    ),
    # organisations
    Row(
        "GET",
        "/suppliers",
        {
            None: 401,
            "admin": 200,
            "buyer": 200,
            "buyer2": 200,
            "supplier": 200,
            "supplier2": 200,
            DEFAULT: 403,
        },
    ),
    Row(
        "GET",
        "/suppliers/sup-1",
        {
            None: 401,
            "admin": 200,
            "buyer": 200,
            "buyer2": 200,
            "supplier": 200,
            "supplier2": 404,
            DEFAULT: 403,
        },
    ),
    Row("POST", "/providers", {None: 401, "admin": 201, DEFAULT: 403}, body=_provider),
    Row(
        "POST",
        "/tenders",
        {None: 401, "admin": 201, "buyer": 201, "buyer2": 404, DEFAULT: 403},
        body=_tender,
    ),
    Row("GET", "/accounts/me", SIGNED_IN),
    Row(
        "GET",
        "/suppliers/sup-1/matches",
        {
            None: 401,
            "admin": 200,
            "buyer": 200,
            "buyer2": 200,
            "supplier": 200,
            "supplier2": 404,
            DEFAULT: 403,
        },
    ),
    Row("POST", "/accounts", {None: 401, "admin": 201, DEFAULT: 403}, body=_account),
    # SPOs
    Row("GET", "/spos", {**SPO_READERS_DENIED, DEFAULT: 200}),
    Row(
        "GET",
        "/spos/spo-draft",
        {**SPO_READERS_DENIED, "admin": 200, "supplier": 200, DEFAULT: 404},
    ),
    Row(
        "GET",
        "/spos/spo-sub",
        {**SPO_READERS_DENIED, "admin": 200, "supplier2": 200, "buyer": 200, DEFAULT: 404},
    ),
    Row(
        "GET",
        "/spos/spo-hants",
        {**SPO_READERS_DENIED, "admin": 200, "supplier2": 200, "buyer2": 200, DEFAULT: 404},
    ),
    Row(
        "GET",
        "/spos/spo-live",
        {
            **SPO_READERS_DENIED,
            "admin": 200,
            "supplier": 200,
            "buyer": 200,
            "provider": 200,
            DEFAULT: 404,
        },
    ),
    Row(
        "GET",
        "/spos/spo-live/progress",
        {
            **SPO_READERS_DENIED,
            "admin": 200,
            "supplier": 200,
            "buyer": 200,
            "provider": 200,
            DEFAULT: 404,
        },
    ),
    Row(
        "GET",
        "/spos/spo-live/history",
        {
            **SPO_READERS_DENIED,
            "admin": 200,
            "supplier": 200,
            "buyer": 200,
            "provider": 200,
            DEFAULT: 404,
        },
    ),
    Row("POST", "/spos", {None: 401, "supplier": 201, "supplier2": 201, DEFAULT: 403}, body=_spo),
    Row(
        "POST",
        "/spos/spo-sub/score",
        {**SPO_READERS_DENIED, "admin": 409, "buyer": 409, "supplier2": 403, DEFAULT: 404},
        body=_stale_score,
    ),
    Row(
        "POST",
        "/spos/spo-sub/withdraw",
        {**SPO_READERS_DENIED, "admin": 409, "supplier2": 409, "buyer": 403, DEFAULT: 404},
        body=_stale,
    ),
    Row(
        "POST",
        "/spos/spo-draft/submit",
        {**SPO_READERS_DENIED, "admin": 409, "supplier": 409, DEFAULT: 404},
        body=_stale,
    ),
    Row(
        "POST",
        "/spos/spo-live/review",
        {
            **SPO_READERS_DENIED,
            "admin": 409,
            "buyer": 409,
            "supplier": 403,
            "provider": 403,
            DEFAULT: 404,
        },
        body=_stale,
    ),
    Row(
        "GET",
        "/spos/events",
        {None: 401, "admin": 200, "buyer": 200, "buyer2": 404, DEFAULT: 403},
        params={"buyer": "buyer-1"},
    ),
    Row(
        "GET",
        "/spos/spo-sub/events",
        {**SPO_READERS_DENIED, "admin": 200, "supplier2": 200, "buyer": 200, DEFAULT: 404},
        params={"max_events": 1},
    ),
    # aggregates
    Row("GET", f"/territories/{TV}/coverage", ANALYTICS, params={"geometry": "false"}),
    Row("GET", f"/territories/{TV}/heatmap", ANALYTICS, params={"level": "h3"}),
    # UK-wide: admins and national buyers (the fixture's buyers each buy for a territory)
    Row("GET", "/coverage", {None: 401, "admin": 200, DEFAULT: 403}, params={"geometry": "false"}),
    Row("GET", "/heatmap", {None: 401, "admin": 200, DEFAULT: 403}, params={"level": "uk"}),
    *MAP_ROWS,
    *(
        replace(row, token_in_query=True, expected={None: row.status_for(None), DEFAULT: 400})
        for row in MAP_ROWS
    ),
)


def _call(client: TestClient, world: World, row: Row, caller: str | None) -> Any:
    body = row.body(caller or "anon") if row.body else None
    if row.path.endswith("/events") and row.status_for(caller) == 200:
        return None  # a live stream: covered by test_events.py
    params, headers = dict(row.params), world.auth(caller)
    if row.token_in_query and caller is not None:
        params["token"], headers = world.tokens[caller], {}
    return client.request(row.method, row.path, params=params, json=body, headers=headers)


@pytest.fixture(scope="module")
def map_assets() -> None:
    """Map pages answer 503 without the Leaflet files (``make assets``): install them once."""
    if missing_assets():
        script = Path(__file__).resolve().parents[2] / "scripts" / "install-assets.sh"
        subprocess.run(["bash", str(script)], check=True)


def _row_id(row: Row) -> str:
    return f"{row.method} {row.path}" + (" ?token=" if row.token_in_query else "")


@pytest.mark.parametrize("row", ROWS, ids=_row_id)
def test_every_endpoint_as_every_role(
    client: TestClient, world: World, row: Row, request: pytest.FixtureRequest
) -> None:
    if row.path.startswith("/maps/"):
        request.getfixturevalue("map_assets")
    wrong = {}
    for caller in CALLERS:
        r = _call(client, world, row, caller)
        if r is None:
            continue
        if r.status_code != row.status_for(caller):
            wrong[caller or "anonymous"] = (r.status_code, row.status_for(caller), r.text[:120])
        if r.status_code >= 400:
            assert r.headers["content-type"].startswith("application/problem+json")
    assert not wrong


def test_admin_account_is_needed_for_events_without_a_buyer(
    client: TestClient, world: World
) -> None:
    assert client.get("/spos/events", headers=world.auth("admin")).status_code == 422


def _ids(r: Any) -> set[str]:
    body = r.json()
    items = body["features"] if isinstance(body, dict) else body
    return {x["id"] for x in items if not x["id"].startswith("m-")}  # not the matrix's own


def test_listings_never_leak_another_organisation(client: TestClient, world: World) -> None:
    def get(path: str, who: str | None, **p: str) -> Any:
        return client.get(path, params=p, headers=world.auth(who))

    assert _ids(get("/spos", "supplier")) == {"spo-draft", "spo-live"}
    assert _ids(get("/spos", "supplier2")) == {"spo-sub", "spo-hants"}
    assert _ids(get("/spos", "buyer")) == {"spo-sub", "spo-live"}
    assert _ids(get("/spos", "buyer2")) == {"spo-hants"}
    assert _ids(get("/spos", "provider")) == {"spo-live"}
    assert _ids(get("/spos", "provider2")) == set()
    assert _ids(get("/spos", "buyer", tender="tender-2")) == set()
    assert _ids(get("/suppliers", "supplier")) == {"sup-1"}
    pending = _ids(get("/activities", "provider", status="pending"))
    assert "act-soton-pending" not in pending and "act-pending" in pending
    for f in get("/activities", "validator", status="pending").json()["features"]:
        assert f["properties"]["territory_code"] == TV
    public = _ids(get("/activities", None))
    assert not public & {"act-pending", "act-declined", "act-soton-pending"}
    me = get("/accounts/me", "supplier").json()
    assert me["organisation_id"] == "sup-1" and "token_hash" not in me


def test_map_pages_show_only_the_callers_own_organisation(
    client: TestClient, world: World, map_assets: None
) -> None:
    own = client.get("/maps/supplier/sup-1", headers=world.auth("supplier"))
    assert own.status_code == 200 and "Reading depot" in own.text
    other = client.get("/maps/supplier/sup-1", headers=world.auth("supplier2"))
    assert other.status_code == 404 and "Reading depot" not in other.text
    assert "Thames Build" not in other.text
    hants = client.get(f"/maps/heatmap/{TV}", headers=world.auth("pcc2"))
    assert hants.status_code == 403 and "Thames Valley" not in hants.text


def test_a_map_page_is_neither_cached_nor_sent_on_in_a_referer(
    client: TestClient, world: World, map_assets: None
) -> None:
    r = client.get(f"/maps/heatmap/{TV}", headers=world.auth("pcc"))
    assert r.status_code == 200
    assert r.headers["referrer-policy"] == "no-referrer"  # never to a tile server
    assert "no-store" in r.headers["cache-control"]


HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def test_a_browser_nobody_signed_in_to_is_sent_to_the_sign_in_page(client: TestClient) -> None:
    r = client.get(
        f"/maps/heatmap/{TV}", params={"period": "2027"}, headers=HTML, follow_redirects=False
    )
    assert r.status_code == 303
    assert (
        r.headers["location"] == "/app/sign-in?next=%2Fmaps%2Fheatmap%2FE23000029%3Fperiod%3D2027"
    )
    # other clients get the API's problem+json
    r = client.get(f"/maps/heatmap/{TV}")
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")


def test_a_token_in_the_address_is_refused_and_never_signs_in(
    client: TestClient, world: World, map_assets: None
) -> None:
    """A working token in ``?token=`` is refused (before, it opened the page): readable for a
    browser, problem+json for a program, even beside a valid bearer header."""
    token = world.tokens["pcc"]
    for name in ("token", "access_token"):
        r = client.get(f"/maps/heatmap/{TV}", params={name: token}, headers=HTML)
        assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
        assert "no longer take a token in their address" in r.text and token not in r.text
        assert "/app/sign-in" in r.text and "no-store" in r.headers["cache-control"]
    r = client.get(f"/maps/heatmap/{TV}", params={"token": token}, headers=world.auth("pcc"))
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"].endswith("/token-in-url")


def test_no_page_takes_a_token_in_the_query(client: TestClient, world: World) -> None:
    token = world.tokens["admin"]
    assert client.get("/suppliers/sup-1", params={"token": token}).status_code == 401
    assert client.get(f"/territories/{TV}/heatmap", params={"token": token}).status_code == 401
    assert client.get("/maps/supplier/sup-1", params={"token": token}).status_code == 400
