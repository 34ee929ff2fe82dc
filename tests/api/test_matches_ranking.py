"""The supplier finder page and ``GET /suppliers/{id}/matches`` rank with one recommender, and
an imported need indicator reaches both (issue 16; issue 12's "two recommenders")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.schemas.matches import RecommendationOut
from dicm.settings import Settings
from domain.model import Need
from domain.vocabulary import SupportType
from services.imports import import_indicator
from store.port import Store
from tests.api.seed import OXFORD, READING, TV, World
from tests.builders import make_activity

ROW = re.compile(
    r'\[-?[\d.]+, ?-?[\d.]+, ?(\d+), ?\d+, ?[\d.]+, ?[\d.]+, ?\d+, ?\d+, ?\d+, ?"([^"]+)"\]'
)


@pytest.fixture(scope="module", autouse=True)
def more_activities(seeded: tuple[Settings, Store, World]) -> None:
    """A dozen more activities around Reading, of several providers, themes and needs, so the
    ranking has ties, tiers and a provider cap to get wrong."""
    _, store, _ = seeded
    themes = [("serious_violence",), ("road_safety",), ()]
    needs = [SupportType.VOLUNTEERING, SupportType.CASH]
    store.put_many(
        [
            make_activity(
                id=f"act-r{i:02d}",
                provider_id="prov-1" if i % 3 == 0 else "prov-2",
                lon_lat=(-0.9730 + 0.01 * (i % 5), 51.4543 + 0.008 * (i // 5)),
                themes=themes[i % 3],
                needs=(Need(needs[i % 2], "help", 100, "hours"),),
                territory_code=TV,
            )
            for i in range(12)
        ]
    )


def _page_ranking(html: str) -> list[str]:
    rows = sorted((int(rank), activity_id) for rank, activity_id in ROW.findall(html))
    return [activity_id for _, activity_id in rows]


def test_the_map_page_ranks_as_the_matches_endpoint(client: TestClient, world: World) -> None:
    api = client.get("/suppliers/sup-1/matches", params={"k": 10}, headers=world.auth("supplier"))
    served = [m.activity_id for m in RecommendationOut.model_validate(api.json()).matches]
    page = client.get("/maps/supplier/sup-1", headers=world.auth("supplier"))
    assert page.status_code == 200, page.text[:300]
    ranking = _page_ranking(page.text)
    assert len(served) == 10 and len(ranking) > 10
    assert ranking[:10] == served


def test_an_imported_need_indicator_reaches_the_matches(
    client: TestClient, world: World, seeded: tuple[Settings, Store, World], tmp_path: Path
) -> None:
    settings = seeded[0]
    auth = world.auth("supplier")

    def need_of(**params: str) -> dict[str, float]:
        body = RecommendationOut.model_validate(
            client.get("/suppliers/sup-1/matches", params={"k": 20, **params}, headers=auth).json()
        )
        return {
            m.activity_id: next(c.value for c in m.contributions if c.feature == "local_need")
            for m in body.matches
        }

    assert set(need_of().values()) == {0.0}
    table = tmp_path / "imd.csv"
    table.write_text(f"lad,score\n{READING},40.0\n{OXFORD},10.0\n", encoding="utf-8")
    report = import_indicator(
        settings.services, table, name="imd", code_column="lad", value_column="score"
    )
    assert report.committed
    needs = need_of()
    assert needs["act-1"] == 1.0  # Reading: the most deprived of the indicator's areas
    named = need_of(need="imd")
    assert named == needs
    missing = client.get("/suppliers/sup-1/matches", params={"need": "nope"}, headers=auth)
    assert missing.status_code == 404
    page = client.get("/maps/supplier/sup-1", headers=world.auth("supplier"))
    api = client.get("/suppliers/sup-1/matches", params={"k": 10}, headers=auth)
    assert _page_ranking(page.text)[:10] == [m["activity_id"] for m in api.json()["matches"]]
