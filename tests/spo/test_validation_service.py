"""Activity validation through the store: decisions audited, lapsing, and the store agreeing."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from dicm.settings import Settings
from domain.errors import Forbidden, InvalidInput, StaleVersion
from domain.model import Activity
from domain.vocabulary import Role, ValidationStatus
from services import validation as svc
from spo.validation import is_recommendable
from store.port import ActivityQuery, Store
from tests.builders import make_activity
from tests.spo.builders import TVP, make_account

V = ValidationStatus
AT = datetime(2027, 1, 1, 10, tzinfo=UTC)
SETTINGS = Settings(validation_valid_days=90)
VALIDATOR = make_account(Role.VALIDATOR)
PROVIDER = make_account(Role.PROVIDER)


def test_position_validate_decline_and_renew_are_audited(world: Store) -> None:
    act = svc.position_activity(world, "act-1", actor=PROVIDER, expected_version=1, at=AT)
    assert act.validation_status is V.PENDING
    act = svc.validate_activity(
        world,
        "act-1",
        actor=VALIDATOR,
        expected_version=act.version,
        settings=SETTINGS.services,
        at=AT,
    )
    assert (act.validation_status, act.validated_until) == (V.VALIDATED, date(2027, 4, 1))
    later = datetime(2027, 3, 1, tzinfo=UTC)
    act = svc.validate_activity(
        world,
        "act-1",
        actor=VALIDATOR,
        expected_version=act.version,
        settings=SETTINGS.services,
        at=later,
    )
    assert act.validated_until == date(2027, 5, 30)
    with pytest.raises(InvalidInput):
        svc.decline_activity(
            world, "act-1", actor=VALIDATOR, expected_version=act.version, reason=""
        )
    act = svc.decline_activity(
        world, "act-1", actor=VALIDATOR, expected_version=act.version, reason="no evidence", at=AT
    )
    assert act.validation_status is V.DECLINED
    history = svc.validation_history(world, "act-1")
    assert [e.action for e in history] == [
        "activity.position",
        "activity.validate",
        "activity.renew",
        "activity.decline",
    ]
    decline = history[-1]
    assert decline.actor == VALIDATOR.id and decline.reason == "no evidence"
    assert decline.detail["before"] == {
        "validation_status": "validated",
        "validated_until": "2027-05-30",
    }
    assert decline.detail["after"] == {"validation_status": "declined", "validated_until": None}


def test_refused_decisions_change_nothing(world: Store) -> None:
    other = make_account(Role.VALIDATOR, territory_code="E23000036")
    with pytest.raises(Forbidden):
        svc.validate_activity(
            world, "act-1", actor=other, expected_version=1, settings=SETTINGS.services
        )
    with pytest.raises(StaleVersion):
        svc.validate_activity(
            world, "act-1", actor=VALIDATOR, expected_version=7, settings=SETTINGS.services
        )
    assert world.get(Activity, "act-1").version == 1
    assert svc.validation_history(world, "act-1") == []


@pytest.mark.parametrize("version", [1, 7])
def test_a_refusal_does_not_depend_on_the_version(world: Store, version: int) -> None:
    """Permission is checked before the version: a stale caller who may not act is told so."""
    with pytest.raises(Forbidden):
        svc.validate_activity(
            world, "act-1", actor=PROVIDER, expected_version=version, settings=SETTINGS.services
        )
    with pytest.raises(Forbidden):
        svc.decline_activity(
            world, "act-1", actor=PROVIDER, expected_version=version, reason="mine"
        )
    with pytest.raises(Forbidden):
        svc.position_activity(world, "act-1", actor=VALIDATOR, expected_version=version)
    assert world.get(Activity, "act-1").version == 1


def test_lapse_expired_marks_only_expired_validations(world: Store) -> None:
    act = world.get(Activity, "act-1")
    world.update(replace(act, validated_until=date(2027, 1, 31)))
    changed = svc.lapse_expired(world, date(2027, 2, 1), at=AT)
    assert [a.id for a in changed] == ["act-1"]
    assert world.get(Activity, "act-1").validation_status is V.LAPSED
    assert world.get(Activity, "act-2").validation_status is V.VALIDATED
    (entry,) = svc.validation_history(world, "act-1")
    assert entry.actor == svc.SYSTEM_ACTOR and entry.action == "activity.lapse"
    assert svc.lapse_expired(world, date(2027, 2, 1)) == []


def test_the_store_recommends_exactly_what_the_rule_recommends(world: Store) -> None:
    until_options = [None, date(2027, 1, 1), date(2027, 6, 30)]
    activities = [
        make_activity(
            id=f"mix-{i}",
            validation_status=status,
            validated_until=until,
            active=active,
            territory_code=TVP,
        )
        for i, (status, until, active) in enumerate(
            itertools.product(list(V), until_options, [True, False])
        )
    ]
    world.put_many(activities)
    stored = {a.id: a for a in world.activities_in_area(TVP)}
    for as_of in [date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 2), date(2027, 7, 1)]:
        query = ActivityQuery(recommendable_only=True, as_of=as_of.isoformat())
        by_store = {a.id for a in world.activities_in_area(TVP, query=query)}
        by_rule = {i for i, a in stored.items() if is_recommendable(a, as_of)}
        assert by_store == by_rule, as_of
        assert by_rule  # the comparison is not vacuous
