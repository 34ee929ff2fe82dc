"""``PUT /activities/{id}``: a provider rewrites or moves its activity at the version it read.

Moving it, or changing what a validator vouched for, sends it back to pending validation (and a
moved activity is placed in its new local authority); a change of funding gap keeps the
validation. Every refusal leaves the stored activity as it was.
"""

from __future__ import annotations

from itertools import count
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.seed import OXFORD, READING, TV, World, point

READING_CLUB = (-0.97, 51.45)
OXFORD_CLUB = (-1.2577, 51.7520)
_serial = count(1)


def _body(activity_id: str, lon_lat: tuple[float, float], **changes: Any) -> dict[str, Any]:
    return {
        "id": activity_id,
        "provider_id": "prov-1",
        "name": "Riverside boxing club",
        "location": point(*lon_lat),
        "themes": ["youth_diversion"],
        "funding_gap_gbp": 1000.0,
        **changes,
    }


def _props(client: TestClient, world: World, activity_id: str) -> dict[str, Any]:
    r = client.get(f"/activities/{activity_id}", headers=world.auth("admin"))
    assert r.status_code == 200
    props: dict[str, Any] = r.json()["properties"]
    return props


@pytest.fixture
def validated(client: TestClient, world: World) -> str:
    """A fresh activity of prov-1 in Reading, positioned and then validated."""
    activity_id = f"upd-{next(_serial)}"
    r = client.post(
        "/activities", json=_body(activity_id, READING_CLUB), headers=world.auth("provider")
    )
    assert r.status_code == 201, r.text
    r = client.post(
        f"/activities/{activity_id}/validate",
        json={"expected_version": r.json()["properties"]["version"]},
        headers=world.auth("validator"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["properties"]["validation_status"] == "validated"
    return activity_id


def _put(client: TestClient, world: World, who: str, activity_id: str, body: dict[str, Any]) -> Any:
    return client.put(f"/activities/{activity_id}", json=body, headers=world.auth(who))


def test_moving_an_activity_sends_it_back_to_pending(
    client: TestClient, world: World, validated: str
) -> None:
    before = _props(client, world, validated)
    assert before["local_authority_code"] == READING
    body = _body(validated, OXFORD_CLUB, expected_version=before["version"], reason="moved hall")
    r = _put(client, world, "provider", validated, body)
    assert r.status_code == 200, r.text
    after = r.json()["properties"]
    assert after["version"] == before["version"] + 1
    assert after["validation_status"] == "pending" and after["validated_until"] is None
    assert (after["local_authority_code"], after["territory_code"]) == (OXFORD, TV)
    assert r.json()["geometry"]["coordinates"] == list(OXFORD_CLUB)
    # no longer on the public map until a validator looks again
    assert client.get(f"/activities/{validated}").status_code == 404
    history = client.get(f"/activities/{validated}/history", headers=world.auth("provider"))
    last = history.json()[-1]
    assert last["action"] == "activity.position" and last["reason"] == "moved hall"


def test_changing_what_it_does_also_needs_a_new_validation(
    client: TestClient, world: World, validated: str
) -> None:
    version = _props(client, world, validated)["version"]
    body = _body(validated, READING_CLUB, themes=["serious_violence"], expected_version=version)
    r = _put(client, world, "admin", validated, body)
    assert r.status_code == 200, r.text
    assert r.json()["properties"]["validation_status"] == "pending"
    assert r.json()["properties"]["themes"] == ["serious_violence"]


def test_a_new_funding_gap_keeps_the_validation(
    client: TestClient, world: World, validated: str
) -> None:
    before = _props(client, world, validated)
    body = _body(
        validated,
        READING_CLUB,
        funding_gap_gbp=25_000.0,
        at_risk=True,
        expected_version=before["version"],
    )
    r = _put(client, world, "provider", validated, body)
    assert r.status_code == 200, r.text
    after = r.json()["properties"]
    assert after["funding_gap_gbp"] == 25_000.0 and after["at_risk"] is True
    assert after["validation_status"] == "validated"
    assert after["validated_until"] == before["validated_until"]
    assert after["version"] == before["version"] + 1


def test_a_stale_version_is_a_conflict_and_changes_nothing(
    client: TestClient, world: World, validated: str
) -> None:
    before = _props(client, world, validated)
    body = _body(validated, OXFORD_CLUB, expected_version=before["version"] - 1)
    r = _put(client, world, "provider", validated, body)
    assert r.status_code == 409
    assert r.json()["type"].endswith("/stale-version")
    assert _props(client, world, validated) == before


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("provider2", 403), ("validator", 403), ("supplier", 403), ("pcc", 403)],
)
def test_only_its_provider_or_an_admin_may_change_it(
    client: TestClient, world: World, validated: str, who: str | None, status: int
) -> None:
    before = _props(client, world, validated)
    for version in (before["version"], 999):  # the refusal never depends on the version
        body = _body(validated, OXFORD_CLUB, expected_version=version)
        r = client.put(f"/activities/{validated}", json=body, headers=world.auth(who))
        assert r.status_code == status, r.text
    assert _props(client, world, validated) == before


@pytest.mark.parametrize(
    "changes",
    [
        {"provider_id": "prov-2"},  # an activity does not change hands
        {"id": "someone-else"},  # the body's id is the path's
        {"location": point(2.35, 48.85)},  # Paris: outside the UK
        {"location": point(51.45, -0.97)},  # latitude and longitude swapped
        {"expected_version": 0},
    ],
    ids=["provider", "id", "outside-uk", "swapped", "version-0"],
)
def test_invalid_updates_are_refused(
    client: TestClient, world: World, validated: str, changes: dict[str, Any]
) -> None:
    before = _props(client, world, validated)
    body = {**_body(validated, READING_CLUB, expected_version=before["version"]), **changes}
    r = _put(client, world, "admin", validated, body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert _props(client, world, validated) == before


def test_an_unknown_activity_is_not_found(client: TestClient, world: World) -> None:
    body = _body("no-such-activity", READING_CLUB, expected_version=1)
    assert _put(client, world, "admin", "no-such-activity", body).status_code == 404


def test_a_decision_that_does_not_fit_the_state_is_a_409_problem(
    client: TestClient, world: World, validated: str
) -> None:
    """The API's validate and decline go through the validator's state rule
    (``spo.validation.decisions``), as the validator's page does: a declined activity is not
    validated or declined again until its provider positions it, and says so."""
    version = _props(client, world, validated)["version"]
    r = client.post(
        f"/activities/{validated}/decline",
        json={"expected_version": version, "reason": "no safeguarding policy"},
        headers=world.auth("validator"),
    )
    assert r.status_code == 200, r.text
    version = r.json()["properties"]["version"]
    for verb, body in (
        ("validate", {"expected_version": version}),
        ("decline", {"expected_version": version, "reason": "again"}),
    ):
        r = client.post(
            f"/activities/{validated}/{verb}", json=body, headers=world.auth("validator")
        )
        assert r.status_code == 409, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        problem = r.json()
        assert problem["type"].endswith("/conflict")
        assert "declined" in problem["detail"] and "position it again" in problem["detail"]
    after = _props(client, world, validated)
    assert (after["validation_status"], after["version"]) == ("declined", version)
