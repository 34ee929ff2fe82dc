"""Accounts and bearer tokens: create an account, and find the account a token belongs to; and
web passwords: set one, and check one at sign-in.

A token is shown once, at creation; only its sha256 is stored, so a leaked database does not leak
working credentials. A password is stored as its argon2id hash (``argon2-cffi``'s defaults), so a
leaked database is slow to guess from.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import replace

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from domain.errors import InvalidInput, NotFound
from domain.ids import check_id
from domain.model import Account, Buyer, Provider, Supplier, Territory
from domain.vocabulary import Role
from services.access import NotAuthenticated, require_role
from store.port import Store

__all__ = [
    "NotAuthenticated",
    "authenticate",
    "authenticate_password",
    "check_password",
    "create_account",
    "create_account_as_admin",
    "hash_token",
    "new_token",
    "set_password",
]

#: which organisation table an account of each role belongs to (None: no organisation)
ORGANISATION_KIND: dict[Role, type[Supplier] | type[Provider] | type[Buyer] | None] = {
    Role.SUPPLIER: Supplier,
    Role.PROVIDER: Provider,
    Role.BUYER: Buyer,
    Role.VALIDATOR: None,
    Role.PCC_OFFICE: None,
    Role.ADMIN: None,
}
#: the shortest web password accepted (NCSC: length over complexity rules)
MIN_PASSWORD_LENGTH = 8
_HASHER = PasswordHasher()
#: verified against when the account does not exist, so an unknown id costs the same time
_DUMMY_HASH = _HASHER.hash("no such account")

#: roles whose account is tied to one police territory
TERRITORIAL_ROLES = frozenset({Role.VALIDATOR, Role.PCC_OFFICE})


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
    check_id(id_, "account id")
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


def create_account_as_admin(
    store: Store,
    viewer: Account | None,
    *,
    id_: str,
    name: str,
    role: Role,
    organisation_id: str | None = None,
    territory_code: str | None = None,
) -> tuple[Account, str]:
    """:func:`create_account` for a signed-in admin (the HTTP path); anyone else is refused."""
    require_role(viewer)
    return create_account(
        store,
        id_=id_,
        name=name,
        role=role,
        organisation_id=organisation_id,
        territory_code=territory_code,
    )


def _check_ties(
    store: Store, role: Role, organisation_id: str | None, territory_code: str | None
) -> None:
    kind = ORGANISATION_KIND[role]
    if kind is None and organisation_id is not None:
        raise InvalidInput(f"a {role.value} account has no organisation")
    if kind is not None:
        if organisation_id is None:
            raise InvalidInput(f"a {role.value} account needs the id of its {kind.__name__}")
        organisation = store.get(kind, organisation_id)
    if role in TERRITORIAL_ROLES:
        if territory_code is None:
            raise InvalidInput(f"a {role.value} account needs a territory code")
        store.get(Territory, territory_code)
    elif territory_code is not None and role is not Role.BUYER:
        raise InvalidInput(f"a {role.value} account is not tied to a territory")
    elif territory_code is not None:
        # a buyer account reads its territory's coverage: only its own organisation's territory
        store.get(Territory, territory_code)
        if getattr(organisation, "territory_code", None) != territory_code:
            raise InvalidInput(
                f"buyer {organisation_id!r} buys for territory "
                f"{getattr(organisation, 'territory_code', None)!r}, not {territory_code!r}"
            )


def authenticate(store: Store, token: str) -> Account:
    """The active account whose stored hash matches ``token``; ``NotAuthenticated`` otherwise."""
    digest = hash_token(token)
    for account in store.find(Account, limit=2, token_hash=digest):
        if account.active and hmac.compare_digest(account.token_hash, digest):
            return account
    raise NotAuthenticated("the bearer token matches no active account")


# --- account administration (``dicm accounts ...``) -------------------------------------------
# Every write goes through ``store.update``, which bumps the store's "accounts" change counter in
# the same transaction: every process's token cache (``services.token_cache``) drops what it
# remembered on its next request, so a deactivation or rotation is effective at once everywhere.


def list_accounts(store: Store) -> list[Account]:
    """Every account, by id (token hashes included: callers show what they need)."""
    return list(store.iter_all(Account))


def deactivate_account(store: Store, id_: str) -> Account:
    """Turn an account off: its token stops working on the next request, in every process."""
    account = store.get(Account, id_)
    if not account.active:
        return account
    return store.update(replace(account, active=False))


def rotate_token(store: Store, id_: str) -> tuple[Account, str]:
    """A new token for an account (the old one stops working at once); shown this once."""
    account = store.get(Account, id_)
    token = new_token()
    return store.update(replace(account, token_hash=hash_token(token))), token


def check_password(password: str) -> None:
    """``InvalidInput`` for a web password too short to keep (checked before anything is
    stored, so a form can refuse it beside the other fields)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def set_password(store: Store, id_: str, password: str) -> Account:
    """Give an account a web password (replacing any earlier one); only its hash is stored."""
    check_password(password)
    account = store.get(Account, id_)
    return store.update(replace(account, password_hash=_HASHER.hash(password)))


def authenticate_password(store: Store, id_: str, password: str) -> Account:
    """The active account ``id_`` if ``password`` is its web password; ``NotAuthenticated``
    otherwise, with the same message whichever part was wrong (no account enumeration)."""
    refused = NotAuthenticated("that account id and password do not match an active account")
    try:
        account: Account | None = store.get(Account, id_) if id_ else None
    except NotFound:
        account = None
    stored = account.password_hash if account is not None else None
    try:
        _HASHER.verify(stored or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        raise refused from None
    if account is None or stored is None or not account.active:
        raise refused
    return account
