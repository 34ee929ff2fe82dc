"""Response hardening and request limits every response goes through.

- Security headers: ``X-Content-Type-Options: nosniff``, ``X-Frame-Options`` and CSP
  ``frame-ancestors``, ``Referrer-Policy: no-referrer`` (an address must not leak in a
  Referer), and a Content-Security-Policy. JSON answers get ``default-src 'none'``. HTML pages
  (the folium map pages and the API docs) get a same-origin policy that still allows inline
  script and style: folium writes its map set-up as inline ``<script>`` blocks with generated
  names, so a nonce would mean post-processing every page; no external origin is allowed
  (dicm serves its own vendored assets and downloads nothing).
- No ``server`` banner (uvicorn's is also turned off by ``dicm serve``).
- A request line over ``settings.api.max_request_line_bytes`` is a problem+json 414, headers over
  ``max_header_bytes`` a 431 (the server is told to let such requests through to here).
- Tokens never logged: :class:`RedactTokens` strips ``token=`` values from access-log lines (no
  page accepts one any more, but an old link or a careless client may still send one).
"""

from __future__ import annotations

import logging
import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem_response

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
PAGE_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "worker-src 'self' blob:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)
_TOKEN = re.compile(r"(?i)([?&](?:token|access_token)=)[^&\s\"]*")


def redact(text: str) -> str:
    """``text`` with every ``token=`` / ``access_token=`` query value replaced by ``***``."""
    return _TOKEN.sub(r"\1***", text)


class RedactTokens(logging.Filter):
    """A logging filter that keeps tokens out of access logs (message and arguments)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install_log_redaction(*names: str) -> None:
    """Attach :class:`RedactTokens` to the access loggers (once each)."""
    for name in names or ("uvicorn.access", "uvicorn.error", "dicm.api"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())


class SecurityHeaders:
    """Pure ASGI middleware adding the security headers and removing any ``server`` header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                del headers["server"]
                html = headers.get("content-type", "").startswith("text/html")
                headers.setdefault("Content-Security-Policy", PAGE_CSP if html else API_CSP)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "SAMEORIGIN" if html else "DENY")
                headers.setdefault("Referrer-Policy", "no-referrer")
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RequestLimits:
    """414 for an over-long request line, 431 for over-large headers, as problem+json."""

    def __init__(self, app: ASGIApp, *, max_line_bytes: int, max_header_bytes: int) -> None:
        self.app = app
        self.max_line_bytes = max_line_bytes
        self.max_header_bytes = max_header_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            target = len(scope.get("raw_path") or b"") + len(scope.get("query_string", b""))
            headers = sum(len(k) + len(v) + 4 for k, v in scope.get("headers", ()))
            if target > self.max_line_bytes:
                detail = f"the request target is limited to {self.max_line_bytes} bytes"
                await problem_response("uri-too-long", detail)(scope, receive, send)
                return
            if headers > self.max_header_bytes:
                detail = f"request headers are limited to {self.max_header_bytes} bytes"
                await problem_response("headers-too-large", detail)(scope, receive, send)
                return
        await self.app(scope, receive, send)
