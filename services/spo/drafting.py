"""Drafting an SPO: a supplier opens a draft for an open tender and adds or removes lines.

Each step is one versioned, audited write through ``services.spo.change``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.errors import Conflict, Forbidden
from domain.model import Account, Activity, Tender
from domain.vocabulary import Role, SupportType
from services.access import require_role
from services.events import Broadcaster
from services.spo.change import Loaded, audit_entry, change, now, publish
from spo import lines as spo_lines
from spo.lifecycle import Action
from spo.lockin import line_to_dict
from spo.model import Milestone, Spo, SpoLine
from spo.permissions import SpoParties
from store.port import Store


@dataclass(frozen=True)
class LineSpec:
    """A line as a caller asks for it; :meth:`to_line` adds the WHERE of its stored activity."""

    line_id: str
    activity_id: str
    support_type: SupportType
    amount: float
    unit: str
    priority: str
    milestones: Sequence[Milestone] = ()
    description: str = ""

    def to_line(self, activity: Activity) -> SpoLine:
        """The checked SPO line for ``activity`` (the one this spec names)."""
        return spo_lines.line_from_activity(
            self.line_id,
            activity,
            support_type=self.support_type,
            amount=self.amount,
            unit=self.unit,
            priority=self.priority,
            milestones=self.milestones,
            description=self.description,
        )


def create_draft(
    store: Store,
    *,
    actor: Account | None,
    spo_id: str,
    tender_id: str,
    title: str = "",
    supplier_id: str | None = None,
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> Spo:
    """A new draft SPO of the actor's supplier (an admin names the supplier) for an open tender."""
    when = now(at)
    actor = require_role(actor, Role.SUPPLIER)
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
    store.put(spo, audit=audit_entry(actor, "create", spo, spo, when, None, {"from_state": None}))
    saved = store.get(Spo, spo_id)
    publish(
        bus, Loaded(saved, tender, SpoParties(owner, tender.buyer_id)), saved, "spo.created", actor
    )
    return saved


def add_line(
    store: Store,
    spo_id: str,
    *,
    actor: Account | None,
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
    when = now(at)

    def edit(loaded: Loaded, _actor: Account) -> Spo:
        activity = store.get(Activity, activity_id)
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
        spo_lines.check_line_rule(line, activity, loaded.tender, when.date())
        return spo_lines.add_line(loaded.spo, line)

    return change(
        store,
        spo_id,
        Action.EDIT,
        actor,
        expected_version,
        edit,
        at=when,
        bus=bus,
        detail=lambda _l, after: {"added_line": line_to_dict(spo_lines.get_line(after, line_id))},
    )


def remove_line(
    store: Store,
    spo_id: str,
    *,
    actor: Account | None,
    expected_version: int,
    line_id: str,
    at: datetime | None = None,
    bus: Broadcaster | None = None,
) -> Spo:
    """Remove a line from a draft."""
    return change(
        store,
        spo_id,
        Action.EDIT,
        actor,
        expected_version,
        lambda loaded, _actor: spo_lines.remove_line(loaded.spo, line_id),
        at=at,
        bus=bus,
        detail=lambda loaded, _a: {
            "removed_line": line_to_dict(spo_lines.get_line(loaded.spo, line_id))
        },
    )
