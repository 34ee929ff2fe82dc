"""Page decoding (``decode_rows`` and ``store.codec.builder``): every read path gives back what
was written, on both backends, and a trusted build is the constructor's value."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest
from shapely.geometry import Point, box
from sqlalchemy import text

from domain.errors import InvalidInput
from domain.model import Activity, Evidence, Need, Provider
from domain.vocabulary import SupportType, ValidationStatus
from spo.scoring import Rubric
from store.codec import builder, from_json
from store.codec_rows import entity_key
from store.port import ENTITY_TYPES, FeatureQuery, Store
from tests.builders import (
    make_activity,
    make_local_authority,
    make_provider,
    make_region,
    make_territory,
)
from tests.store.world import seed_world


def _as_stored(entity: object) -> object:
    """What the store holds for ``entity`` (an activity gets its area codes from its place)."""
    if isinstance(entity, Activity):
        return dataclasses.replace(
            entity,
            local_authority_code="E06000038",
            territory_code="E23000029",
            region_code="E12000008",
        )
    return entity


def test_every_kind_reads_back_equal_through_find_iter_all_and_query(store: Store) -> None:
    items = seed_world(store)
    assert {type(e) for e in items} == set(ENTITY_TYPES)
    for entity in items:
        kind, want = type(entity), _as_stored(entity)
        assert store.find(kind) == [want], kind.__name__
        assert list(store.iter_all(kind)) == [want], kind.__name__
        if kind is not Provider:  # query: the kinds the OGC collections serve and more
            rows, matched = store.query(kind, FeatureQuery(limit=5))
            assert (rows, matched) == ([want], 1), kind.__name__
        assert store.get(kind, entity_key(entity)) == want


def _full_activity(id_: str) -> Activity:
    """Every field set away from its default: a polygon, nested needs and evidence, dates."""
    return make_activity(
        id=id_,
        description="Evenings, weekends",
        themes=("serious_violence", "youth_diversion", "fraud_cybercrime"),
        needs=(
            Need(SupportType.VOLUNTEERING, "coaches", 200.0, "hours", "sport"),
            Need(SupportType.CASH, "kit", None, None, None),
        ),
        evidence=(Evidence("evaluation", "https://example.org/e", 4, "reoffending", 35.5),),
        service_area=box(-1.05, 51.41, -0.93, 51.49),
        validation_status=ValidationStatus.VALIDATED,
        validated_until=date(2031, 3, 31),
        active=False,
        funding_gap_gbp=12_500.25,
        at_risk=True,
        postcode="RG1 1AA",
        version=1,
    )


def _seed_places(store: Store) -> None:
    store.put_many([make_region(), make_territory(), make_local_authority(), make_provider()])


def test_a_page_of_full_activities_reads_back_equal_on_every_read_path(store: Store) -> None:
    _seed_places(store)
    items = [
        _full_activity("act-full"),
        make_activity(id="act-plain", needs=(), evidence=(), themes=()),
        make_activity(id="act-pending", validation_status=ValidationStatus.PENDING),
    ]
    store.put_many(items)
    want = sorted((_as_stored(a) for a in items), key=lambda a: a.id)  # type: ignore[attr-defined]
    assert store.find(Activity, limit=10) == want
    assert store.find(Activity, limit=1, after="act-full") == [want[1]]
    assert list(store.iter_all(Activity)) == want
    assert store.query(Activity, FeatureQuery(limit=10)) == (want, 3)
    area = box(-1.2, 51.3, -0.8, 51.6)
    assert store.activities_within(area) == want
    assert store.activities_in_area("E06000038") == want
    found = store.nearest_activities(-0.97, 51.45, radius_m=50_000, k=3)
    assert sorted((n.activity for n in found), key=lambda a: a.id) == want


def test_a_row_written_before_a_field_existed_reads_with_its_default(store: Store) -> None:
    _seed_places(store)
    store.put(_full_activity("act-old"))
    engine = store.engine  # type: ignore[attr-defined]
    drop = (
        "data - 'postcode' - 'at_risk'"
        if engine.dialect.name == "postgresql"
        else ("json_remove(data, '$.postcode', '$.at_risk')")
    )
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE activities SET data = {drop}"))
    (got,) = store.find(Activity)
    assert (got.postcode, got.at_risk) == (None, False)
    stored = _as_stored(_full_activity("act-old"))
    assert isinstance(stored, Activity)
    assert got == dataclasses.replace(stored, postcode=None, at_risk=False)


def test_a_trusted_build_equals_the_constructor_and_fills_defaults() -> None:
    build = builder(Activity)
    values: dict[str, Any] = {"id": "a", "provider_id": "p", "name": "n", "location": Point(0, 51)}
    built = build(dict(values))
    assert built == Activity(**values)
    assert vars(built) == vars(Activity(**values))
    assert hash(built) == hash(Activity(**values))
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.name = "changed"
    assert dataclasses.replace(built, name="m").name == "m"


def test_a_trusted_build_missing_a_required_field_fails_as_the_constructor() -> None:
    with pytest.raises(TypeError, match="location"):
        builder(Activity)({"id": "a", "provider_id": "p", "name": "n"})


def test_a_class_that_checks_itself_is_still_checked_when_decoded() -> None:
    with pytest.raises(InvalidInput, match="rubric"):
        from_json(Rubric, {"id": "bad", "weights": [["value", 1.0]]})


def test_nested_values_decode_to_their_types_and_ignore_unknown_keys() -> None:
    need = from_json(Need, {"support_type": "cash", "amount": 3, "retired_key": 1})
    assert need == Need(SupportType.CASH, amount=3)
    assert need.support_type is SupportType.CASH
    with pytest.raises(ValueError, match="'no-such-support'"):
        from_json(Need, {"support_type": "no-such-support"})
