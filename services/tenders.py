"""Tender rules on every write, and the buyer's edit of an open tender.

``POST /tenders`` (``services.directory.create_tender``) and ``PUT /tenders/{id}`` (here) both
pass :func:`check_tender`: on UK land, closing after opening, lots valid, inside the delivery
area (or the territory) and not overlapping (``spo.tenders``). An edit is the buyer's own, at
the version it read (409 ``stale-version`` otherwise), and only while the tender is open: once
it has closed, bids were made against what it said (409 ``tender-closed``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from domain.errors import InvalidInput, TenderClosed
from domain.model import Account, AuditEntry, Tender, Territory
from domain.vocabulary import Role
from services.access import require_own_organisation, require_role
from services.land import check_entity_on_land
from spo.tenders import check_dates, check_lots
from store.port import Store


def check_tender(store: Store, tender: Tender) -> None:
    """Every rule a stored tender keeps; raises the first broken one (nothing is written)."""
    check_dates(tender)
    territory = store.get(Territory, tender.territory_code) if tender.territory_code else None
    check_entity_on_land(store, tender)
    check_lots(tender, territory.geometry if territory else None)


def update_tender(
    store: Store,
    changed: Tender,
    *,
    actor: Account | None,
    expected_version: int,
    reason: str | None = None,
    at: datetime | None = None,
) -> Tender:
    """The tender's buyer (or an admin) rewrites it while it is open; ``changed`` carries the
    new content (its buyer, status and version stay the stored ones)."""
    when = at or datetime.now(UTC)
    signed_in = require_role(actor, Role.BUYER)
    before = store.get(Tender, changed.id)
    require_own_organisation(signed_in, before.buyer_id, "buyer")
    if changed.buyer_id != before.buyer_id:
        raise InvalidInput("a tender cannot move to another buyer")
    _require_open(before, when)
    after = replace(changed, status=before.status, version=expected_version)
    check_tender(store, after)
    entry = AuditEntry(
        actor=signed_in.id,
        action="tender.update",
        entity_type="tender",
        entity_id=before.id,
        at=when,
        reason=reason,
        detail={"from_version": expected_version},
    )
    return store.update(after, audit=entry)


def _require_open(tender: Tender, when: datetime) -> None:
    today = when.date()
    if tender.status != "open":
        raise TenderClosed(f"tender {tender.id!r} is {tender.status}: it can no longer change")
    if tender.closes is not None and today > tender.closes:
        raise TenderClosed(
            f"tender {tender.id!r} closed on {tender.closes.isoformat()}: it can no longer change"
        )
