"""The admin's account pages as use cases: the accounts with their role and organisation, a new
account with its web password, a password reset, disabling an account. Every rule (ids, which
role needs which organisation or territory, password length, argon2) is ``services.accounts``';
this module only turns its refusals into field errors a form can show. Nothing here knows HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import Conflict, DomainError, InvalidInput, NotFound
from domain.ids import check_id
from domain.model import Account
from domain.vocabulary import Role
from services import accounts
from services.access import require_role
from services.pages.forms import FormErrors, raise_if_any
from store.port import Store

#: the roles an admin can give, in the order the form lists them, with their words
ROLE_CHOICES: tuple[tuple[str, str], ...] = tuple(
    (r.value, r.value.replace("_", " ").capitalize()) for r in Role
)


@dataclass(frozen=True)
class AccountRow:
    """One account as the admin sees it (never its token or password hash)."""

    id: str
    name: str
    role: str
    organisation: str
    territory: str
    active: bool
    can_sign_in: bool


def _words(role: Role) -> str:
    return role.value.replace("_", " ")


def _organisation(store: Store, account: Account) -> str:
    """The organisation's name and id, or "" for a role without one."""
    kind = accounts.ORGANISATION_KIND[account.role]
    if kind is None or account.organisation_id is None:
        return ""
    try:
        return f"{store.get(kind, account.organisation_id).name} ({account.organisation_id})"
    except NotFound:
        return f"{account.organisation_id} (not found)"


def _row(store: Store, account: Account) -> AccountRow:
    return AccountRow(
        account.id,
        account.name,
        _words(account.role),
        _organisation(store, account),
        account.territory_code or "",
        account.active,
        account.active and account.password_hash is not None,
    )


def account_rows(store: Store, viewer: Account | None) -> tuple[AccountRow, ...]:
    """Every account, by id, with its role and organisation (admins only)."""
    require_role(viewer)
    return tuple(_row(store, a) for a in accounts.list_accounts(store))


def account_row(store: Store, viewer: Account | None, account_id: str) -> AccountRow:
    """One account (admins only; ``NotFound`` for an unknown id)."""
    require_role(viewer)
    return _row(store, store.get(Account, account_id))


@dataclass(frozen=True)
class NewAccountForm:
    """What the new-account form sent, as typed."""

    account_id: str = ""
    name: str = ""
    role: str = ""
    organisation_id: str = ""
    territory_code: str = ""
    password: str = ""


def _field_of(exc: DomainError) -> str:
    """The form field a refusal of ``accounts.create_account`` is about."""
    text = str(exc)
    if "territory" in text:
        return "territory_code"
    return "organisation_id"


def create_account(store: Store, viewer: Account | None, form: NewAccountForm) -> Account:
    """A new account with a web password (argon2 hash); its API token is made and never shown
    (``dicm accounts rotate-token`` gives one). ``FormErrors`` names every field that is wrong;
    nothing is stored then."""
    require_role(viewer)
    errors: dict[str, str] = {}
    account_id = form.account_id.strip()
    try:
        check_id(account_id, "account id")
    except DomainError:
        errors["account_id"] = (
            "Enter an account id of letters, digits, dots, dashes or underscores"
            if account_id
            else "Enter an account id"
        )
    else:
        try:
            store.get(Account, account_id)
        except NotFound:
            pass
        else:
            errors["account_id"] = f"There is already an account {account_id!r}"
    if not form.name.strip():
        errors["name"] = "Enter the name of the person or system"
    try:
        role = Role(form.role)
    except ValueError:
        errors["role"] = "Choose a role"
    try:
        accounts.check_password(form.password)
    except InvalidInput as exc:
        errors["password"] = str(exc).capitalize()
    raise_if_any(errors)
    try:
        account, _token = accounts.create_account(
            store,
            id_=account_id,
            name=form.name.strip(),
            role=role,
            organisation_id=form.organisation_id.strip() or None,
            territory_code=form.territory_code.strip() or None,
        )
    except (InvalidInput, NotFound) as exc:
        raise FormErrors({_field_of(exc): str(exc).capitalize()}) from None
    except Conflict:
        raise FormErrors({"account_id": f"There is already an account {account_id!r}"}) from None
    return accounts.set_password(store, account.id, form.password)


def reset_password(store: Store, viewer: Account | None, account_id: str, password: str) -> Account:
    """A new web password for ``account_id`` (the old one stops working at once);
    ``FormErrors`` on the password field for one too short."""
    require_role(viewer)
    store.get(Account, account_id)
    try:
        return accounts.set_password(store, account_id, password)
    except InvalidInput as exc:
        raise FormErrors({"password": str(exc).capitalize()}) from None


def disable_account(store: Store, viewer: Account | None, account_id: str) -> Account:
    """Turn ``account_id`` off: its sessions end on their next request and its token stops
    working. An admin cannot disable the account it is signed in with (nobody would be left to
    turn it back on)."""
    actor = require_role(viewer)
    if actor.id == account_id:
        raise FormErrors({"disable": "You cannot disable the account you are signed in with"})
    return accounts.deactivate_account(store, account_id)
