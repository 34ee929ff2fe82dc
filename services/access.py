"""The access rules every use case shares: who may see and do what.

The one place that says who may see whose data: a supplier its own SPOs, a buyer the SPOs
submitted to its own tenders, a PCC office its own territory, everyone the public directory.
Use cases call these before they answer; routes never check visibility themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from domain.errors import DomainError, Forbidden, InvalidInput, NotFound
from domain.model import Account, Activity, Buyer, Tender
from domain.vocabulary import Role, ValidationStatus
from services.events import buyer_topic, spo_topic
from services.seal import is_intact, verified
from spo.model import FORMAL_STATES, Spo, SpoState
from spo.permissions import Party, SpoParties, parties_of
from store.port import Store


class NotAuthenticated(DomainError):
    """No credentials, or credentials that match no active account."""

    code = "unauthenticated"


class TokenInAddress(DomainError):
    """A token sent in a page's address (``?token=``): refused, never read as a credential. An
    address lands in access logs, browser history and shared links, so it must not sign anyone
    in; browsers sign in with the session cookie, machines send ``Authorization: Bearer``."""

    code = "token-in-url"


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


# --- activities --------------------------------------------------------------------------------


def can_see_activity(viewer: Account | None, activity: Activity) -> bool:
    """Validated activities are public; others only for their provider, validator or admin."""
    if activity.validation_status is ValidationStatus.VALIDATED:
        return True
    if viewer is None:
        return False
    if viewer.role is Role.ADMIN:
        return True
    if viewer.role is Role.PROVIDER:
        return viewer.organisation_id == activity.provider_id
    return viewer.role is Role.VALIDATOR and viewer.territory_code == activity.territory_code


# --- reading an SPO with who stands towards it ------------------------------------------------


@dataclass(frozen=True)
class Loaded:
    """An SPO as read (and verified), its tender and who stands towards it."""

    spo: Spo
    tender: Tender
    parties: SpoParties


def get_spo(store: Store, spo_id: str) -> Spo:
    """The stored SPO, verified against its content hash when locked."""
    return verified(store, store.get(Spo, spo_id))


def load(store: Store, spo_id: str) -> Loaded:
    """The SPO (verified), its tender and its parties (providers of the activities its lines
    support)."""
    return with_parties(store, get_spo(store, spo_id))


def with_parties(store: Store, spo: Spo) -> Loaded:
    """``spo`` as given with its tender and parties; lists use it to decide visibility without
    failing as a whole on one tampered SPO (which they then flag)."""
    tender = store.get(Tender, spo.tender_id)
    providers: set[str] = set()
    for line in spo.lines:
        try:
            providers.add(store.get(Activity, line.activity_id).provider_id)
        except NotFound:
            continue
    return Loaded(spo, tender, SpoParties(spo.supplier_id, tender.buyer_id, frozenset(providers)))


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
    return Party.PROVIDER in parties and state in FORMAL_STATES


def visible_loaded(store: Store, viewer: Account | None, spo_id: str) -> tuple[Account, Loaded]:
    """The signed-in account and the SPO (with its tender and parties, loaded once) if the
    account may see it; ``NotFound`` otherwise (existence does not leak)."""
    actor = require_role(viewer, Role.SUPPLIER, Role.BUYER, Role.PROVIDER)
    loaded = load(store, spo_id)
    if not can_see_spo(actor, loaded):
        raise NotFound(f"no SPO {spo_id!r}")
    return actor, loaded


def visible_spo(store: Store, viewer: Account | None, spo_id: str) -> Spo:
    """The SPO if ``viewer`` may see it; ``NotFound`` otherwise (existence does not leak)."""
    return visible_loaded(store, viewer, spo_id)[1].spo


def visible_spos(
    store: Store, viewer: Account | None, *, tender_id: str | None = None
) -> list[Spo]:
    """Every SPO ``viewer`` may see (optionally of one tender), by id, as stored: a tampered
    one is listed (the caller flags it with ``services.seal.is_intact``), never
    allowed to fail the whole list."""
    actor = require_role(viewer, Role.SUPPLIER, Role.BUYER, Role.PROVIDER)
    base = {} if tender_id is None else {"tender_id": tender_id}
    if actor.role is Role.ADMIN:
        return list(store.iter_all(Spo, **base))
    if actor.role is Role.SUPPLIER:
        return list(store.iter_all(Spo, supplier_id=str(actor.organisation_id), **base))
    if actor.role is Role.BUYER:
        tenders = [t.id for t in store.iter_all(Tender, buyer_id=str(actor.organisation_id))]
        wanted = [t for t in tenders if tender_id in (None, t)]
        found = [spo for t in wanted for spo in store.iter_all(Spo, tender_id=t)]
        return sorted((s for s in found if s.state in BUYER_VISIBLE), key=lambda s: s.id)
    found = [
        spo for state in FORMAL_STATES for spo in store.iter_all(Spo, state=state.value, **base)
    ]
    seen = [spo for spo in found if can_see_spo(actor, with_parties(store, spo))]
    return sorted(seen, key=lambda s: s.id)


def listed_spos(
    store: Store, viewer: Account | None, *, tender_id: str | None = None
) -> list[tuple[Spo, bool]]:
    """:func:`visible_spos`, each with whether its seal verifies (a list flags, never fails)."""
    return [
        (spo, is_intact(store, spo)) for spo in visible_spos(store, viewer, tender_id=tender_id)
    ]


def is_event_visible(store: Store, viewer: Account | None, data: Mapping[str, object]) -> bool:
    """The rule of a GET, applied to the SPO as the event shows it: ``viewer`` sees an event
    only if it could read the SPO in the event's state (a buyer never sees a draft or a
    withdrawn bid; a provider only formalised SPOs). Unknown or tampered SPOs: not shown."""
    if viewer is None:
        return False
    try:
        loaded = load(store, str(data.get("spo_id")))
        state = SpoState(str(data.get("state")))
    except (DomainError, ValueError):
        return False
    return can_see_spo(viewer, replace(loaded, spo=replace(loaded.spo, state=state)))


def narrowed(allowed: Mapping[str, str], asked: Mapping[str, str]) -> dict[str, str] | None:
    """Filters for a listing: what the caller asked for, within what it may see. A query
    parameter only narrows: one that contradicts ``allowed`` (a provider asking for another
    provider's pending activities) gives None — nothing to list — never a wider view."""
    if any(key in allowed and allowed[key] != value for key, value in asked.items()):
        return None
    return {**asked, **allowed}


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
