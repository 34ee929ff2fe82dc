"""Errors on pages answered as pages: a missing sign-in redirects to the sign-in page (htmx gets
``HX-Redirect``), a refusal, a missing thing or bad input renders a readable HTML page with the
same status. API paths keep their problem+json (``api.problems`` asks :func:`is_page` first)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web.session import session_account
from web.templating import render

PAGE_PREFIX = "/app"
SIGN_IN_PATH = "/app/sign-in"

TITLES = {
    400: "The request could not be understood",
    403: "You cannot open this page",
    404: "Page not found",
    409: "Someone changed this first",
    422: "Some of what was sent is not right",
    429: "Too many requests",
    503: "dicm is busy",
}


def is_page(request: Request) -> bool:
    """True for the web pages (``/app/...``), whose errors are pages too."""
    path = request.url.path
    return path == PAGE_PREFIX or path.startswith(PAGE_PREFIX + "/")


def sign_in_redirect(request: Request) -> Response:
    """Off to the sign-in page, coming back here afterwards (GET pages only)."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    target = SIGN_IN_PATH
    if request.method == "GET" and here not in {SIGN_IN_PATH, PAGE_PREFIX}:
        target += "?next=" + quote(here, safe="")
    if request.headers.get("HX-Request"):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def error_page(
    request: Request, status: int, detail: str, *, problems: list[str] | None = None
) -> HTMLResponse:
    """A readable error page with ``status``, for whoever is signed in."""
    title = TITLES.get(status, "Something went wrong")
    context = {"title": title, "detail": detail, "problems": problems or []}
    if status >= 500:
        context["detail"] = "dicm could not answer this request; the error has been logged."
    return render(
        request, "errors/error.html", context, user=session_account(request), status_code=status
    )
