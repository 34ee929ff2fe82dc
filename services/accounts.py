"""Accounts, bearer tokens and the access rules every use case shares.

A token is shown once, at creation; only its sha256 is stored, so a leaked database does not leak
working credentials. The rules here are the one place that says who may see whose data: a
supplier its own SPOs, a buyer the SPOs submitted to its own tenders, a PCC office its own
territory, everyone the public directory.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from domain.errors import DomainError, Forbidden, InvalidInput, NotFound
from domain.model import Account, Buyer, Provider, Supplier, Tender, Territory
from domain.vocabulary import Role
from services.events import buyer_topic, spo_topic
from services.spo import Loaded, formal_states, load
from spo.model import Spo, SpoState
from spo.permissions import Party, parties_of
from store.port import Store

#: which organisation table an account of each role belongs to (None: no organisation)
ORGANISATION_KIND: dict[Role, type[Supplier] | type[Provider] | type[Buyer] | None] = {
    Role.SUPPLIER: Supplier,
    Role.PROVIDER: Provider,
    Role.BUYER: Buyer,
    Role.VALIDATOR: None,
    Role.PCC_OFFICE: None,
    Role.ADMIN: None,
}
#: roles whose account is tied to one police territory
TERRITORIAL_ROLES = frozenset({Role.VALIDATOR, Role.PCC_OFFICE})


class NotAuthenticated(DomainError):
    """No credentials, or credentials that match no active account."""

    code = "unauthenticated"


def new_token() -> str:
    """A fresh random bearer token (32 random bytes, URL-safe text)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The stored form of a token: its sha256 in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_account(
    store: Store,
    *,
    id_: str,
    name: str,
    role: Role,
    organisation_id: str | None = None,
    territory_code: str | None = None,
    token: str | None = None,
) -> tuple[Account, str]:
    """Store a new account and return it with its token (the only time the token is seen)."""
    _check_ties(store, role, organisation_id, territory_code)
    token = token or new_token()
    account = Account(
        id=id_,
        name=name,
        role=role,
        organisation_id=organisation_id,
        territory_code=territory_code,
        token_hash=hash_token(token),
    )
    store.put(account)
    return account, token


def _check_ties(
    store: Store, role: Role, organisation_id: str | None, territory_code: str | None
) -> None:
    kind = ORGANISATION_KIND[role]
    if kind is None and organisation_id is not None:
        raise InvalidInput(f"a {role.value} account has no organisation")
    if kind is not None:
        if organisation_id is None:
            raise InvalidInput(f"a {role.value} account needs the id of its {kind.__name__}")
        store.get(kind, organisation_id)
    if role in TERRITORIAL_ROLES:
        if territory_code is None:
            raise InvalidInput(f"a {role.value} account needs a territory code")
        store.get(Territory, territory_code)
    elif territory_code is not None and role is not Role.BUYER:
        raise InvalidInput(f"a {role.value} account is not tied to a territory")


def authenticate(store: Store, token: str) -> Account:
    """The active account whose stored hash matches ``token``; ``NotAuthenticated`` otherwise."""
    digest = hash_token(token)
    for account in store.find(Account, limit=2, token_hash=digest):
        if account.active and hmac.compare_digest(account.token_hash, digest):
            return account
    raise NotAuthenticated("the bearer token matches no active account")


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
