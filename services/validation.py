"""Activity validation use cases ("Target!"): position, validate/renew, decline, lapse.

Each decision is one versioned ``store.update`` with its audit entry (who, when, why, the status
and expiry before and after), so the history of every activity's validation is the audit log.

Order of checks: permission, then version, then the state rules. A refusal (``Forbidden``) never
depends on the version the caller sent, so a caller cannot learn anything from a 409 it should
not have got, and a stale client that may not act is told so, not asked to retry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime

from domain.errors import Forbidden, InvalidInput, NotFound, StaleVersion
from domain.model import Account, Activity, AuditEntry
from domain.vocabulary import Role, ValidationStatus
from services.access import can_see_activity, require_actor
from services.land import check_entity_on_land
from services.settings import ServiceSettings
from spo import validation as rules
from store.port import Store

ENTITY = "activity"
SYSTEM_ACTOR = "system:lapse"
POSITION_REFUSAL = "only the activity's own provider may position or change it"
#: what a validator vouches for: changing any of these sends the activity back to pending.
#: (Funding gap and at-risk are the provider's running account of its finances, not vetted.)
VETTED_FIELDS = (
    "name",
    "location",
    "description",
    "themes",
    "needs",
    "evidence",
    "service_area",
    "postcode",
)


def _now(at: datetime | None) -> datetime:
    return at if at is not None else datetime.now(UTC)


def _entry(
    actor: str, action: str, before: Activity, after: Activity, at: datetime, reason: str | None
) -> AuditEntry:
    def state(a: Activity) -> dict[str, str | None]:
        until = a.validated_until.isoformat() if a.validated_until else None
        return {"validation_status": a.validation_status.value, "validated_until": until}

    return AuditEntry(
        actor=actor,
        action=f"activity.{action}",
        entity_type=ENTITY,
        entity_id=before.id,
        at=at,
        reason=reason,
        detail={
            "before": state(before),
            "after": state(after),
            "territory_code": before.territory_code,
        },
    )


#: (actor, activity) -> may the actor take this decision?
Permission = Callable[[Account, Activity], bool]


def _load(
    store: Store,
    activity_id: str,
    expected_version: int,
    *,
    actor: Account,
    allowed: Permission,
    refusal: str,
) -> Activity:
    """The stored activity, once ``actor`` may see it (``NotFound``: its existence does not
    leak), is allowed (``Forbidden``, whatever the
    version) and ``expected_version`` is current (``StaleVersion``)."""
    activity = store.get(Activity, activity_id)
    if not can_see_activity(actor, activity):
        raise NotFound(f"no activity {activity_id!r}")
    if not allowed(actor, activity):
        raise Forbidden(refusal)
    if activity.version != expected_version:
        raise StaleVersion(
            f"activity {activity_id!r} is at version {activity.version}, not {expected_version}"
        )
    return activity


def _load_own(store: Store, activity_id: str, expected_version: int, actor: Account) -> Activity:
    """:func:`_load` for a change only the activity's own provider (or an admin) may make."""
    return _load(
        store,
        activity_id,
        expected_version,
        actor=actor,
        allowed=rules.may_position,
        refusal=POSITION_REFUSAL,
    )


def _load_for_validator(
    store: Store, activity_id: str, expected_version: int, actor: Account, verb: str
) -> Activity:
    """:func:`_load` for a decision only a validator for the activity's territory may take."""
    return _load(
        store,
        activity_id,
        expected_version,
        actor=actor,
        allowed=rules.may_validate,
        refusal=f"only a validator for the activity's territory may {verb} it",
    )


def position_activity(
    store: Store,
    activity_id: str,
    *,
    actor: Account | None,
    expected_version: int,
    reason: str | None = None,
    at: datetime | None = None,
) -> Activity:
    """The provider (re)positions its activity: PENDING until a validator decides."""
    when = _now(at)
    signed_in = require_actor(actor)
    before = _load_own(store, activity_id, expected_version, signed_in)
    after = rules.position(before, signed_in)
    return store.update(after, audit=_entry(signed_in.id, "position", before, after, when, reason))


def update_activity(
    store: Store,
    changed: Activity,
    *,
    actor: Account | None,
    expected_version: int,
    reason: str | None = None,
    at: datetime | None = None,
) -> Activity:
    """The provider (or an admin) rewrites its activity; ``changed`` carries the new content
    (status, expiry, area codes and version are the store's, not the caller's).

    Changing what a validator vouched for (:data:`VETTED_FIELDS`: what, where, evidence) puts
    the activity back to PENDING, exactly as :func:`position_activity` would, in the same
    versioned update; a moved activity gets its local authority / territory / region again
    from its new location. Other edits keep the current validation. The provider is fixed.
    """
    when = _now(at)
    signed_in = require_actor(actor)
    before = _load_own(store, changed.id, expected_version, signed_in)
    if changed.provider_id != before.provider_id:
        raise InvalidInput("an activity cannot move to another provider")
    check_entity_on_land(store, changed)
    after = replace(
        changed,
        validation_status=before.validation_status,
        validated_until=before.validated_until,
        active=before.active,
        local_authority_code=before.local_authority_code,
        territory_code=before.territory_code,
        region_code=before.region_code,
        version=before.version,
    )
    if not before.location.equals_exact(after.location, 0.0):
        after = replace(after, local_authority_code=None, territory_code=None, region_code=None)
    vetted_change = any(
        _differs(getattr(before, name), getattr(after, name)) for name in VETTED_FIELDS
    )
    if vetted_change:
        after = rules.position(after, signed_in)
    action = "position" if vetted_change else "update"
    return store.update(after, audit=_entry(signed_in.id, action, before, after, when, reason))


def _differs(old: object, new: object) -> bool:
    """Field inequality, with geometries compared by coordinates (shapely ``==`` is identity
    in some versions and a value comparison in others)."""
    if hasattr(old, "equals_exact") and hasattr(new, "equals_exact"):
        return not old.equals_exact(new, 0.0)
    return old != new


def validate_activity(
    store: Store,
    activity_id: str,
    *,
    actor: Account | None,
    expected_version: int,
    settings: ServiceSettings,
    reason: str | None = None,
    at: datetime | None = None,
) -> Activity:
    """Validate (or renew) for ``settings.validation_valid_days`` from today: the API's one
    verb for both, so whichever fits the state is meant (a declined one is a ``Conflict``)."""
    when = _now(at)
    signed_in = require_actor(actor)
    before = _load_for_validator(store, activity_id, expected_version, signed_in, "validate")
    renewable = (ValidationStatus.VALIDATED, ValidationStatus.LAPSED)
    meant = "renew" if rules.effective_status(before, when.date()) in renewable else "validate"
    rules.check_decision(before, meant, when.date())
    return _validate(store, before, signed_in, when, settings, reason)


def decline_activity(
    store: Store,
    activity_id: str,
    *,
    actor: Account | None,
    expected_version: int,
    reason: str,
    at: datetime | None = None,
) -> Activity:
    """Decline, with the mandatory written reason kept in the audit log."""
    when = _now(at)
    signed_in = require_actor(actor)
    before = _load_for_validator(store, activity_id, expected_version, signed_in, "decline")
    rules.check_decision(before, "decline", when.date())
    return _decline(store, before, signed_in, when, reason)


def decide_activity(
    store: Store,
    activity_id: str,
    decision: str,
    *,
    actor: Account | None,
    expected_version: int,
    settings: ServiceSettings,
    reason: str | None = None,
    at: datetime | None = None,
) -> Activity:
    """A decision named by the validator (validate, renew or decline, as the validator's form
    offers them), taken only if it fits the activity's state today
    (:func:`spo.validation.decisions`): a "renew" posted for a pending activity would otherwise
    validate one nobody reviewed as new. ``Conflict`` (nothing changed) when it does not fit,
    ``InvalidInput`` for an unknown decision; checked after permission and version."""
    when = _now(at)
    signed_in = require_actor(actor)
    verb = decision if decision in rules.DECISIONS else "decide on"
    before = _load_for_validator(store, activity_id, expected_version, signed_in, verb)
    rules.check_decision(before, decision, when.date())
    if decision == "decline":
        return _decline(store, before, signed_in, when, reason or "")
    return _validate(store, before, signed_in, when, settings, reason)


def _validate(
    store: Store,
    before: Activity,
    actor: Account,
    when: datetime,
    settings: ServiceSettings,
    reason: str | None,
) -> Activity:
    after = rules.validate(
        before, actor, today=when.date(), valid_days=settings.validation_valid_days
    )
    action = "renew" if before.validation_status is ValidationStatus.VALIDATED else "validate"
    return store.update(after, audit=_entry(actor.id, action, before, after, when, reason))


def _decline(
    store: Store, before: Activity, actor: Account, when: datetime, reason: str
) -> Activity:
    after = rules.decline(before, actor, reason=reason)
    return store.update(
        after, audit=_entry(actor.id, "decline", before, after, when, reason.strip())
    )


def lapse_expired(store: Store, as_of: date, *, at: datetime | None = None) -> list[Activity]:
    """Mark LAPSED every validated activity whose validation ran out before ``as_of``.

    Returns the activities changed. An activity changed concurrently is skipped (the next run
    sees it again).
    """
    when = _now(at)
    validated = store.iter_all(Activity, validation_status=ValidationStatus.VALIDATED.value)
    expired = [a for a in validated if rules.lapse(a, as_of) is not None]
    changed: list[Activity] = []
    for before in expired:
        after = rules.lapse(before, as_of)
        if after is None:
            continue
        try:
            changed.append(
                store.update(
                    after,
                    audit=_entry(
                        SYSTEM_ACTOR,
                        "lapse",
                        before,
                        after,
                        when,
                        f"validation ended on {before.validated_until}",
                    ),
                )
            )
        except StaleVersion:
            continue
    return changed


def visible_validation_history(
    store: Store, viewer: Account | None, activity_id: str
) -> list[AuditEntry]:
    """:func:`validation_history` of an activity ``viewer`` may see (``NotFound`` otherwise).
    The activity's provider, the validators of its territory and admins see who decided;
    everyone else sees the role that decided instead of the account id (an account id is a
    handle for attacks, not public information)."""
    activity = store.get(Activity, activity_id)
    if not can_see_activity(viewer, activity):
        raise NotFound(f"no activity {activity_id!r}")
    entries = validation_history(store, activity_id)
    if viewer is not None and (
        viewer.role is Role.ADMIN
        or (viewer.role is Role.PROVIDER and viewer.organisation_id == activity.provider_id)
        or (viewer.role is Role.VALIDATOR and viewer.territory_code == activity.territory_code)
    ):
        return entries
    roles: dict[str, str] = {}
    for entry in entries:
        if entry.actor not in roles:
            try:
                roles[entry.actor] = store.get(Account, entry.actor).role.value
            except NotFound:
                roles[entry.actor] = "dicm"
    return [replace(e, actor=roles[e.actor]) for e in entries]


def validation_history(store: Store, activity_id: str) -> list[AuditEntry]:
    """Every validation decision about one activity, oldest first."""
    return [
        e
        for e in store.audit_log(entity_type=ENTITY, entity_id=activity_id)
        if e.action.startswith("activity.")
    ]
