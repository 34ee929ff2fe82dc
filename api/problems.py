"""RFC 9457 problem details: ONE table from error codes to HTTP status, and the handlers.

Every error a client can see has a stable ``type`` URI built from the ``code`` of the domain or
geo exception (``https://dicm.example/problems/swapped-coordinates``). Every error class of the
lower layers declares its own ``code`` and the table lists it (``tests/api/test_error_table.py``
walks them all), so no class answers its parent's status by accident; the nearest-ancestor
lookup in :func:`code_for` is only a safety net. A 5xx logs the traceback and answers a generic
detail; a storage failure (``503 storage-unavailable``) logs the driver's text and shows none of it.
The web pages (``/app/...``) get the same statuses as readable HTML pages instead, and a 401 there
is a redirect to the sign-in page (``web.errors``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.errors import DomainError
from geo.errors import AmbiguousPlace, GeoError
from store.errors import StorageError
from web.errors import error_page, is_page, sign_in_redirect

PROBLEM_BASE = "https://dicm.example/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("dicm.api")

#: code -> (status, title). Codes are the ``code`` attributes of domain/geo errors.
PROBLEMS: dict[str, tuple[int, str]] = {
    # domain.errors
    "domain-error": (400, "Request not acceptable"),
    "not-found": (404, "Not found"),
    "unknown-reference": (422, "Unknown reference"),
    "conflict": (409, "Conflict"),
    "stale-version": (409, "Stale version"),
    "locked": (409, "Locked"),
    "tamper-detected": (409, "Tamper detected"),
    "forbidden": (403, "Forbidden"),
    "invalid-input": (422, "Invalid input"),
    "invalid-form": (422, "Invalid form input"),
    "delivery-exceeds-commitment": (422, "Delivery exceeds the commitment"),
    "delivery-in-future": (422, "Delivery dated in the future"),
    "not-line-provider": (403, "Not this line's provider"),
    "reason-required": (422, "A written reason is required"),
    "tender-closed": (409, "Tender not open"),
    "invalid-lots": (422, "Invalid tender lots"),
    "invalid-dates": (422, "Dates in the wrong order"),
    "invalid-mark": (422, "Invalid scoring mark"),
    # services.access
    "invalid-query": (400, "Invalid query parameter"),
    "unauthenticated": (401, "Not authenticated"),
    "token-in-url": (400, "Token in the address"),
    # geo.errors
    "invalid-geography": (422, "Invalid geography"),
    "invalid-coordinates": (422, "Invalid coordinates"),
    "swapped-coordinates": (422, "Latitude and longitude swapped"),
    "outside-uk": (422, "Outside the United Kingdom"),
    "invalid-geometry": (422, "Invalid geometry"),
    "unsupported-crs": (422, "Unsupported coordinate reference system"),
    "invalid-postcode": (422, "Invalid postcode"),
    "unknown-postcode": (404, "Unknown postcode"),
    # geo.errors: lookups
    "empty-query": (422, "Nothing to locate"),
    "unknown-place": (404, "Unknown place"),
    "ambiguous-place": (409, "Ambiguous place name"),
    "missing-column": (422, "Missing column"),
    # boundaries.errors
    "invalid-boundary-file": (422, "Invalid boundary file"),
    "unknown-code-field": (422, "No code field for that level"),
    "missing-crs": (422, "Missing coordinate reference system"),
    # store.errors: the database is locked, unreachable or failing; the client may retry
    "storage-unavailable": (503, "Storage unavailable"),
    # HTTP-level
    "validation-error": (422, "Request validation failed"),
    "payload-too-large": (413, "Request body too large"),
    "uri-too-long": (414, "Request line too long"),
    "headers-too-large": (431, "Request headers too large"),
    "too-many-requests": (429, "Too many requests"),
    "method-not-allowed": (405, "Method not allowed"),
    "bad-request": (400, "Bad request"),
    "not-acceptable": (406, "Not acceptable"),
    "internal-error": (500, "Internal server error"),
    "not-ready": (503, "Not ready"),
}
#: seconds a client should wait before retrying after ``storage-unavailable``
STORAGE_RETRY_AFTER_S = 5
_HTTP_CODES = {
    400: "bad-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    413: "payload-too-large",
    414: "uri-too-long",
    429: "too-many-requests",
    431: "headers-too-large",
    422: "validation-error",
}


def problem_response(
    code: str,
    detail: str,
    *,
    instance: str | None = None,
    headers: Mapping[str, str] | None = None,
    status: int | None = None,
    **extra: Any,
) -> JSONResponse:
    """A problem+json response for a code in :data:`PROBLEMS` (or an HTTP status of its own)."""
    if code in PROBLEMS:
        status, title = PROBLEMS[code]
    else:
        status = status or 500
        title = HTTPStatus(status).phrase
    body: dict[str, Any] = {"type": PROBLEM_BASE + code, "title": title, "status": status}
    body["detail"] = detail
    if instance is not None:
        body["instance"] = instance
    body.update(extra)
    sent = dict(headers or {})
    if status == 401:
        sent["WWW-Authenticate"] = "Bearer"
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=sent)


def code_for(exc: DomainError | GeoError) -> str:
    """The table entry of ``exc``: its own code, else the nearest ancestor's."""
    for cls in type(exc).__mro__:
        code = getattr(cls, "code", None)
        if isinstance(code, str) and code in PROBLEMS:
            return code
    return "domain-error"


def _as_page(
    request: Request, code: str, detail: str, status: int | None = None, **kw: Any
) -> Response | None:
    """The web page answering this error when ``request`` is for a page, else None."""
    if not is_page(request):
        return None
    status = PROBLEMS[code][0] if code in PROBLEMS else status or 500
    if status == 401:
        return sign_in_redirect(request)
    return error_page(request, status, detail, **kw)


async def _on_domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError | GeoError)
    if (page := _as_page(request, code_for(exc), str(exc))) is not None:
        return page
    if isinstance(exc, AmbiguousPlace):  # the client chooses among the candidates
        return problem_response(
            code_for(exc), str(exc), instance=request.url.path, candidates=exc.candidates
        )
    return problem_response(code_for(exc), str(exc), instance=request.url.path)


async def _on_storage_error(request: Request, exc: Exception) -> Response:
    log.warning("storage unavailable on %s %s: %s", request.method, request.url.path, exc)
    if (page := _as_page(request, "storage-unavailable", "")) is not None:
        return page
    return problem_response(
        "storage-unavailable",
        "the database is busy or unreachable; retry shortly",
        instance=request.url.path,
        headers={"Retry-After": str(STORAGE_RETRY_AFTER_S)},
    )


async def _on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": e["type"]}
        for e in exc.errors()
    ]
    detail = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors[:5])
    problems = [f"{e['loc'][-1]}: {e['msg']}" for e in errors[:10]]
    message = "Check what was entered and try again."
    if (page := _as_page(request, "validation-error", message, problems=problems)) is not None:
        return page
    return problem_response("validation-error", detail, instance=request.url.path, errors=errors)


async def _on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, f"http-{exc.status_code}")
    if (page := _as_page(request, code, str(exc.detail), exc.status_code)) is not None:
        return page
    return problem_response(
        code,
        str(exc.detail),
        instance=request.url.path,
        headers=exc.headers,
        status=exc.status_code,
    )


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    if (page := _as_page(request, "internal-error", "")) is not None:
        return page
    return problem_response(
        "internal-error", "dicm could not answer this request; the error has been logged"
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Register the handlers: storage, domain, geo, validation, HTTP and anything unexpected."""
    app.add_exception_handler(StorageError, _on_storage_error)
    app.add_exception_handler(DomainError, _on_domain_error)
    app.add_exception_handler(GeoError, _on_domain_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
