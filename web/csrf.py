"""CSRF protection for every form a page posts: a random token kept in the (signed) session and
sent back by the form (``{{ csrf_field() }}``) or by htmx (the ``X-CSRF-Token`` header, set once
on ``<body hx-headers>``). A POST without the session's token is refused with a 403 page, so
another site cannot make a signed-in browser post to dicm (SameSite=Lax is the second fence).
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Request

from domain.errors import Forbidden

SESSION_KEY = "csrf"
FIELD_NAME = "csrf_token"
HEADER_NAME = "X-CSRF-Token"


class CsrfRefused(Forbidden):
    """A form came back without this session's CSRF token."""

    code = "forbidden"


def csrf_token(request: Request) -> str:
    """This session's token (made on first use; empty outside a session, e.g. a 500 page)."""
    if "session" not in request.scope:
        return ""
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = token
    return token


async def check_csrf(request: Request) -> None:
    """Refuse a state-changing request whose form field or header lacks the session's token."""
    expected = request.session.get(SESSION_KEY) if "session" in request.scope else None
    sent = request.headers.get(HEADER_NAME)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(FIELD_NAME)
        sent = value if isinstance(value, str) else None
    if not isinstance(expected, str) or sent is None or not hmac.compare_digest(expected, sent):
        raise CsrfRefused(
            "this form has expired or did not come from dicm: go back, reload the page and "
            "send it again"
        )


#: add to a POST route's parameters: ``_: CsrfChecked``
CsrfChecked = Annotated[None, Depends(check_csrf)]
