"""``put_many``'s column-wise encoding (``store.bulk_rows``) writes what ``put`` writes: the
same stored bytes, row for row, on both backends, for every entity type and the awkward
values (area codes filled from ``locate``, the coast rule, an int where a float is declared,
non-ASCII text, a dict with a non-string key, no geometry), fresh and when replacing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import pytest
from shapely.geometry import Point, box

from domain.model import Activity, Evidence, LocalAuthority, Need, Region, SmallArea, Territory
from domain.vocabulary import SupportType, ValidationStatus
from store import bulk_ahead
from store.codec import json_text, to_json
from store.codec_rows import MAPPINGS
from store.port import ENTITY_TYPES, Entity, Store
from tests.builders import make_activity
from tests.store.world import make_spo, one_of_each, seed_order

_AREAS = (Region, Territory, LocalAuthority, SmallArea)


def _activities() -> list[Activity]:
    """Activities that exercise every column rule of the encoder."""
    return [
        make_activity(id="act-coded"),  # codes located from the stored Reading boundary
        make_activity(
            id="act-odd",
            name='Café "Zoë" – naïve \\ tab\t',
            description="línea\nnueva ✓",
            themes=(),
            needs=(Need(SupportType.SKILLS, amount=None, sector="digital"),),
            evidence=(Evidence("report", url="https://e.org/?a=1&b=2", strength=3, quantity=2.5),),
            service_area=box(-1.0, 51.42, -0.95, 51.47),
            validation_status=ValidationStatus.PENDING,
            validated_until=None,
            funding_gap_gbp=12_345,  # an int where a float is declared: written as it is
            at_risk=True,
            postcode="RG1 1AA",
        ),
        make_activity(id="act-given", local_authority_code="E06000038", territory_code=None),
        make_activity(id="act-nowhere", lon_lat=(-3.0, 55.0)),  # in no stored area
        make_activity(id="act-sea", lon_lat=(-1.06, 51.45)),  # just off the Reading box
    ]


def _entities() -> list[Entity]:
    spo = make_spo(extra={"note": "first bid", 7: [1.5, None, True]})  # a non-str key
    world = [spo if type(e) is type(spo) else e for e in one_of_each()]
    return [*seed_order(world), *_activities()]


def _stored(store: Store) -> dict[str, list[Any]]:
    """Every row of every entity table as the database holds it (PostGIS: each row's text
    form, geography as hex EWKB and jsonb canonical; SQLite: the raw driver values)."""
    engine: Any = store.engine  # type: ignore[attr-defined]
    out: dict[str, list[Any]] = {}
    with engine.connect() as conn:
        for kind in ENTITY_TYPES:
            mapping = MAPPINGS[kind]
            name, key = mapping.table.name, mapping.key
            if engine.dialect.name == "postgresql":
                sql = f'SELECT t::text FROM "{name}" AS t ORDER BY "{key}"'
            else:
                sql = f'SELECT * FROM "{name}" ORDER BY "{key}"'
            out[name] = [tuple(row) for row in conn.exec_driver_sql(sql)]
    return out


def _clear(store: Store, entities: list[Entity]) -> None:
    for entity in reversed(entities):
        store.delete(type(entity), str(getattr(entity, MAPPINGS[type(entity)].key)))


@pytest.mark.parametrize("chunk_rows", [bulk_ahead.CHUNK_ROWS, 2], ids=["one-chunk", "chunks-of-2"])
def test_put_many_writes_the_bytes_put_writes(
    store: Store, chunk_rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In one chunk and in many (PostGIS: encoded, located and turned into COPY text in a
    worker thread while the previous chunk is copied)."""
    monkeypatch.setattr(bulk_ahead, "CHUNK_ROWS", chunk_rows)
    entities = _entities()
    for entity in entities:
        store.put(entity)
    by_put = _stored(store)
    assert len(by_put["activities"]) == len(_activities()) + 1  # and the world's own
    _clear(store, entities)
    # the areas first: a batch's activities are placed in the areas stored before it
    areas = [e for e in entities if isinstance(e, _AREAS)]
    assert store.put_many(areas) == len(areas)
    assert store.put_many([e for e in entities if not isinstance(e, _AREAS)]) > len(areas)
    assert _stored(store) == by_put
    # again over the same keys: the replace path (upsert) writes the same bytes too
    store.put_many(entities)
    assert _stored(store) == by_put


def test_the_batch_fills_codes_as_put_does(store: Store) -> None:
    """The located codes are the ones ``put`` stores, and the caller's own are kept."""
    entities = _entities()
    store.put_many([e for e in entities if isinstance(e, _AREAS)])
    store.put_many([e for e in entities if not isinstance(e, _AREAS)])
    coded = store.get(Activity, "act-coded")
    assert (coded.local_authority_code, coded.territory_code) == ("E06000038", "E23000029")
    given = store.get(Activity, "act-given")
    assert given.local_authority_code == "E06000038" and given.territory_code == "E23000029"
    assert store.get(Activity, "act-nowhere").local_authority_code is None


def test_json_text_is_json_dumps_of_to_json() -> None:
    """The text of every entity, written straight from its values, is the text of its
    JSON-ready copy (an SPO's dict with a non-string key, ints declared float, enums, dates);
    so is a ``data`` dict (string keys) of such values."""
    values: list[Any] = [
        *_entities(),
        {"day": date(2026, 1, 2), "at": (Point(1, 2),), "spo": make_spo(extra={1: "a"})},
        (ValidationStatus.VALIDATED, 1.5, float("nan"), "é"),
    ]
    for value in values:
        assert json_text(value) == json.dumps(to_json(value))
    assert json_text(replace(make_activity(), funding_gap_gbp=3)) == json.dumps(
        to_json(replace(make_activity(), funding_gap_gbp=3))
    )


@dataclass(frozen=True)
class _Later:
    """Fields set out of order: ``b`` only after ``__init__``."""

    a: int
    b: str = field(init=False)
    c: float = 0.5

    def __post_init__(self) -> None:
        object.__setattr__(self, "b", "set later")


def test_json_text_writes_fields_in_order_whatever_the_instance_holds() -> None:
    """A dataclass's text is its fields in order: an instance given an attribute after it
    was made, and a class whose ``__post_init__`` sets a field last, write their fields only,
    in field order (the encoder is handed an instance's own ``__dict__`` where that is it)."""
    need = Need(SupportType.SKILLS, amount=2.0, sector="digital")
    object.__setattr__(need, "cached", "not a field")
    later = _Later(1)
    for value in (need, (need, later), later):
        assert json_text(value) == json.dumps(to_json(value))
    assert list(json.loads(json_text(later))) == ["a", "b", "c"]
