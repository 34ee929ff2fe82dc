"""The one path every SPO change takes: load → check permission and transition → one write.

A change is ``store.update(new, audit=AuditEntry(...))`` — one transaction with optimistic
locking — then, when a broadcaster is given, an event on the SPO's and the buyer's topics.
The public use cases are re-exported by ``services.spo`` from ``drafting``, ``transitions``
and ``progress``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from domain.errors import NotFound, StaleVersion
from domain.model import Account, Activity, AuditEntry, Tender
from services.events import Broadcaster, buyer_topic, spo_topic
from spo.lifecycle import Action, check_transition
from spo.lockin import check_commitment_kept, commitment_version, verify
from spo.model import Spo
from spo.permissions import SpoParties, parties_of
from store.port import Store

ENTITY = "spo"


@dataclass(frozen=True)
class Loaded:
    """An SPO as read (and verified), its tender and who stands towards it."""

    spo: Spo
    tender: Tender
    parties: SpoParties


def now(at: datetime | None) -> datetime:
    """``at``, or the current UTC time when the caller gave none."""
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


def audit_entry(
    actor: Account,
    action: Action | str,
    before: Spo,
    after: Spo,
    at: datetime,
    reason: str | None,
    detail: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """The audit entry of one SPO change: states, versions and content hashes either side."""
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


def publish(bus: Broadcaster | None, loaded: Loaded, saved: Spo, kind: str, actor: Account) -> None:
    """Tell the SPO's and the buyer's subscribers (no-op without a broadcaster)."""
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


def change(
    store: Store,
    spo_id: str,
    action: Action,
    actor: Account,
    expected_version: int,
    edit: Callable[[Loaded], Spo],
    *,
    at: datetime | None = None,
    reason: str | None = None,
    detail: Callable[[Loaded, Spo], Mapping[str, Any]] | None = None,
    bus: Broadcaster | None = None,
) -> Spo:
    """Apply ``edit`` as ``action``: permission and transition first, then the version, then
    the commitment (unless varying), one audited write and its event."""
    when = now(at)
    loaded = load(store, spo_id)
    before = loaded.spo
    row = check_transition(before.state, action, parties_of(actor, loaded.parties))
    if before.version != expected_version:
        raise StaleVersion(f"SPO {spo_id!r} is at version {before.version}, not {expected_version}")
    after = replace(edit(loaded), state=row.to_state, updated_at=when, version=before.version)
    if action is not Action.VARY:
        check_commitment_kept(before, after)
    entry = audit_entry(
        actor, action, before, after, when, reason, detail(loaded, after) if detail else None
    )
    saved = store.update(after, audit=entry)
    publish(bus, loaded, saved, f"spo.{action.value}", actor)
    return saved


def unchanged(loaded: Loaded) -> Spo:
    """The edit of a step that moves only the state (submit, withdraw, reject, ...)."""
    return loaded.spo


def move(
    store: Store,
    spo_id: str,
    action: Action,
    actor: Account,
    expected_version: int,
    reason: str | None,
    at: datetime | None,
    bus: Broadcaster | None,
) -> Spo:
    """A :func:`change` that leaves the SPO's content as it is and moves only its state."""
    return change(
        store, spo_id, action, actor, expected_version, unchanged, reason=reason, at=at, bus=bus
    )
