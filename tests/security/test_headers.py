"""Security headers on every answer, no server banner, tokens kept out of logs, long request
lines answered as problem+json."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient

from api.hardening import RedactTokens, redact
from tests.aio import run_fresh
from tests.api.seed import World


@pytest.mark.parametrize(
    "url", ["/activities", "/activities/nope", "/maps/coverage?territory=E23000029", "/docs"]
)
def test_every_answer_carries_the_security_headers(
    client: TestClient, world: World, url: str
) -> None:
    answer = client.get(url, headers=world.auth("admin"))
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-frame-options"] in ("DENY", "SAMEORIGIN")
    csp = answer.headers["content-security-policy"]
    assert "frame-ancestors" in csp and "http" not in csp  # no external origin allowed
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert "server" not in answer.headers


def test_json_answers_allow_no_script_at_all(client: TestClient) -> None:
    csp = client.get("/activities").headers["content-security-policy"]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp


def test_a_map_page_is_not_framable_elsewhere(client: TestClient, world: World) -> None:
    token = world.tokens["admin"]
    answer = client.get(
        "/maps/coverage?territory=E23000029", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200
    assert "frame-ancestors 'self'" in answer.headers["content-security-policy"]
    assert answer.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("size", [70_000, 200_000])
def test_an_over_long_request_line_is_a_problem_414(client: TestClient, size: int) -> None:
    """Sent as raw ASGI: HTTP clients refuse to build such URLs themselves."""
    app = client.app
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/activities",
        "raw_path": b"/activities",
        "query_string": b"bbox=" + b"1" * size,
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }
    run_fresh(app(scope, receive, send))  # type: ignore[arg-type]
    start, body = sent[0], sent[1]
    assert start["status"] == 414
    assert (b"content-type", b"application/problem+json") in start["headers"]  # type: ignore[operator]
    assert json.loads(body["body"])["type"].endswith("/uri-too-long")  # type: ignore[arg-type]


def test_over_large_headers_are_a_problem_431(client: TestClient) -> None:
    answer = client.get("/activities", headers={"X-Junk": "j" * 70_000})
    assert answer.status_code == 431
    assert answer.json()["type"].endswith("/headers-too-large")


def test_tokens_are_stripped_from_access_log_lines(caplog: pytest.LogCaptureFixture) -> None:
    assert redact("GET /maps/x?token=abc.DEF_1&x=1") == "GET /maps/x?token=***&x=1"
    logger = logging.getLogger("test.access")
    logger.addFilter(RedactTokens())
    with caplog.at_level(logging.INFO, logger="test.access"):
        logger.info('%s - "%s %s"', "1.2.3.4", "GET", "/activities?token=s3cr3t")
    assert "s3cr3t" not in caplog.text and "token=***" in caplog.text
