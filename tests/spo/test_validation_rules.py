"""Activity validation rules ("Target!"): who decides, the period, lapsing."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import Conflict, Forbidden, InvalidInput
from domain.model import Account
from domain.vocabulary import Role, ValidationStatus
from spo.validation import (
    check_decision,
    decisions,
    decline,
    effective_status,
    is_recommendable,
    lapse,
    position,
    validate,
)
from tests.builders import make_activity
from tests.spo.builders import TVP, make_account

V = ValidationStatus
TODAY = date(2027, 1, 1)
PENDING = make_activity(validation_status=V.PENDING, validated_until=None, territory_code=TVP)
VALIDATOR = make_account(Role.VALIDATOR)


def test_a_validator_for_the_territory_validates_for_the_set_period() -> None:
    done = validate(PENDING, VALIDATOR, today=TODAY, valid_days=365)
    assert done.validation_status is V.VALIDATED
    assert done.validated_until == date(2028, 1, 1)
    assert is_recommendable(done, date(2028, 1, 1))  # the last day is still in date
    assert not is_recommendable(done, date(2028, 1, 2))
    assert effective_status(done, date(2028, 1, 2)) is V.LAPSED


@pytest.mark.parametrize(
    "actor",
    [
        make_account(Role.VALIDATOR, territory_code="E23000036"),  # another territory
        make_account(Role.VALIDATOR, territory_code=None),
        make_account(Role.PROVIDER),
        make_account(Role.BUYER),
        make_account(Role.VALIDATOR, active=False),
    ],
)
def test_only_a_validator_for_the_territory_decides(actor: Account) -> None:
    with pytest.raises(Forbidden):
        validate(PENDING, actor, today=TODAY, valid_days=365)
    with pytest.raises(Forbidden):
        decline(PENDING, actor, reason="no")


def test_declining_needs_a_reason_and_a_declined_activity_is_repositioned_first() -> None:
    with pytest.raises(InvalidInput):
        decline(PENDING, VALIDATOR, reason="  ")
    declined = decline(PENDING, VALIDATOR, reason="no evidence of dual impact")
    assert declined.validation_status is V.DECLINED
    with pytest.raises(Conflict):
        validate(declined, VALIDATOR, today=TODAY, valid_days=30)
    again = position(declined, make_account(Role.PROVIDER))
    assert again.validation_status is V.PENDING
    with pytest.raises(Forbidden):
        position(declined, make_account(Role.PROVIDER, organisation_id="prov-9"))


def test_renewal_extends_and_lapse_marks_only_expired_validations() -> None:
    done = validate(PENDING, VALIDATOR, today=TODAY, valid_days=10)
    assert lapse(done, date(2027, 1, 11)) is None
    lapsed = lapse(done, date(2027, 1, 12))
    assert lapsed is not None and lapsed.validation_status is V.LAPSED
    renewed = validate(lapsed, VALIDATOR, today=date(2027, 2, 1), valid_days=10)
    assert renewed.validated_until == date(2027, 2, 11)


@settings(max_examples=60, deadline=None)
@given(
    status=st.sampled_from(list(V)),
    until=st.none() | st.dates(date(2026, 1, 1), date(2028, 1, 1)),
    active=st.booleans(),
    as_of=st.dates(date(2026, 1, 1), date(2028, 1, 1)),
)
def test_recommendable_means_validated_in_date_and_active(
    status: V, until: date | None, active: bool, as_of: date
) -> None:
    a = make_activity(validation_status=status, validated_until=until, active=active)
    expected = active and status is V.VALIDATED and (until is None or until >= as_of)
    assert is_recommendable(a, as_of) is expected


def test_a_decision_must_fit_the_status_of_the_day() -> None:
    """Validate a pending activity, renew a validated or lapsed one, decline either; a
    validation past its end date is lapsed for this (renewed, not validated anew)."""
    assert decisions(V.PENDING) == ("validate", "decline")
    assert decisions(V.VALIDATED) == decisions(V.LAPSED) == ("renew", "decline")
    assert decisions(V.DECLINED) == ()
    check_decision(PENDING, "validate", TODAY)
    with pytest.raises(Conflict, match="pending, so it cannot be renewed"):
        check_decision(PENDING, "renew", TODAY)
    done = validate(PENDING, VALIDATOR, today=TODAY, valid_days=10)
    with pytest.raises(Conflict, match="validated, so it cannot be validated"):
        check_decision(done, "validate", TODAY)
    with pytest.raises(Conflict, match="lapsed, so it cannot be validated"):
        check_decision(done, "validate", date(2027, 1, 12))
    check_decision(done, "renew", date(2027, 1, 12))
    with pytest.raises(InvalidInput):
        check_decision(done, "approve", TODAY)
