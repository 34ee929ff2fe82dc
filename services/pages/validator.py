"""The validator's pages: the queue of activities in my territory waiting for a decision or
whose validation ends soon, one activity's details and history, and the decision form
(validate, decline with a written reason, renew).

Decisions are the use cases of ``POST /activities/{id}/validate|decline``
(:mod:`services.validation`): the same permission, version and state rules, the same audit.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.errors import Conflict, InvalidInput, NotFound
from domain.model import Account, Activity, AuditEntry, LocalAuthority, Provider, Territory
from domain.vocabulary import Role, ValidationStatus
from services.access import require_role
from services.directory import get_activity
from services.pages.forms import Outcome, failed
from services.pages.outlines import area_outlines
from services.settings import ServiceSettings
from services.validation import decide_activity, visible_validation_history
from spo.validation import DECISIONS, Decision, decisions, effective_status
from store.port import Store

#: a validation ending within this many days is listed for renewal
LAPSE_SOON_DAYS = 60


@dataclass(frozen=True)
class QueueRow:
    """One activity waiting for me, with why it is in the queue in words."""

    activity: Activity
    provider_name: str
    local_authority: str | None
    status: ValidationStatus  # today's (a validation past its date has lapsed)
    why: str  # "Waiting for a first decision", "Validation ends 3 March 2027 (in 20 days)"
    days_left: int | None  # days until the validation ends (negative: lapsed that long ago)

    @property
    def decisions(self) -> tuple[Decision, ...]:
        """What a validator may decide now (:func:`spo.validation.decisions`, the rule
        :func:`decide` enforces): the form offers only these."""
        return decisions(self.status)


@dataclass(frozen=True)
class ValidatorQueue:
    """My territory's queue: pending first (oldest id first), then renewals by end date."""

    territory: Territory
    pending: list[QueueRow]
    renewals: list[QueueRow]
    today: date
    outlines: dict[str, object]  # the territory's local authorities

    @property
    def rows(self) -> list[QueueRow]:
        return [*self.pending, *self.renewals]

    def geojson(self) -> dict[str, object]:
        """Every queued activity as a GeoJSON point (same ids as the list)."""
        return {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "id": r.activity.id,
                    "geometry": {
                        "type": "Point",
                        "coordinates": [r.activity.location.x, r.activity.location.y],
                    },
                    "properties": {"label": f"{r.activity.name}: {r.why}"},
                }
                for r in self.rows
            ],
        }


def _validator(viewer: Account | None) -> tuple[Account, str]:
    actor = require_role(viewer, Role.VALIDATOR)
    if actor.territory_code is None:
        raise InvalidInput("this validator account is not tied to a territory")
    return actor, actor.territory_code


def _why(activity: Activity, status: ValidationStatus, today: date) -> tuple[str, int | None]:
    until = activity.validated_until
    if status is ValidationStatus.PENDING:
        return "Waiting for a decision", None
    if until is None:
        return status.value.capitalize(), None
    days = (until - today).days
    if status is ValidationStatus.LAPSED:
        return f"Lapsed on {until:%d %B %Y}: renew to list it again", days
    return f"Validation ends {until:%d %B %Y} (in {days} days)", days


def queue_row(store: Store, activity: Activity, today: date) -> QueueRow:
    """The row of one activity (provider and local authority by name)."""
    status = effective_status(activity, today)
    why, days = _why(activity, status, today)
    provider = activity.provider_id
    with contextlib.suppress(NotFound):
        provider = store.get(Provider, activity.provider_id).name
    la = activity.local_authority_code
    if la is not None:
        with contextlib.suppress(NotFound):
            la = store.get(LocalAuthority, la).name
    return QueueRow(activity, provider, la, status, why, days)


def renewals_due(store: Store, territory_code: str, today: date) -> list[Activity]:
    """The territory's validations ending within :data:`LAPSE_SOON_DAYS` days, and lapsed
    ones, soonest first: what the validator should renew (the queue and the task list)."""
    soon = today + timedelta(days=LAPSE_SOON_DAYS)
    renewable = [
        a
        for status in (ValidationStatus.VALIDATED, ValidationStatus.LAPSED)
        for a in store.iter_all(
            Activity, territory_code=territory_code, validation_status=status.value
        )
        if a.validated_until is not None and a.validated_until <= soon
    ]
    renewable.sort(key=lambda a: (a.validated_until or today, a.id))
    return renewable


def validator_queue(store: Store, viewer: Account | None, *, today: date) -> ValidatorQueue:
    """Pending activities of my territory, then validated ones ending within
    :data:`LAPSE_SOON_DAYS` days and lapsed ones, soonest first."""
    _, territory_code = _validator(viewer)
    territory = store.get(Territory, territory_code)
    pending = sorted(
        store.iter_all(
            Activity,
            territory_code=territory_code,
            validation_status=ValidationStatus.PENDING.value,
        ),
        key=lambda a: a.id,
    )
    renewable = renewals_due(store, territory_code, today)
    return ValidatorQueue(
        territory,
        [queue_row(store, a, today) for a in pending],
        [queue_row(store, a, today) for a in renewable],
        today,
        area_outlines(store, [territory_code]),
    )


@dataclass(frozen=True)
class Review:
    """One activity as the validator reviews it: its row and every decision so far."""

    row: QueueRow
    history: list[AuditEntry]


def review(store: Store, viewer: Account | None, activity_id: str, *, today: date) -> Review:
    """An activity of my territory with its history (``NotFound`` outside my territory)."""
    actor, territory_code = _validator(viewer)
    activity = get_activity(store, actor, activity_id)
    if activity.territory_code != territory_code:
        raise NotFound(f"no activity {activity_id!r} in your territory")
    history = visible_validation_history(store, actor, activity_id)
    return Review(queue_row(store, activity, today), history)


def decide(
    store: Store,
    settings: ServiceSettings,
    viewer: Account | None,
    activity_id: str,
    *,
    decision: str,
    expected_version: int,
    reason: str = "",
    at: datetime | None = None,
) -> Outcome[Activity]:
    """Validate, renew or decline (a written reason required) at the version I read; field
    errors for a missing reason, an unknown decision, a decision someone else took first or one
    that does not fit the activity's state (renew a pending one: :func:`decide_activity`)."""
    actor, _ = _validator(viewer)
    if decision not in DECISIONS:
        return failed({"decision": "Choose validate, renew or decline"})
    if decision == "decline" and not reason.strip():
        return failed({"reason": "Enter why you are declining this activity"})
    try:
        saved = decide_activity(
            store,
            activity_id,
            decision,
            actor=actor,
            expected_version=expected_version,
            settings=settings,
            reason=reason.strip() or None,
            at=at,
        )
    except Conflict as exc:  # stale version, or a state that does not allow it
        return failed({"decision": f"Not saved: {exc}. Reload the page to see its state now."})
    return Outcome(saved)
