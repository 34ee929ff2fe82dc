"""The one path every SPO change takes: may the viewer see it → load once → check permission
and transition → one versioned, audited write → its event.

A change is ``store.update(new, audit=AuditEntry(...))`` — one transaction with optimistic
locking — then, when a broadcaster is given, an event on the SPO's and the buyer's topics.
Steps that write more than the SPO (award) run :func:`apply` inside ``store.transaction()``
and publish only after the commit. The public use cases are re-exported by ``services.spo``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from domain.errors import StaleVersion
from domain.model import Account, AuditEntry
from services.access import visible_loaded
from services.events import Broadcaster, buyer_topic, spo_topic
from services.spo.records import ENTITY, Loaded, get_spo, load, now
from spo.lifecycle import Action, check_transition
from spo.lockin import check_commitment_kept, commitment_version
from spo.model import Spo
from spo.permissions import parties_of
from store.port import Store

__all__ = [
    "ENTITY",
    "Loaded",
    "StateStep",
    "apply",
    "audit_entry",
    "change",
    "get_spo",
    "load",
    "now",
    "publish",
]


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


def publish(
    bus: Broadcaster | None,
    loaded: Loaded,
    saved: Spo,
    kind: str,
    actor: Account,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Tell the SPO's and the buyer's subscribers (no-op without a broadcaster); ``extra``
    adds to the event's data (a progress event's delivery status and RAG rating)."""
    if bus is None:
        return
    data = {
        "spo_id": saved.id,
        "state": saved.state.value,
        "version": saved.version,
        "actor": actor.id,
        "tender_id": saved.tender_id,
        **dict(extra or {}),
    }
    bus.publish(spo_topic(saved.id), kind, data)
    bus.publish(buyer_topic(loaded.parties.buyer_id), kind, data)


#: an SPO's new content from what was loaded and who is acting
Edit = Callable[[Loaded, Account], Spo]
#: extra audit detail from what was loaded and the new content
Detail = Callable[[Loaded, Spo], Mapping[str, Any]]


def apply(
    store: Store,
    loaded: Loaded,
    action: Action,
    actor: Account,
    expected_version: int,
    edit: Edit,
    *,
    at: datetime,
    reason: str | None = None,
    detail: Detail | None = None,
) -> Spo:
    """Write ``edit`` of the loaded SPO as ``action``: permission and transition first, then the
    version, then the commitment (unless varying), then one audited update. No event."""
    before = loaded.spo
    row = check_transition(before.state, action, parties_of(actor, loaded.parties))
    if before.version != expected_version:
        raise StaleVersion(
            f"SPO {before.id!r} is at version {before.version}, not {expected_version}"
        )
    after = replace(edit(loaded, actor), state=row.to_state, updated_at=at, version=before.version)
    if action is not Action.VARY:
        check_commitment_kept(before, after)
    entry = audit_entry(
        actor, action, before, after, at, reason, detail(loaded, after) if detail else None
    )
    return store.update(after, audit=entry)


def change(
    store: Store,
    spo_id: str,
    action: Action,
    viewer: Account | None,
    expected_version: int,
    edit: Edit,
    *,
    at: datetime | None = None,
    reason: str | None = None,
    detail: Detail | None = None,
    bus: Broadcaster | None = None,
) -> Spo:
    """Apply ``edit`` as ``action`` for ``viewer``: an SPO they may not see is ``NotFound``
    (its existence does not leak); then :func:`apply` and the event."""
    actor, loaded = visible_loaded(store, viewer, spo_id)
    saved = apply(
        store,
        loaded,
        action,
        actor,
        expected_version,
        edit,
        at=now(at),
        reason=reason,
        detail=detail,
    )
    publish(bus, loaded, saved, f"spo.{action.value}", actor)
    return saved


#: a check of what was loaded before a step that moves only the state: (loaded, reason, when)
Check = Callable[[Loaded, str | None, datetime], None]


@dataclass(frozen=True)
class StateStep:
    """A step that leaves the SPO's content as it is and moves only its state (submit,
    withdraw, reject, start delivery, review), after its ``check`` of what was loaded. Every
    such step is called the same way, so their signature is written once, here."""

    action: Action
    check: Check | None = None

    def __call__(
        self,
        store: Store,
        spo_id: str,
        *,
        actor: Account | None,
        expected_version: int,
        reason: str | None = None,
        at: datetime | None = None,
        bus: Broadcaster | None = None,
    ) -> Spo:
        """Run the step as ``actor`` (a :func:`change` with the content unchanged)."""
        when = now(at)

        def unchanged(loaded: Loaded, _actor: Account) -> Spo:
            if self.check is not None:
                self.check(loaded, reason, when)
            return loaded.spo

        return change(
            store,
            spo_id,
            self.action,
            actor,
            expected_version,
            unchanged,
            at=when,
            reason=reason,
            bus=bus,
        )
