"""SPO use cases: load → check permission and transition (pure) → one versioned store write.

Every change is ``store.update(new, audit=AuditEntry(...))`` — one transaction with optimistic
locking: the caller passes the ``expected_version`` it read and gets ``StaleVersion`` if someone
else changed the SPO since. A refused change raises a ``domain.errors`` exception and writes
nothing. A locked SPO is verified against its content hash on every read (``TamperDetected``).
Successful changes are published on the SPO's and the buyer's topics when a broadcaster is given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from api.services.events import Broadcaster, buyer_topic, spo_topic
from domain.errors import Conflict, Forbidden, InvalidInput, NotFound, StaleVersion
from domain.model import Account, Activity, AuditEntry, Contract, Tender
from domain.vocabulary import Role, SupportType
from spo import lines as spo_lines
from spo.lifecycle import Action, check_transition
from spo.lockin import check_commitment_kept, commitment_version, line_to_dict, lock, verify
from spo.lockin import vary as vary_lines
from spo.model import Milestone, ProgressReport, Spo, SpoLine, SpoState
from spo.permissions import SpoParties, parties_of
from spo.progress import SpoProgress, check_report, spo_progress
from spo.scoring import Mark, Rubric, ScoringInputs
from spo.scoring import score as score_spo
from spo.validation import is_recommendable
from store.port import Store

ENTITY = "spo"


@dataclass(frozen=True)
class Loaded:
    """An SPO as read (and verified), its tender and who stands towards it."""

    spo: Spo
    tender: Tender
    parties: SpoParties


def _now(at: datetime | None) -> datetime:
    return at if at is not None else datetime.now(UTC)


def get_spo(store: Store, spo_id: str) -> Spo:
    """The stored SPO, verified against its content hash when locked."""
    return verify(store.get(Spo, spo_id))


def load(store: Store, spo_id: str) -> Loaded:
    """The SPO, its tender and its parties (providers of the activities its lines support)."""
    spo = get_spo(store, spo_id)
    tender = store.get(Tender, spo.tender_id)
    providers: set[str] = set()
    for line in spo.lines:
        try:
            providers.add(store.get(Activity, line.activity_id).provider_id)
        except NotFound:
            continue
    return Loaded(spo, tender, SpoParties(spo.supplier_id, tender.buyer_id, frozenset(providers)))


def _audit(
    actor: Account,
    action: Action | str,
    before: Spo,
    after: Spo,
    at: datetime,
    reason: str | None,
    detail: Mapping[str, Any] | None = None,
) -> AuditEntry:
    return AuditEntry(
        actor=actor.id,
        action=f"spo.{action}",
        entity_type=ENTITY,
        entity_id=before.id,
        at=at,
        reason=reason,
        detail={
            "from_state": before.state.value,
            "to_state": after.state.value,
            "version_before": before.version,
            "commitment_version": commitment_version(after),
            "content_hash_before": before.content_hash,
            "content_hash_after": after.content_hash,
            "line_count": len(after.lines),
            **dict(detail or {}),
        },
    )


def _publish(
    bus: Broadcaster | None, loaded: Loaded, saved: Spo, kind: str, actor: Account
) -> None:
    if bus is None:
        return
    data = {
        "spo_id": saved.id,
        "state": saved.state.value,
        "version": saved.version,
        "actor": actor.id,
        "tender_id": saved.tender_id,
    }
    bus.publish(spo_topic(saved.id), kind, data)
    bus.publish(buyer_topic(loaded.parties.buyer_id), kind, data)


def _change(
    store: Store,
    spo_id: str,
    *,
    actor: Account,
    expected_version: int,
    action: Action,
    edit: Callable[[Loaded], Spo],
    at: datetime | None = None,
    reason: str | None = None,
    detail: Callable[[Loaded, Spo], Mapping[str, Any]] | None = None,
    bus: Broadcaster | None = None,
) -> Spo:
    """The one path every SPO change takes (see the module docstring)."""
    when = _now(at)
    loaded = load(store, spo_id)
    before = loaded.spo
    row = check_transition(before.state, action, parties_of(actor, loaded.parties))
    if before.version != expected_version:
        raise StaleVersion(f"SPO {spo_id!r} is at version {before.version}, not {expected_version}")
    after = replace(edit(loaded), state=row.to_state, updated_at=when, version=before.version)
    if action is not Action.VARY:
        check_commitment_kept(before, after)
    entry = _audit(
        actor, action, before, after, when, reason, detail(loaded, after) if detail else None
    )
    saved = store.update(after, audit=entry)
    _publish(bus, loaded, saved, f"spo.{action.value}", actor)
    return saved


# --- drafting ----------------------------------------------------------------------------------


def create_draft(
    store: Store,
    *,
    actor: Account,
    spo_id: str,
    tender_id: str,
    title: str = "",
    supplier_id: str | None = None,
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> Spo:
    """A new draft SPO of the actor's supplier (an admin names the supplier) for an open tender."""
    when = _now(at)
    if actor.active and actor.role is Role.SUPPLIER and actor.organisation_id:
        owner = actor.organisation_id
        if supplier_id not in (None, owner):
            raise Forbidden("a supplier drafts SPOs only for itself")
    elif actor.active and actor.role is Role.ADMIN and supplier_id:
        owner = supplier_id
    else:
        raise Forbidden("only a supplier drafts an SPO")
    tender = store.get(Tender, tender_id)
    if tender.status != "open":
        raise Conflict(f"tender {tender_id!r} is {tender.status}, not open for bids")
    spo = Spo(
        id=spo_id,
        supplier_id=owner,
        tender_id=tender_id,
        title=title,
        created_at=when,
        updated_at=when,
    )
    store.put(spo, audit=_audit(actor, "create", spo, spo, when, None, {"from_state": None}))
    saved = store.get(Spo, spo_id)
    _publish(
        bus, Loaded(saved, tender, SpoParties(owner, tender.buyer_id)), saved, "spo.created", actor
    )
    return saved


def add_line(
    store: Store,
    spo_id: str,
    *,
    actor: Account,
    expected_version: int,
    line_id: str,
    activity_id: str,
    support_type: SupportType,
    amount: float,
    unit: str,
    priority: str,
    milestones: Sequence[Milestone] = (),
    description: str = "",
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> Spo:
    """Add a line for a validated, in-date, active activity in the buyer's area (draft only)."""
    when = _now(at)
    activity = store.get(Activity, activity_id)

    def edit(loaded: Loaded) -> Spo:
        if not is_recommendable(activity, when.date()):
            raise InvalidInput(f"activity {activity_id!r} is not validated, in date and active")
        line = spo_lines.line_from_activity(
            line_id,
            activity,
            support_type=support_type,
            amount=amount,
            unit=unit,
            priority=priority,
            milestones=milestones,
            description=description,
        )
        if spo_lines.has_buyer_area(loaded.tender) and not spo_lines.is_in_buyer_area(
            line, loaded.tender
        ):
            raise InvalidInput(f"activity {activity_id!r} is outside the buyer's area")
        return spo_lines.add_line(loaded.spo, line)

    return _change(
        store,
        spo_id,
        actor=actor,
        expected_version=expected_version,
        action=Action.EDIT,
        edit=edit,
        at=when,
        bus=bus,
        detail=lambda _l, after: {"added_line": line_to_dict(spo_lines.get_line(after, line_id))},
    )


def remove_line(
    store: Store,
    spo_id: str,
    *,
    actor: Account,
    expected_version: int,
    line_id: str,
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> Spo:
    """Remove a line from a draft."""
    return _change(
        store,
        spo_id,
        actor=actor,
        expected_version=expected_version,
        action=Action.EDIT,
        at=at,
        bus=bus,
        edit=lambda loaded: spo_lines.remove_line(loaded.spo, line_id),
        detail=lambda loaded, _a: {
            "removed_line": line_to_dict(spo_lines.get_line(loaded.spo, line_id))
        },
    )


# --- bidding -----------------------------------------------------------------------------------


def submit(
    store: Store,
    spo_id: str,
    *,
    actor: Account,
    expected_version: int,
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> Spo:
    """Submit the draft with the bid; it needs at least one line."""

    def edit(loaded: Loaded) -> Spo:
        if not loaded.spo.lines:
            raise InvalidInput("an SPO without lines cannot be submitted")
        return loaded.spo

    return _change(
        store,
        spo_id,
        actor=actor,
        expected_version=expected_version,
        action=Action.SUBMIT,
        edit=edit,
        at=at,
        bus=bus,
    )


def withdraw(
    store: Store,
    spo_id: str,
    *,
    actor: Account,
    expected_version: int,
    reason: str | None = None,
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> Spo:
    """Withdraw a draft or submitted SPO."""
    return _change(
        store,
        spo_id,
        actor=actor,
        expected_version=expected_version,
        action=Action.WITHDRAW,
        edit=lambda loaded: loaded.spo,
        reason=reason,
        at=at,
        bus=bus,
    )


def score(
    store: Store,
    spo_id: str,
    *,
    actor: Account,
    expected_version: int,
    marks: Mapping[str, Mark],
    rubric: Rubric | None = None,
    need_by_area: Mapping[str, float] | None = None,
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> Spo:
    """Score with the published rubric; the breakdown (every part) is stored on the SPO.

    Buyer priorities are the tender's plus the current Police & Crime Plan of its territory.
    """
    when = _now(at)
    used = rubric or Rubric()

    def edit(loaded: Loaded) -> Spo:
        tender = loaded.tender
        plan = store.current_plan(tender.territory_code) if tender.territory_code else None
        inputs = ScoringInputs(
            tender=tender,
            marks=marks,
            need_by_area=dict(need_by_area or {}),
            priorities=tuple(p.theme for p in plan.priorities) if plan else (),
        )
        breakdown = score_spo(loaded.spo, inputs, used, scored_by=actor.id, scored_at=when)
        return replace(loaded.spo, score=breakdown)

    return _change(
        store,
        spo_id,
        actor=actor,
        expected_version=expected_version,
        action=Action.SCORE,
        edit=edit,
        at=when,
        bus=bus,
        detail=lambda _l, after: {
            "rubric": used.to_dict(),
            "total": after.score.total if after.score else None,
            "parts": dict(after.score.parts) if after.score else {},
        },
    )


def award(
    store: Store,
    spo_id: str,
    *,
    actor: Account,
    expected_version: int,
    contract_id: str | None = None,
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> tuple[Spo, Contract]:
    """Award: lock the SPO (content hash) and create the Contract that carries it.

    The SPO write is the versioned transaction; the contract is written right after it (the
    store port has no multi-entity versioned write), with its own audit entry.
    """
    when = _now(at)
    cid = contract_id or f"contract-{spo_id}"
    try:
        store.get(Contract, cid)
    except NotFound:
        pass
    else:
        raise Conflict(f"contract {cid!r} already exists")
    saved = _change(
        store,
        spo_id,
        actor=actor,
        expected_version=expected_version,
        action=Action.AWARD,
        edit=lambda loaded: lock(loaded.spo, at=when),
        at=when,
        bus=bus,
        detail=lambda _l, after: {"lines": [line_to_dict(x) for x in after.lines]},
    )
    tender = store.get(Tender, saved.tender_id)
    contract = Contract(
        id=cid,
        tender_id=saved.tender_id,
        supplier_id=saved.supplier_id,
        awarded_at=when,
        spo_id=saved.id,
        value_gbp=tender.contract_value_gbp,
    )
    store.put(
        contract,
        audit=AuditEntry(
            actor=actor.id,
            action="contract.create",
            entity_type="contract",
            entity_id=contract.id,
            at=when,
            detail={"spo_id": saved.id, "content_hash": saved.content_hash},
        ),
    )
    return saved, contract


def reject(
    store: Store,
    spo_id: str,
    *,
    actor: Account,
    expected_version: int,
    reason: str | None = None,
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> Spo:
    """Not awarded: the SPO is closed and never formalised."""
    return _change(
        store,
        spo_id,
        actor=actor,
        expected_version=expected_version,
        action=Action.REJECT,
        edit=lambda loaded: loaded.spo,
        reason=reason,
        at=at,
        bus=bus,
    )


# --- delivery ----------------------------------------------------------------------------------


def start_delivery(
    store: Store,
    spo_id: str,
    *,
    actor: Account,
    expected_version: int,
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> Spo:
    """The awarded SPO moves into delivery."""
    return _change(
        store,
        spo_id,
        actor=actor,
        expected_version=expected_version,
        action=Action.START_DELIVERY,
        edit=lambda loaded: loaded.spo,
        at=at,
        bus=bus,
    )


def review(
    store: Store,
    spo_id: str,
    *,
    actor: Account,
    expected_version: int,
    reason: str | None = None,
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> Spo:
    """The buyer's post-contract review closes the SPO."""
    return _change(
        store,
        spo_id,
        actor=actor,
        expected_version=expected_version,
        action=Action.REVIEW,
        edit=lambda loaded: loaded.spo,
        reason=reason,
        at=at,
        bus=bus,
    )


def vary(
    store: Store,
    spo_id: str,
    *,
    actor: Account,
    expected_version: int,
    lines: Sequence[SpoLine],
    reason: str,
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> Spo:
    """A formal variation of an awarded SPO: new commitment version, reason and approver.

    The audit entry keeps the previous lines, so every version can be rebuilt from history.
    """
    when = _now(at)
    return _change(
        store,
        spo_id,
        actor=actor,
        expected_version=expected_version,
        action=Action.VARY,
        edit=lambda loaded: vary_lines(
            loaded.spo, tuple(lines), reason=reason, approved_by=actor.id, at=when
        ),
        at=when,
        reason=reason,
        bus=bus,
        detail=lambda loaded, after: {
            "previous_lines": [line_to_dict(x) for x in loaded.spo.lines],
            "previous_commitment_version": commitment_version(loaded.spo),
            "lines": [line_to_dict(x) for x in after.lines],
        },
    )


def commitment_history(store: Store, spo_id: str) -> list[dict[str, Any]]:
    """Every version of the locked commitment, oldest first: version, hash, lines, and who
    awarded or approved it, when and why — rebuilt from the audit log."""
    versions: list[dict[str, Any]] = []
    for entry in history(store, spo_id):
        if entry.action not in ("spo.award", "spo.vary"):
            continue
        versions.append(
            {
                "version": entry.detail.get("commitment_version"),
                "content_hash": entry.detail.get("content_hash_after"),
                "lines": entry.detail.get("lines", []),
                "approved_by": entry.actor,
                "at": entry.at,
                "reason": entry.reason,
                "action": entry.action,
            }
        )
    return versions


def report_progress(
    store: Store,
    spo_id: str,
    *,
    actor: Account,
    report_id: str,
    line_id: str,
    amount: float,
    delivered_on: date,
    evidence_url: str | None = None,
    note: str = "",
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> ProgressReport:
    """Record delivery on one line (supplier, or a provider the SPO supports; in delivery only).

    A report is its own entity: it does not rewrite the (locked) SPO, so concurrent reports
    from several providers never collide.
    """
    when = _now(at)
    loaded = load(store, spo_id)
    check_transition(loaded.spo.state, Action.REPORT_PROGRESS, parties_of(actor, loaded.parties))
    line = spo_lines.get_line(loaded.spo, line_id)
    check_report(line, amount)
    report = ProgressReport(
        id=report_id,
        spo_id=spo_id,
        line_id=line_id,
        amount=float(amount),
        delivered_on=delivered_on,
        reported_by=actor.id,
        evidence_url=evidence_url,
        note=note,
    )
    store.put(
        report,
        audit=AuditEntry(
            actor=actor.id,
            action="spo.report_progress",
            entity_type=ENTITY,
            entity_id=spo_id,
            at=when,
            reason=note or None,
            detail={
                "report_id": report_id,
                "line_id": line_id,
                "amount": float(amount),
                "delivered_on": delivered_on.isoformat(),
                "evidence_url": evidence_url,
            },
        ),
    )
    _publish(bus, loaded, loaded.spo, "spo.progress", actor)
    return report


def progress_reports(store: Store, spo_id: str) -> list[ProgressReport]:
    """Every progress report of an SPO, by id."""
    found: list[ProgressReport] = []
    while True:
        page = store.find(ProgressReport, limit=500, offset=len(found), spo_id=spo_id)
        found += page
        if len(page) < 500:
            return found


def progress(store: Store, spo_id: str, *, as_of: date) -> SpoProgress:
    """Each line's and the SPO's status against milestones on ``as_of``."""
    return spo_progress(get_spo(store, spo_id), progress_reports(store, spo_id), as_of)


def history(store: Store, spo_id: str) -> list[AuditEntry]:
    """Every recorded decision about the SPO, oldest first."""
    return list(store.audit_log(entity_type=ENTITY, entity_id=spo_id))


def formal_states() -> frozenset[SpoState]:
    """States in which an SPO is formalised (locked into a contract)."""
    return frozenset({SpoState.AWARDED, SpoState.IN_DELIVERY, SpoState.REVIEWED})
