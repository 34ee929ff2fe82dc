"""Activity validation ("Target!"): position, validate, decline, renew, lapse.

A provider positions its activity (it becomes PENDING). A validator for the activity's territory
validates it (VALIDATED until ``today + valid_days``; validating again renews) or declines it
with a mandatory reason. Validation lapses after ``validated_until`` — the date itself is still
in date — unless renewed. A validation without ``validated_until`` (only ever imported, never
made here) does not lapse, as in the store. Only an activity that is validated, in date on the
day and active is *recommendable*; the store's ``ActivityQuery(recommendable_only=True)``
applies the same rule. All functions are pure and raise before anything changes.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Literal

from domain.errors import Conflict, Forbidden, InvalidInput
from domain.model import Account, Activity
from domain.vocabulary import Role, ValidationStatus

V = ValidationStatus

#: what a validator decides about an activity, by the name a validator's form gives it
Decision = Literal["validate", "renew", "decline"]
DECISIONS: tuple[Decision, ...] = ("validate", "renew", "decline")


def effective_status(activity: Activity, as_of: date) -> ValidationStatus:
    """The validation status on ``as_of``: a validation past ``validated_until`` has lapsed."""
    until = activity.validated_until
    if activity.validation_status is V.VALIDATED and until is not None and until < as_of:
        return V.LAPSED
    return activity.validation_status


def is_recommendable(activity: Activity, as_of: date) -> bool:
    """Validated, in date on ``as_of`` and active: the only activities dicm recommends."""
    return activity.active and effective_status(activity, as_of) is V.VALIDATED


def may_position(actor: Account, activity: Activity) -> bool:
    """The activity's own provider (or an admin) positions it."""
    if not actor.active:
        return False
    if actor.role is Role.ADMIN:
        return True
    return actor.role is Role.PROVIDER and actor.organisation_id == activity.provider_id


def may_validate(actor: Account, activity: Activity) -> bool:
    """A validator whose territory is the activity's territory (or an admin) decides."""
    if not actor.active:
        return False
    if actor.role is Role.ADMIN:
        return True
    return (
        actor.role is Role.VALIDATOR
        and actor.territory_code is not None
        and actor.territory_code == activity.territory_code
    )


def decisions(status: ValidationStatus) -> tuple[Decision, ...]:
    """What a validator may decide about an activity whose status today is ``status`` (see
    :func:`effective_status`): validate a pending one, renew a validated or lapsed one, decline
    either; nothing about a declined one (its provider positions it again first). A decision is
    taken about the state the validator reviewed, so a renewal of a pending activity is not a
    first validation in disguise."""
    if status is V.PENDING:
        return ("validate", "decline")
    if status is V.DECLINED:
        return ()
    return ("renew", "decline")


def check_decision(activity: Activity, decision: str, as_of: date) -> None:
    """Raise unless ``decision`` fits the activity's status on ``as_of`` (:func:`decisions`):
    ``InvalidInput`` for a decision that does not exist, ``Conflict`` for one that does not
    fit, with what would fit in words."""
    if decision not in DECISIONS:
        raise InvalidInput(f"unknown decision {decision!r}: choose validate, renew or decline")
    status = effective_status(activity, as_of)
    fits = decisions(status)
    if decision in fits:
        return
    verbs = {"validate": "validated", "renew": "renewed", "decline": "declined"}
    allowed = " or ".join(verbs[d] for d in fits)
    then = f"it can be {allowed}" if fits else "its provider must position it again first"
    raise Conflict(f"the activity is {status.value}, so it cannot be {verbs[decision]}: {then}")


def position(activity: Activity, actor: Account) -> Activity:
    """The activity as positioned by its provider: PENDING, awaiting a validator."""
    if not may_position(actor, activity):
        raise Forbidden("only the activity's own provider may position it")
    return replace(activity, validation_status=V.PENDING, validated_until=None)


def validate(activity: Activity, actor: Account, *, today: date, valid_days: int) -> Activity:
    """VALIDATED until ``today + valid_days``; from pending, lapsed or validated (a renewal)."""
    if not may_validate(actor, activity):
        raise Forbidden("only a validator for the activity's territory may validate it")
    if valid_days <= 0:
        raise InvalidInput("a validation must last at least one day")
    if activity.validation_status is V.DECLINED:
        raise Conflict("a declined activity must be positioned again before it is validated")
    return replace(
        activity,
        validation_status=V.VALIDATED,
        validated_until=today + timedelta(days=valid_days),
    )


def decline(activity: Activity, actor: Account, *, reason: str) -> Activity:
    """DECLINED, with a mandatory written reason (kept by the caller in the audit log)."""
    if not may_validate(actor, activity):
        raise Forbidden("only a validator for the activity's territory may decline it")
    if not reason.strip():
        raise InvalidInput("declining an activity needs a written reason")
    if activity.validation_status is V.DECLINED:
        raise Conflict("the activity is already declined")
    return replace(activity, validation_status=V.DECLINED, validated_until=None)


def lapse(activity: Activity, as_of: date) -> Activity | None:
    """The activity marked LAPSED if its validation ran out before ``as_of``, else None."""
    if activity.validation_status is V.VALIDATED and effective_status(activity, as_of) is V.LAPSED:
        return replace(activity, validation_status=V.LAPSED)
    return None
