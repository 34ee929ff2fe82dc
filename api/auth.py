"""Bearer-token authentication: resolves the ``Authorization`` header to an account (and, for
the HTML map pages, the web session's signed-in account).

Only resolution happens here; what an account may do is decided by the services
(``services.accounts``, ``services.access``), so the CLI and the HTTP routes apply the same rules.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from domain.model import Account
from services.access import TokenInAddress
from services.token_cache import TokenCache
from store.port import Store
from web.session import session_account

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


#: query parameters that once carried a token on map pages: refused, never read as credentials
URL_TOKEN_PARAMS = ("token", "access_token")


async def page_bearer(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> str | None:
    """The bearer token of an HTML map page's request (machines), not yet resolved: the page
    resolves it itself (:func:`page_account`), so a bad token can be answered with a page."""
    return credentials.credentials if credentials is not None else None


def page_account(request: Request, bearer: str | None) -> Account | None:
    """Who opens a map page: the bearer token's account (machines) or the signed-in session's
    (browsers); None for nobody. A token in the address (``?token=``) is refused with
    ``TokenInAddress`` whatever else is sent: it would sit in logs and history. A bad bearer
    token is ``NotAuthenticated``."""
    if any(name in request.query_params for name in URL_TOKEN_PARAMS):
        raise TokenInAddress(
            "map pages no longer take a token in their address, because an address ends up in "
            "logs and browser history: sign in at /app/sign-in and open the page again without "
            "?token=, or (a program) send the token as Authorization: Bearer"
        )
    if bearer is not None:
        tokens: TokenCache = request.app.state.tokens
        return tokens.authenticate(request.app.state.store, bearer)
    return session_account(request)
