"""Who may act on an SPO: an account's standing towards one SPO, derived from ids alone.

The lifecycle table names *parties* (the SPO's own supplier, the buyer whose tender it answers,
a provider whose activity a line supports, an administrator) rather than bare roles, because a
supplier may act only on its own SPOs and a buyer only on SPOs in its own tenders.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.model import Account
from domain.vocabulary import Role


class Party(StrEnum):
    """An account's standing towards one SPO."""

    SUPPLIER = "supplier"  # the supplier that owns the SPO
    BUYER = "buyer"  # the buyer that owns the tender the SPO answers
    PROVIDER = "provider"  # a provider whose activity one of the lines supports
    ADMIN = "admin"


@dataclass(frozen=True)
class SpoParties:
    """The organisations that stand in a role towards one SPO."""

    supplier_id: str
    buyer_id: str
    provider_ids: frozenset[str] = frozenset()


def parties_of(actor: Account, parties: SpoParties) -> frozenset[Party]:
    """The parties ``actor`` stands as towards the SPO; empty for strangers and inactive ones."""
    if not actor.active:
        return frozenset()
    if actor.role is Role.ADMIN:
        return frozenset({Party.ADMIN})
    org = actor.organisation_id
    if org is None:
        return frozenset()
    found: set[Party] = set()
    if actor.role is Role.SUPPLIER and org == parties.supplier_id:
        found.add(Party.SUPPLIER)
    if actor.role is Role.BUYER and org == parties.buyer_id:
        found.add(Party.BUYER)
    if actor.role is Role.PROVIDER and org in parties.provider_ids:
        found.add(Party.PROVIDER)
    return frozenset(found)
