"""The SPO lifecycle over HTTP, end to end, and live updates as Server-Sent Events."""

from __future__ import annotations

import json
import threading
import time
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.schemas.spos import Awarded, ProgressOut, SpoOut
from services.events import buyer_topic
from spo.scoring import QUALITATIVE_PARTS
from tests.api.conftest import Seeded
from tests.api.live import serve
from tests.api.seed import World

TODAY = date.today().isoformat()  # delivery is never dated in the future

pytestmark = pytest.mark.timeout(60)
LINE = {
    "line_id": "l1",
    "activity_id": "act-1",
    "support_type": "cash",
    "amount": 8000,
    "unit": "GBP",
    "priority": "serious_violence",
    "milestones": [{"due": "2027-06-30", "amount": 4000}, {"due": "2027-12-31", "amount": 8000}],
}
MARKS = {q: {"mark": 3, "reason": "clear local plan"} for q in QUALITATIVE_PARTS}


def _post(client: Any, world: World, who: str, path: str, body: dict[str, Any]) -> Any:
    r = client.post(path, json=body, headers=world.auth(who))
    assert r.status_code in (200, 201), r.text
    return r.json()


def test_whole_lifecycle(client: TestClient, world: World) -> None:
    spo = SpoOut.model_validate(
        _post(
            client,
            world,
            "supplier",
            "/spos",
            {"id": "flow-1", "tender_id": "tender-1", "title": "Flow"},
        )
    )
    assert spo.state == "draft" and spo.supplier_id == "sup-1"
    spo = SpoOut.model_validate(
        _post(
            client,
            world,
            "supplier",
            "/spos/flow-1/lines",
            {**LINE, "expected_version": spo.version},
        )
    )
    assert spo.lines[0].local_authority_code == "E06000038" and spo.lines[0].territory_code
    stale = client.post(
        "/spos/flow-1/submit", json={"expected_version": 1}, headers=world.auth("supplier")
    )
    assert stale.status_code == 409 and stale.json()["type"].endswith("/stale-version")
    spo = SpoOut.model_validate(
        _post(client, world, "supplier", "/spos/flow-1/submit", {"expected_version": spo.version})
    )
    spo = SpoOut.model_validate(
        _post(
            client,
            world,
            "buyer",
            "/spos/flow-1/score",
            {"expected_version": spo.version, "marks": MARKS},
        )
    )
    assert spo.state == "scored" and spo.score is not None and spo.score.total > 0
    awarded = Awarded.model_validate(
        _post(client, world, "buyer", "/spos/flow-1/award", {"expected_version": spo.version})
    )
    assert awarded.spo.content_hash and awarded.contract.spo_id == "flow-1"
    spo = awarded.spo
    spo = SpoOut.model_validate(
        _post(
            client, world, "buyer", "/spos/flow-1/start-delivery", {"expected_version": spo.version}
        )
    )
    _post(
        client,
        world,
        "provider",
        "/spos/flow-1/progress",
        {"report_id": "flow-rep", "line_id": "l1", "amount": 4000, "delivered_on": TODAY},
    )
    r = client.get(
        "/spos/flow-1/progress", params={"as_of": "2027-07-01"}, headers=world.auth("buyer")
    )
    progress = ProgressOut.model_validate(r.json())
    assert progress.delivered_by_unit == {"GBP": 4000} and progress.committed_by_unit == {
        "GBP": 8000
    }
    varied = SpoOut.model_validate(
        _post(
            client,
            world,
            "buyer",
            "/spos/flow-1/vary",
            {
                "expected_version": spo.version,
                "reason": "activity grew",
                "lines": [{**LINE, "amount": 9000}],
            },
        )
    )
    assert varied.lines[0].amount == 9000 and len(varied.variations) == 1
    assert varied.content_hash != spo.content_hash
    history = client.get("/spos/flow-1/history", headers=world.auth("buyer")).json()
    actions = [e["action"] for e in history]
    assert actions[:3] == ["spo.create", "spo.edit", "spo.submit"] and "spo.vary" in actions


def test_locked_spo_refuses_edits(client: TestClient, world: World) -> None:
    spo = client.get("/spos/spo-live", headers=world.auth("supplier")).json()
    r = client.post(
        "/spos/spo-live/lines",
        json={**LINE, "line_id": "l9", "expected_version": spo["version"]},
        headers=world.auth("supplier"),
    )
    assert r.status_code == 409


def test_buyer_follows_its_tenders_live(seeded: Seeded) -> None:
    settings, store, world = seeded
    app = create_app(settings, store=store)
    received: list[dict[str, str]] = []

    with serve(app) as base, httpx.Client(base_url=base, timeout=30) as http:

        def listen() -> None:
            with http.stream(
                "GET", "/spos/events", params={"max_events": 2}, headers=world.auth("buyer")
            ) as r:
                event: dict[str, str] = {}
                for line in r.iter_lines():
                    if not line:
                        if "event" in event:
                            received.append(event)
                        event = {}
                        continue
                    key, _, value = line.partition(":")
                    event[key] = value.strip()

        listener = threading.Thread(target=listen)
        listener.start()
        deadline = time.monotonic() + 10
        while app.state.broadcaster.subscriber_count(buyer_topic("buyer-1")) == 0:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        spo = _post(http, world, "supplier", "/spos", {"id": "live-1", "tender_id": "tender-1"})
        spo = _post(
            http,
            world,
            "supplier",
            "/spos/live-1/lines",
            {**LINE, "expected_version": spo["version"]},
        )
        spo = _post(
            http, world, "supplier", "/spos/live-1/submit", {"expected_version": spo["version"]}
        )
        _post(
            http,
            world,
            "buyer",
            "/spos/live-1/score",
            {"expected_version": spo["version"], "marks": MARKS},
        )
        listener.join(timeout=20)
    assert [e["event"] for e in received] == ["spo.submit", "spo.score"]
    assert json.loads(received[1]["data"])["state"] == "scored"


def test_vary_applies_the_same_line_rule_as_adding_a_line(client: TestClient, world: World) -> None:
    """A pending activity is refused the same way by /lines (draft) and /vary (locked SPO)."""
    pending = {**LINE, "line_id": "l-pending", "activity_id": "act-pending"}
    draft = client.get("/spos/spo-draft", headers=world.auth("supplier")).json()
    added = client.post(
        "/spos/spo-draft/lines",
        json={**pending, "expected_version": draft["version"]},
        headers=world.auth("supplier"),
    )
    live = client.get("/spos/spo-live", headers=world.auth("buyer")).json()
    kept = [
        {**{k: line[k] for k in LINE if k != "line_id"}, "line_id": line["id"]}
        for line in live["lines"]
    ]
    varied = client.post(
        "/spos/spo-live/vary",
        json={
            "expected_version": live["version"],
            "reason": "add a club",
            "lines": [*kept, pending],
        },
        headers=world.auth("buyer"),
    )
    assert (added.status_code, varied.status_code) == (422, 422), varied.text
    assert added.json()["type"] == varied.json()["type"]
    assert "act-pending" in varied.json()["detail"]
    after = client.get("/spos/spo-live", headers=world.auth("buyer")).json()
    assert after["version"] == live["version"] and len(after["lines"]) == len(live["lines"])
