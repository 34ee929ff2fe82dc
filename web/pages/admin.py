"""The admin's pages (``/app/admin/...``): the accounts with role and organisation, a new
account with its web password, one account with "reset the password" and "disable". Every form
carries the CSRF token; a refusal comes back as the same page with a GOV.UK error summary."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from domain.ids import ID_PATTERN
from domain.model import Account
from domain.vocabulary import Role
from services.pages import admin as pages
from services.pages.forms import FormErrors
from store.port import Store
from web.csrf import CsrfChecked
from web.session import require_role
from web.templating import render

router = APIRouter(prefix="/app/admin", include_in_schema=False)

Admin = Annotated[Account, Depends(require_role(Role.ADMIN))]
IdPath = Annotated[str, Path(pattern=ID_PATTERN)]
Text = Annotated[str, Form(max_length=200)]
Secret = Annotated[str, Form(max_length=1000)]
DONE = {"created": "Account created", "password": "Password reset", "disabled": "Account disabled"}


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


@router.get("/accounts", response_class=HTMLResponse)
def accounts(
    request: Request, user: Admin, done: Annotated[str | None, Query(max_length=20)] = None
) -> HTMLResponse:
    """Every account with its role, organisation and whether it can sign in."""
    rows = pages.account_rows(_store(request), user)
    return render(
        request, "admin/accounts.html", {"rows": rows, "done": DONE.get(done or "")}, user=user
    )


def _new_page(
    request: Request, user: Account, form: pages.NewAccountForm, errors: dict[str, str]
) -> HTMLResponse:
    context = {"form": form, "errors": errors, "roles": pages.ROLE_CHOICES}
    status = 400 if errors else 200
    return render(request, "admin/new_account.html", context, user=user, status_code=status)


@router.get("/accounts/new", response_class=HTMLResponse)
def new_account(request: Request, user: Admin) -> HTMLResponse:
    """The new-account form."""
    return _new_page(request, user, pages.NewAccountForm(), {})


@router.post("/accounts", response_class=HTMLResponse)
def create_account(
    request: Request,
    user: Admin,
    _: CsrfChecked,
    account_id: Text = "",
    name: Text = "",
    role: Text = "",
    organisation_id: Text = "",
    territory_code: Text = "",
    password: Secret = "",
) -> Response:
    """Create the account (post, redirect to its page); the refusals in an error summary."""
    form = pages.NewAccountForm(account_id, name, role, organisation_id, territory_code, password)
    try:
        account = pages.create_account(_store(request), user, form)
    except FormErrors as exc:
        return _new_page(request, user, replace(form, password=""), exc.errors)
    return RedirectResponse(f"/app/admin/accounts/{account.id}?done=created", status_code=303)


def _account_page(
    request: Request, user: Account, account_id: str, errors: dict[str, str], done: str | None
) -> HTMLResponse:
    row = pages.account_row(_store(request), user, account_id)
    context = {"row": row, "errors": errors, "done": DONE.get(done or "")}
    status = 400 if errors else 200
    return render(request, "admin/account.html", context, user=user, status_code=status)


@router.get("/accounts/{account_id}", response_class=HTMLResponse)
def account(
    request: Request,
    user: Admin,
    account_id: IdPath,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    """One account: its ties, "reset the password" and "disable"."""
    return _account_page(request, user, account_id, {}, done)


@router.post("/accounts/{account_id}/password", response_class=HTMLResponse)
def reset_password(
    request: Request, user: Admin, _: CsrfChecked, account_id: IdPath, password: Secret = ""
) -> Response:
    """Give the account a new web password (post, redirect)."""
    try:
        pages.reset_password(_store(request), user, account_id, password)
    except FormErrors as exc:
        return _account_page(request, user, account_id, exc.errors, None)
    return RedirectResponse(f"/app/admin/accounts/{account_id}?done=password", status_code=303)


@router.post("/accounts/{account_id}/disable", response_class=HTMLResponse)
def disable(request: Request, user: Admin, _: CsrfChecked, account_id: IdPath) -> Response:
    """Disable the account (post, redirect): its sessions and token stop working at once."""
    try:
        pages.disable_account(_store(request), user, account_id)
    except FormErrors as exc:
        return _account_page(request, user, account_id, exc.errors, None)
    return RedirectResponse(f"/app/admin/accounts/{account_id}?done=disabled", status_code=303)
