"""What the provider, validator and PCC journeys need from the demo, made through the API when
the demo lacks it (the demo's own share of pending activities and lines in delivery may be
used up by an earlier journey of the same session)."""

from __future__ import annotations

import secrets
from typing import Any

from tests.web.conftest import WebServer

TERRITORY = "E23000029"
#: Reading, Thames Valley (lon, lat): on land, inside the demo territory
READING = (-0.9730, 51.4543)


def pending_in_territory(server: WebServer) -> list[dict[str, Any]]:
    """The pending activities the demo validator sees in its territory."""
    with server.api("validator") as api:
        r = api.get("/activities", params={"status": "pending", "limit": 100})
        r.raise_for_status()
        features: list[dict[str, Any]] = r.json()["features"]
        return features


def ensure_pending(server: WebServer, count: int) -> list[dict[str, Any]]:
    """At least ``count`` pending activities in the territory (positioned by the demo provider
    over the API when there are fewer)."""
    found = pending_in_territory(server)
    provider = server.logins["provider"].organisation_id
    with server.api("provider") as api:
        for n in range(count - len(found)):
            body = {
                "id": f"act-journey-{secrets.token_hex(4)}",
                "provider_id": provider,
                "name": f"Journey test club {n + 1}",
                "location": {"type": "Point", "coordinates": [READING[0] + n / 100, READING[1]]},
                "description": "Made by the validator journey: pending for a decision.",
                "themes": ["youth_diversion"],
            }
            api.post("/activities", json=body).raise_for_status()
    return pending_in_territory(server)
