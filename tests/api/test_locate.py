"""``GET /locate``: the same JSON as ``dicm locate --json``, problem+json for bad input."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.problems import PROBLEM_BASE
from api.schemas.locate import LocationBody
from boundaries.lookup_index import LookupIndex
from dicm.settings import Settings
from services.locate import locate, locate_for
from store.factory import open_store
from store.port import Store
from tests.api.seed import World
from tests.geo.fixtures import bundled, geo_data_dir, lookup

__all__ = ["bundled", "geo_data_dir", "lookup"]


@pytest.fixture(scope="module")
def bare(
    geo_data_dir: Path, lookup: LookupIndex, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """An app over an empty database: the lookup index answers."""
    path = tmp_path_factory.mktemp("locate") / "empty.sqlite"
    settings = Settings(database_url=f"sqlite:///{path}", data_dir=geo_data_dir)
    store = open_store(settings.store)
    with TestClient(create_app(settings, store=store), raise_server_exceptions=False) as c:
        yield c
    store.close()


@pytest.mark.parametrize("q", ["RG1 1AF", "51.454,-0.973", "Reading", "Newport, Isle of Wight"])
def test_the_body_is_the_cli_json(bare: TestClient, lookup: LookupIndex, q: str) -> None:
    r = bare.get("/locate", params={"q": q})
    assert r.status_code == 200, r.text
    assert r.json() == locate(lookup, q).to_dict()  # what ``dicm locate --json`` prints
    LocationBody.model_validate(r.json())


def test_a_store_with_boundaries_answers_from_them(
    client: TestClient, seeded: tuple[Settings, Store, World]
) -> None:
    settings, store, _ = seeded
    r = client.get("/locate", params={"q": "51.45,-1.0"})
    assert r.status_code == 200, r.text
    assert r.json() == locate_for(settings.services, "51.45,-1.0", store=store).to_dict()
    assert r.json()["local_authority"]["code"] == "E06000038"


@pytest.mark.parametrize(
    ("q", "status", "code"),
    [
        ("", 422, "empty-query"),
        ("WC9 9ZZ", 404, "unknown-postcode"),
        ("ZZ1 1ZZ", 422, "invalid-postcode"),
        ("-0.973,51.454", 422, "swapped-coordinates"),
        ("48.8566,2.3522", 422, "outside-uk"),
        ("95,200", 422, "invalid-coordinates"),
        ("Xyzzyville", 404, "unknown-place"),
    ],
)
def test_bad_input_is_a_problem(bare: TestClient, q: str, status: int, code: str) -> None:
    r = bare.get("/locate", params={"q": q})
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"] == PROBLEM_BASE + code and r.json()["detail"]


def test_an_ambiguous_name_lists_its_candidates(bare: TestClient) -> None:
    r = bare.get("/locate", params={"q": "Newport"})
    assert r.status_code == 409 and r.json()["type"] == PROBLEM_BASE + "ambiguous-place"
    codes = {c["local_authority"]["code"] for c in r.json()["candidates"]}
    assert {"W06000022", "E06000046"} <= codes
    assert "Newport W06000022" in r.json()["detail"]
