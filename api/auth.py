"""Bearer-token authentication: resolves the ``Authorization`` header to an account.

Only resolution happens here; what an account may do is decided by the services
(``api.services.accounts``), so the CLI and the HTTP routes apply the same rules.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.services import accounts
from domain.model import Account
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
    return accounts.authenticate(store, credentials.credentials)
