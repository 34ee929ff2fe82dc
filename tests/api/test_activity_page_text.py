"""The REST activity page written as text says byte for byte what the response schema
(``ActivityCollection`` of ``activity_feature``) says: every property, its order, its JSON form
(enums, dates, floats from ints, nulls, UTF-8), distances, links and counts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from fastapi.testclient import TestClient
from shapely.geometry import Point

from api.schemas.activities import ActivityCollection, activity_feature, collection_text
from api.schemas.geojson import Link
from domain.model import Activity, Evidence, Need
from domain.vocabulary import SupportType, ValidationStatus
from tests.builders import make_activity

LINKS = [
    Link(href="http://testserver/activities?limit=2", rel="self", type="application/geo+json"),
    Link(href="http://testserver/activities?limit=2&cursor=b", rel="next", title="Next ✓"),
]


def _schema_text(items: list[Activity], distances: dict[str, float], matched: int | None) -> str:
    features = [activity_feature(a, distances.get(a.id)) for a in items]
    page = ActivityCollection(
        features=features, numberMatched=matched, numberReturned=len(features), links=LINKS
    )
    return page.model_dump_json(by_alias=True)


def _varied() -> list[Activity]:
    plain = make_activity(id="act-a")
    rich = make_activity(
        id="act-b",
        name='Café "Ünïcode" \\ club\t\x01 line\u2028end',
        location=Point(-1.2345678901234567, 52.000000001),
        themes=(),
        needs=(
            Need(SupportType.CASH, "kit", 1500, "GBP"),  # an int amount: written as a float
            Need(SupportType.SKILLS, "", None, None, "digital"),
        ),
        evidence=(Evidence("Evaluation", "https://example.org/e", 4, "reoffending", 12),),
        validation_status=ValidationStatus.PENDING,
        validated_until=None,
        active=False,
        funding_gap_gbp=25_000,
        at_risk=True,
        postcode="RG1 1AA",
        local_authority_code="E06000038",
        territory_code="E23000035",
        region_code="E12000008",
        version=7,
    )
    big = replace(plain, id="act-c", funding_gap_gbp=1e16, validated_until=date(2027, 3, 1))
    return [plain, rich, big]


@pytest.mark.parametrize("matched", [3, None])
@pytest.mark.parametrize("with_distances", [False, True], ids=["listing", "near"])
def test_the_page_text_is_the_schemas_text(matched: int | None, with_distances: bool) -> None:
    items = _varied()
    distances = {"act-a": 12.5, "act-b": 1000, "act-c": 0.0} if with_distances else {}
    text = collection_text(items, distances, matched=matched, links=LINKS).decode()
    assert text == _schema_text(items, distances, matched)


def test_an_empty_page_is_the_schemas_text() -> None:
    assert collection_text([], {}, matched=0, links=LINKS[:1]).decode() == (
        ActivityCollection(features=[], numberMatched=0, numberReturned=0, links=LINKS[:1])
        .model_dump_json(by_alias=True)
    )  # fmt: skip


def test_the_listing_answers_the_schemas_text(client: TestClient) -> None:
    r = client.get("/activities", params={"limit": 2})
    assert r.status_code == 200
    body = ActivityCollection.model_validate(r.json())  # what the schema promises
    assert body.numberReturned == 2 and any(link.rel == "next" for link in body.links)
    assert r.text == body.model_dump_json(by_alias=True)


def test_a_value_json_cannot_say_is_null_as_in_the_schema() -> None:
    odd = [make_activity(id="act-nan", funding_gap_gbp=float("nan"))]
    assert collection_text(odd, {}, matched=1, links=LINKS).decode() == _schema_text(odd, {}, 1)
