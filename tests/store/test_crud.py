"""Contract: put / get / update / delete / find / count of every entity type, both backends."""

from __future__ import annotations

import dataclasses

import pytest

from domain.errors import Conflict, InvalidInput, NotFound, StaleVersion
from domain.model import Activity, LocalAuthority, Provider, Region
from store.codec_rows import entity_key, mapping_for
from store.port import ENTITY_TYPES, Store
from tests.builders import make_activity, make_provider
from tests.store.world import one_of_each, seed_order, seed_world

CHANGES = (("name", "renamed"), ("title", "renamed"), ("note", "renamed"), ("value_gbp", 1.5))


def test_every_entity_type_round_trips_unchanged(store: Store) -> None:
    items = seed_world(store)
    assert {type(e) for e in items} == set(ENTITY_TYPES)
    for entity in items:
        got = store.get(type(entity), entity_key(entity))
        if isinstance(entity, Activity):  # the store fills the area codes from the location
            assert got == dataclasses.replace(
                entity,
                local_authority_code="E06000038",
                territory_code="E23000029",
                region_code="E12000008",
            )
        else:
            assert got == entity


@pytest.mark.parametrize("index", range(len(ENTITY_TYPES)))
def test_update_then_delete_each_type(store: Store, index: int) -> None:
    items = seed_world(store)
    entity = store.get(type(items[index]), entity_key(items[index]))
    field, value = next((f, v) for f, v in CHANGES if hasattr(entity, f))
    changed = dataclasses.replace(entity, **{field: value})  # type: ignore[arg-type]
    updated = store.update(changed)
    if mapping_for(type(entity)).versioned:
        assert updated.version == entity.version + 1  # type: ignore[union-attr]
    assert store.get(type(entity), entity_key(entity)) == updated
    order = seed_order(items)
    later = order[order.index(items[index]) + 1 :]
    for child in reversed(later):  # children first, so no reference blocks the delete
        store.delete(type(child), entity_key(child))
    store.delete(type(entity), entity_key(entity))
    with pytest.raises(NotFound):
        store.get(type(entity), entity_key(entity))


def test_put_existing_id_is_a_conflict_and_changes_nothing(store: Store) -> None:
    store.put(make_provider())
    with pytest.raises(Conflict):
        store.put(make_provider(name="Other"))
    assert store.get(Provider, "prov-1").name == "Reading Youth Trust"


def test_missing_things_are_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.get(Provider, "nope")
    with pytest.raises(NotFound):
        store.update(make_provider(id="nope"))
    with pytest.raises(NotFound):
        store.delete(Provider, "nope")
    with pytest.raises(NotFound):
        store.get(Region, "E12999999")


def test_update_is_optimistic(store: Store) -> None:
    store.put(make_provider())
    read = store.get(Provider, "prov-1")
    first = store.update(dataclasses.replace(read, name="First"))
    assert first.version == 2
    with pytest.raises(StaleVersion):
        store.update(dataclasses.replace(read, name="Second"))
    assert store.get(Provider, "prov-1") == first


def test_find_and_count_filter_by_simple_fields_in_id_order(store: Store) -> None:
    store.put(make_provider())
    store.put(make_provider(id="prov-2"))
    for i in (3, 1, 2):
        store.put(make_activity(id=f"act-{i}", provider_id="prov-2" if i > 1 else "prov-1"))
    assert [a.id for a in store.find(Activity)] == ["act-1", "act-2", "act-3"]
    assert [a.id for a in store.find(Activity, provider_id="prov-2")] == ["act-2", "act-3"]
    assert [a.id for a in store.find(Activity, limit=1, offset=1)] == ["act-2"]
    assert store.count(Activity) == 3
    assert store.count(Activity, provider_id="prov-1") == 1
    assert store.count(Activity, territory_code="E23000029") == 0  # no boundaries stored
    assert store.count(Activity, active="true") == 3
    with pytest.raises(InvalidInput):
        store.find(Activity, location="POINT (0 0)")


def test_delete_of_a_referenced_entity_is_a_conflict(store: Store) -> None:
    seed_world(store)
    with pytest.raises(Conflict):
        store.delete(Provider, "prov-1")
    with pytest.raises(Conflict):
        store.delete(LocalAuthority, "E06000038")
    assert store.get(Provider, "prov-1")


def test_geography_is_found_by_code(store: Store) -> None:
    for entity in one_of_each()[:3]:
        store.put(entity)
    assert store.get(LocalAuthority, "E06000038").territory_code == "E23000029"
    assert [la.code for la in store.find(LocalAuthority, region_code="E12000008")] == ["E06000038"]


def test_police_plans_are_versioned_and_append_only(store: Store) -> None:
    from datetime import date

    from domain.errors import UnknownReference
    from domain.model import PlanPriority, PolicePlan
    from tests.builders import make_region, make_territory

    store.put(make_region())
    store.put(make_territory())
    assert store.plans("E23000029") == [] and store.current_plan("E23000029") is None
    first = PolicePlan(
        "E23000029",
        1,
        "Police and Crime Plan 2021-2025",
        date(2021, 11, 1),
        (
            PlanPriority("serious_violence", "Vulnerability", 1.5),
            PlanPriority("rural_crime", "Rural"),
        ),
        "https://www.thamesvalley-pcc.gov.uk/ (Police and Crime Plan 2021-2025)",
    )
    second = dataclasses.replace(first, version=2, title="Refreshed plan", priorities=())
    store.put_plan(second)
    store.put_plan(first)
    assert store.plans("E23000029") == [first, second]
    assert store.current_plan("E23000029") == second
    with pytest.raises(Conflict):
        store.put_plan(dataclasses.replace(first, title="rewritten"))
    assert store.plans("E23000029")[0].title == first.title
    with pytest.raises(UnknownReference):
        store.put_plan(dataclasses.replace(first, territory_code="E23999999"))


def test_both_adapters_implement_the_port(store: Store) -> None:
    assert isinstance(store, Store)


def test_get_many_reads_the_ids_that_exist_in_one_call(store: Store) -> None:
    items = seed_world(store)
    activities = [e for e in items if isinstance(e, Activity)]
    ids = [a.id for a in activities]
    found = store.get_many(Activity, [*ids, "no-such-activity", ids[0]])
    assert sorted(found) == sorted(ids)
    for id_ in ids:
        assert found[id_] == store.get(Activity, id_)
    assert store.get_many(Activity, []) == {}
