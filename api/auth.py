"""Bearer-token authentication: resolves the ``Authorization`` header to an account.

Only resolution happens here; what an account may do is decided by the services
(``services.accounts``, ``services.access``), so the CLI and the HTTP routes apply the same rules.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from domain.model import Account
from services.token_cache import TokenCache
from store.port import Store

bearer_scheme = HTTPBearer(
    auto_error=False,
    description="A dicm account token (created by `dicm accounts create`); omit for public data.",
)


async def current_account(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Account | None:
    """The account of the bearer token; None when no token was sent; 401 for a bad token."""
    if credentials is None:
        return None
    store: Store = request.app.state.store
    tokens: TokenCache = request.app.state.tokens
    return tokens.authenticate(store, credentials.credentials)


#: the ``?token=`` of the HTML map pages (``/maps/*``) only
PAGE_TOKEN_HELP = (
    "Map pages only: the account token as a query parameter, for browsers that cannot send an "
    "Authorization header. It ends up in server and proxy access logs and browser history: "
    "prefer the header where you can, and use a short-lived account for shared links."
)


async def page_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    token: Annotated[str | None, Query(max_length=200, description=PAGE_TOKEN_HELP)] = None,
) -> str | None:
    """The token of an HTML map page: the bearer header if sent, else ``?token=``; None when
    neither. Resolved to an account by the page itself (:func:`page_account`), so a bad token
    can be answered with a page rather than JSON."""
    if credentials is not None:
        return credentials.credentials
    return token or None


def page_account(request: Request, token: str | None) -> Account | None:
    """The account of a page token; None when none was sent; ``NotAuthenticated`` for a bad one."""
    if token is None:
        return None
    tokens: TokenCache = request.app.state.tokens
    return tokens.authenticate(request.app.state.store, token)
