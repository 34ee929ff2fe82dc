"""Drive the demo's validations and SPO scenarios through the real services.

Nothing here writes around the services: validation decisions go through
``services.validation`` and every SPO step through ``services.spo``, each with the
account of the party that really takes it (validator, supplier, buyer), so the audit log, the
scores and the lock-in hashes are exactly what a real run would produce.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from demo.spos import SpoScenario
from domain.errors import NotFound
from domain.model import Account, Activity
from domain.vocabulary import Role, ValidationStatus
from services import spo as spo_service
from services import validation as validation_service
from services.accounts import create_account
from services.settings import ServiceSettings
from spo.model import Milestone, Spo, SpoLine, SpoState
from spo.scoring import QUALITATIVE_PARTS, Mark
from store.port import Store

Tick = Callable[[], None]

_REASONS = {
    "purpose": "Commitment tied to the force's priorities, not a menu of outputs.",
    "capability": "Named staff and budget; delivered similar support before.",
    "local_knowledge_engagement": "Works with the providers already; local sites.",
    "collaboration": "Joint milestones agreed with the providers.",
    "transparency": "Quarterly evidence promised on the open dashboard.",
}


def at_day(day: date, hour: int = 10) -> datetime:
    """A timestamp on ``day`` (UTC) for the audit log."""
    return datetime.combine(day, time(hour), tzinfo=UTC)


def account_for(
    store: Store,
    id_: str,
    role: Role,
    *,
    organisation: str | None = None,
    territory: str | None = None,
    name: str = "",
) -> Account:
    """The stored account ``id_``, created (with a token nobody sees) when missing."""
    try:
        return store.get(Account, id_)
    except NotFound:
        account, _ = create_account(
            store,
            id_=id_,
            name=name or id_,
            role=role,
            organisation_id=organisation,
            territory_code=territory,
        )
        return account


def apply_validations(
    store: Store, targets: Sequence[Activity], settings: ServiceSettings, today: date, tick: Tick
) -> int:
    """Bring each stored (pending) activity to its target status through the validator."""
    days = settings.validation_valid_days
    done = 0
    for target in targets:
        tick()
        if target.validation_status is ValidationStatus.PENDING:
            continue
        stored = store.get(Activity, target.id)
        if stored.territory_code is None:
            continue
        validator = account_for(
            store,
            f"validator-{stored.territory_code.lower()}",
            Role.VALIDATOR,
            territory=stored.territory_code,
        )
        if target.validation_status is ValidationStatus.DECLINED:
            validation_service.decline_activity(
                store,
                target.id,
                actor=validator,
                expected_version=stored.version,
                reason="No evidence yet that it reduces demand on policing.",
                at=at_day(today - timedelta(days=20)),
            )
        else:
            assert target.validated_until is not None
            when = target.validated_until - timedelta(days=days)
            validation_service.validate_activity(
                store,
                target.id,
                actor=validator,
                expected_version=stored.version,
                settings=settings,
                reason="Visited; evidence reviewed.",
                at=at_day(when),
            )
        done += 1
    validation_service.lapse_expired(store, today, at=at_day(today, 6))
    return done


def drive_scenario(store: Store, scenario: SpoScenario, today: date) -> SpoState:
    """Create the scenario's SPO and take it, step by step, to its target state."""
    supplier = account_for(
        store, f"acct-{scenario.supplier_id}", Role.SUPPLIER, organisation=scenario.supplier_id
    )
    buyer = account_for(
        store, f"acct-{scenario.buyer_id}", Role.BUYER, organisation=scenario.buyer_id
    )
    day = today - timedelta(days=scenario.started_days_ago)
    spo = spo_service.create_draft(
        store,
        actor=supplier,
        spo_id=scenario.id,
        tender_id=scenario.tender_id,
        title=scenario.title,
        at=at_day(day),
    )
    for n, line in enumerate(scenario.lines):
        spo = spo_service.add_line(
            store,
            spo.id,
            actor=supplier,
            expected_version=spo.version,
            line_id=f"line-{n + 1}",
            activity_id=line.activity_id,
            support_type=line.support_type,
            amount=line.amount,
            unit=line.unit,
            priority=line.priority,
            milestones=[Milestone(d, a) for d, a in line.milestones],
            at=at_day(day, 11),
        )
    steps = _steps(scenario.target)
    for step in steps:
        day += timedelta(days=5)
        spo = _step(store, spo.id, spo.version, step, supplier, buyer, at_day(day))
    if scenario.target in (SpoState.IN_DELIVERY, SpoState.REVIEWED):
        _report(store, scenario, supplier, spo.lines)
    if scenario.target is SpoState.REVIEWED:
        spo = spo_service.get_spo(store, spo.id)
        spo = spo_service.review(
            store,
            spo.id,
            actor=buyer,
            expected_version=spo.version,
            reason="Year one reviewed with the providers.",
            at=at_day(today),
        )
    return spo.state


def _steps(target: SpoState) -> tuple[str, ...]:
    path = {
        SpoState.DRAFT: (),
        SpoState.WITHDRAWN: ("submit", "withdraw"),
        SpoState.SUBMITTED: ("submit",),
        SpoState.SCORED: ("submit", "score"),
        SpoState.NOT_AWARDED: ("submit", "score", "reject"),
        SpoState.AWARDED: ("submit", "score", "award"),
        SpoState.IN_DELIVERY: ("submit", "score", "award", "start"),
        SpoState.REVIEWED: ("submit", "score", "award", "start"),
    }
    return path[target]


def _step(
    store: Store,
    spo_id: str,
    version: int,
    step: str,
    supplier: Account,
    buyer: Account,
    when: datetime,
) -> Spo:
    v = version
    if step == "submit":
        return spo_service.submit(store, spo_id, actor=supplier, expected_version=v, at=when)
    if step == "withdraw":
        return spo_service.withdraw(
            store,
            spo_id,
            actor=supplier,
            expected_version=v,
            reason="Bid withdrawn: capacity committed elsewhere.",
            at=when,
        )
    if step == "score":
        marks = {part: Mark(2 + (len(part) % 3), _REASONS[part]) for part in QUALITATIVE_PARTS}
        return spo_service.score(
            store, spo_id, actor=buyer, expected_version=v, marks=marks, at=when
        )
    if step == "reject":
        return spo_service.reject(
            store,
            spo_id,
            actor=buyer,
            expected_version=v,
            reason="Another bid scored higher.",
            at=when,
        )
    if step == "award":
        return spo_service.award(store, spo_id, actor=buyer, expected_version=v, at=when)[0]
    return spo_service.start_delivery(store, spo_id, actor=supplier, expected_version=v, at=when)


def _report(
    store: Store, scenario: SpoScenario, supplier: Account, lines: Sequence[SpoLine]
) -> None:
    """Delivery reports: the supplier reports first, the activity's provider the rest."""
    for n, (index, amount, delivered_on) in enumerate(scenario.progress):
        reporter = supplier
        if n % 2 == 1:
            provider_id = store.get(Activity, lines[index].activity_id).provider_id
            reporter = account_for(
                store, f"acct-{provider_id}", Role.PROVIDER, organisation=provider_id
            )
        spo_service.report_progress(
            store,
            scenario.id,
            actor=reporter,
            report_id=f"{scenario.id}-report-{n + 1}",
            line_id=lines[index].id,
            amount=amount,
            delivered_on=delivered_on,
            evidence_url=f"https://example.org/evidence/{scenario.id}/{n + 1}",
            note="Delivered as planned.",
            at=at_day(delivered_on, 16),
        )


def pending(activity: Activity) -> Activity:
    """The activity as its provider first positions it (before any validator decision)."""
    return replace(activity, validation_status=ValidationStatus.PENDING, validated_until=None)
