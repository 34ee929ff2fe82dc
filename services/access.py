"""The access rules every use case shares: who may see and do what.

The one place that says who may see whose data: a supplier its own SPOs, a buyer the SPOs
submitted to its own tenders, a PCC office its own territory, everyone the public directory.
Use cases call these before they answer; routes never check visibility themselves.
"""

from __future__ import annotations

from domain.errors import DomainError, Forbidden, InvalidInput, NotFound
from domain.model import Account, Buyer, Tender
from domain.vocabulary import Role
from services.events import buyer_topic, spo_topic
from services.spo import Loaded, formal_states, load
from spo.model import Spo, SpoState
from spo.permissions import Party, parties_of
from store.port import Store


class NotAuthenticated(DomainError):
    """No credentials, or credentials that match no active account."""

    code = "unauthenticated"


# --- access rules ------------------------------------------------------------------------------


def require_actor(viewer: Account | None) -> Account:
    """The signed-in account, or ``NotAuthenticated``."""
    if viewer is None:
        raise NotAuthenticated("this resource needs a bearer token")
    return viewer


def require_role(viewer: Account | None, *roles: Role) -> Account:
    """The signed-in account if its role is one of ``roles`` (admin always passes)."""
    actor = require_actor(viewer)
    if actor.role is not Role.ADMIN and actor.role not in roles:
        allowed = ", ".join(r.value for r in roles) or "admin"
        raise Forbidden(f"a {actor.role.value} account may not do this (allowed: {allowed})")
    return actor


def require_own_organisation(actor: Account, organisation_id: str, what: str) -> None:
    """Admins act for anyone; others only for their own organisation. Another organisation's
    resource is reported as absent, so its existence does not leak."""
    if actor.role is not Role.ADMIN and actor.organisation_id != organisation_id:
        raise NotFound(f"no {what} {organisation_id!r}")


def require_territory(actor: Account, territory_code: str) -> None:
    """PCC offices and validators act only in their own territory (admins anywhere)."""
    if actor.role is Role.ADMIN or actor.territory_code == territory_code:
        return
    if actor.role is Role.BUYER and actor.territory_code is None:
        raise Forbidden("this buyer account is not tied to a territory")
    raise Forbidden(f"a {actor.role.value} account may not see territory {territory_code}")


# --- SPO visibility ----------------------------------------------------------------------------

#: states a buyer sees (a draft is the supplier's own; a withdrawn bid left the competition)
BUYER_VISIBLE = frozenset(SpoState) - {SpoState.DRAFT, SpoState.WITHDRAWN}


def can_see_spo(viewer: Account, loaded: Loaded) -> bool:
    """Its supplier always; the tender's buyer once submitted; a provider whose activity it
    supports once formalised; an admin always."""
    parties = parties_of(viewer, loaded.parties)
    state = loaded.spo.state
    if Party.ADMIN in parties or Party.SUPPLIER in parties:
        return True
    if Party.BUYER in parties and state in BUYER_VISIBLE:
        return True
    return Party.PROVIDER in parties and state in formal_states()


def visible_spo(store: Store, viewer: Account | None, spo_id: str) -> Spo:
    """The SPO if ``viewer`` may see it; ``NotFound`` otherwise (existence does not leak)."""
    actor = require_role(viewer, Role.SUPPLIER, Role.BUYER, Role.PROVIDER)
    loaded = load(store, spo_id)
    if not can_see_spo(actor, loaded):
        raise NotFound(f"no SPO {spo_id!r}")
    return loaded.spo


def visible_spos(
    store: Store, viewer: Account | None, *, tender_id: str | None = None
) -> list[Spo]:
    """Every SPO ``viewer`` may see (optionally of one tender), by id."""
    actor = require_role(viewer, Role.SUPPLIER, Role.BUYER, Role.PROVIDER)
    base = {} if tender_id is None else {"tender_id": tender_id}
    if actor.role is Role.ADMIN:
        return _every(store, **base)
    if actor.role is Role.SUPPLIER:
        return _every(store, supplier_id=str(actor.organisation_id), **base)
    if actor.role is Role.BUYER:
        tenders = [
            t.id for t in store.find(Tender, limit=100_000, buyer_id=str(actor.organisation_id))
        ]
        wanted = [t for t in tenders if tender_id in (None, t)]
        found = [spo for t in wanted for spo in _every(store, tender_id=t)]
        return sorted((s for s in found if s.state in BUYER_VISIBLE), key=lambda s: s.id)
    found = [spo for state in formal_states() for spo in _every(store, state=state.value, **base)]
    seen = [spo for spo in found if can_see_spo(actor, load(store, spo.id))]
    return sorted(seen, key=lambda s: s.id)


def _every(store: Store, **filters: str) -> list[Spo]:
    found: list[Spo] = []
    while True:
        page = store.find(Spo, limit=1000, offset=len(found), **filters)
        found += page
        if len(page) < 1000:
            return found


def is_event_visible(topic: str, data: dict[str, object]) -> bool:
    """A buyer's feed leaves out drafts: they are the supplier's own until submitted."""
    return not (topic.startswith("buyer:") and data.get("state") == SpoState.DRAFT.value)


def event_topic(
    store: Store, viewer: Account | None, *, spo_id: str | None = None, buyer_id: str | None = None
) -> str:
    """The live-update topic ``viewer`` may follow: one visible SPO, or a buyer's own tenders
    (an admin names the buyer)."""
    if spo_id is not None:
        visible_spo(store, viewer, spo_id)
        return spo_topic(spo_id)
    actor = require_role(viewer, Role.BUYER)
    if actor.role is Role.ADMIN:
        if buyer_id is None:
            raise InvalidInput("an admin names the buyer whose SPO updates to follow")
        return buyer_topic(store.get(Buyer, buyer_id).id)
    require_own_organisation(actor, buyer_id or str(actor.organisation_id), "buyer")
    return buyer_topic(str(actor.organisation_id))
