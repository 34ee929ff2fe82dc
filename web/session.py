"""Who is signed in: the session cookie (Starlette's ``SessionMiddleware``: signed with
itsdangerous, HttpOnly, SameSite=Lax) holds the account id and when it signed in; every request
loads that account again, so a deactivated account is signed out at once.

``CurrentUser`` is the page dependency for the signed-in account; ``require_role`` a role check.
A page without a signed-in account raises :class:`SignInRequired`, answered with a redirect to
the sign-in page (``web.errors``).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request

from domain.errors import Forbidden, NotFound
from domain.model import Account
from domain.vocabulary import Role
from web.settings import WebSettings

ACCOUNT_KEY = "account_id"
SIGNED_IN_AT_KEY = "signed_in_at"
COOKIE_NAME = "dicm_session"
SECRET_FILE = "session.key"


class SignInRequired(Exception):
    """The page needs a signed-in account and the request has none (or an expired one)."""


def session_secret(settings: WebSettings, data_dir: Path) -> str:
    """The cookie-signing key: the setting, else ``<data_dir>/session.key`` (made once)."""
    if settings.session_secret is not None:
        return settings.session_secret.get_secret_value()
    path = data_dir / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def sign_in(request: Request, account: Account) -> None:
    """Start a fresh session for ``account`` (anything held before is dropped: no fixation)."""
    request.session.clear()
    request.session[ACCOUNT_KEY] = account.id
    request.session[SIGNED_IN_AT_KEY] = int(time.time())


def sign_out(request: Request) -> None:
    """End the session."""
    request.session.clear()


def session_account(request: Request) -> Account | None:
    """The active account of this request's session; None when nobody is signed in, the session
    is older than ``session_max_s`` or the account is gone or inactive."""
    if "session" not in request.scope:
        return None
    account_id = request.session.get(ACCOUNT_KEY)
    if not isinstance(account_id, str):
        return None
    settings: WebSettings = request.app.state.settings.web
    started = request.session.get(SIGNED_IN_AT_KEY)
    if not isinstance(started, int) or time.time() - started > settings.session_max_s:
        sign_out(request)
        return None
    try:
        account: Account = request.app.state.store.get(Account, account_id)
    except NotFound:
        account = None  # type: ignore[assignment]
    if account is None or not account.active:
        sign_out(request)
        return None
    return account


async def viewer(request: Request) -> Account | None:
    """The signed-in account, or None (pages that anyone may open)."""
    return session_account(request)


async def current_user(request: Request) -> Account:
    """The signed-in account; :class:`SignInRequired` when there is none."""
    account = session_account(request)
    if account is None:
        raise SignInRequired
    return account


Viewer = Annotated[Account | None, Depends(viewer)]
CurrentUser = Annotated[Account, Depends(current_user)]


def require_role(*roles: Role) -> Callable[..., Coroutine[Any, Any, Account]]:
    """A dependency: the signed-in account if its role is one of ``roles`` (admin passes too);
    a readable 403 page otherwise. Use as ``Annotated[Account, Depends(require_role(...))]``."""

    async def check(account: CurrentUser) -> Account:
        if account.role is not Role.ADMIN and account.role not in roles:
            allowed = ", ".join(r.value.replace("_", " ") for r in roles)
            raise Forbidden(
                f"this page is for {allowed} accounts; you are signed in as a "
                f"{account.role.value.replace('_', ' ')}"
            )
        return account

    return check
