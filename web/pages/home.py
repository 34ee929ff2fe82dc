"""Sign-in, sign-out and the role-aware home page ("your tasks")."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.access import NotAuthenticated
from services.accounts import authenticate_password
from services.pages.home import tasks_for
from web.csrf import CsrfChecked
from web.session import CurrentUser, Viewer, sign_in, sign_out
from web.templating import render
from web.throttle import SignInThrottle

router = APIRouter(prefix="/app", include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never ``//host`` or a scheme): no open redirect."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/app"


def _throttle(request: Request) -> SignInThrottle:
    state = request.app.state
    if getattr(state, "sign_in_throttle", None) is None:
        web = state.settings.web
        state.sign_in_throttle = SignInThrottle(web.sign_in_attempts, web.sign_in_window_s)
    throttle: SignInThrottle = state.sign_in_throttle
    return throttle


@router.get("", response_class=HTMLResponse)
def home(request: Request, user: CurrentUser) -> HTMLResponse:
    """What waits for the signed-in account, per role."""
    tasks = tasks_for(request.app.state.store, user)
    return render(request, "home/tasks.html", {"tasks": tasks}, user=user)


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(
    request: Request, viewer: Viewer, next: Annotated[str | None, Query()] = None
) -> Response:
    """The sign-in form (straight on to the page asked for when already signed in)."""
    if viewer is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "home/sign_in.html", {"next": _safe_next(next), "account_id": ""})


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in_submit(
    request: Request,
    _: CsrfChecked,
    account_id: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/app",
) -> Response:
    """Check the password; on success a fresh session and on to ``next`` (post, redirect)."""
    account_id = account_id.strip()
    errors = _missing(account_id, password)
    throttle = _throttle(request)
    if not errors and (wait := throttle.wait_s(account_id)):
        errors = {"password": f"Too many wrong passwords: try again in {wait} seconds"}
    if not errors:
        try:
            account = authenticate_password(request.app.state.store, account_id, password)
        except NotAuthenticated:
            throttle.failed(account_id)
            errors = {"password": "The account id or the password is not right"}
        else:
            throttle.succeeded(account_id)
            sign_in(request, account)
            return RedirectResponse(_safe_next(next), status_code=303)
    context = {"errors": errors, "next": _safe_next(next), "account_id": account_id}
    return render(request, "home/sign_in.html", context, status_code=400)


def _missing(account_id: str, password: str) -> dict[str, str]:
    errors = {}
    if not account_id:
        errors["account_id"] = "Enter your account id"
    if not password:
        errors["password"] = "Enter your password"
    return errors


@router.post("/sign-out")
def sign_out_submit(request: Request, _: CsrfChecked) -> RedirectResponse:
    """End the session; back to the sign-in page."""
    sign_out(request)
    return RedirectResponse("/app/sign-in", status_code=303)
