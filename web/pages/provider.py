"""The provider pages (``/app/provider/...``): my activities (map and list), positioning one by
postcode, place name or a click on the map with its needs and evidence, its validation status,
and progress reports on my own SPO lines. Each route parses, calls one ``services.pages.provider``
use case and renders; forms post and redirect (PRG) or come back with their errors."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from domain.ids import ID_PATTERN
from domain.model import Account
from domain.vocabulary import Role
from services.pages import provider as pages
from services.pages.provider import ActivityForm
from services.settings import ServiceSettings
from store.port import Store
from web.csrf import CsrfChecked
from web.session import require_role
from web.templating import render

router = APIRouter(prefix="/app/provider", include_in_schema=False)

ProviderUser = Annotated[Account, Depends(require_role(Role.PROVIDER))]
IdPath = Annotated[str, Path(pattern=ID_PATTERN)]
FORM_FIELDS = tuple(f for f in ActivityForm.__dataclass_fields__ if f != "themes")


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _settings(request: Request) -> ServiceSettings:
    settings: ServiceSettings = request.app.state.settings.services
    return settings


async def activity_form(request: Request) -> ActivityForm:
    """The posted "position an activity" form as typed (strings, themes as a list)."""
    form = await request.form()
    values = {name: str(form.get(name, ""))[:2000] for name in FORM_FIELDS}
    themes = tuple(str(t) for t in form.getlist("themes"))[:50]
    return ActivityForm(**values, themes=themes)


PostedActivity = Annotated[ActivityForm, Depends(activity_form)]


@router.get("", include_in_schema=False)
def start() -> Response:
    return RedirectResponse("/app/provider/activities", status_code=303)


@router.get("/activities", response_class=HTMLResponse)
def activities(request: Request, user: ProviderUser) -> HTMLResponse:
    """My activities on a map and in a list, their status, and my lines to report on."""
    home = pages.provider_home(_store(request), user, today=date.today())
    return render(request, "provider/activities.html", {"home": home}, user=user)


def _form_page(
    request: Request,
    user: Account,
    form: ActivityForm,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    page = pages.activity_form_page(_store(request), user)
    context = {"page": page, "form": form, "errors": errors or {}}
    return render(
        request,
        "provider/new_activity.html",
        context,
        user=user,
        status_code=422 if errors else 200,
    )


@router.get("/activities/new", response_class=HTMLResponse)
def new_activity(request: Request, user: ProviderUser) -> HTMLResponse:
    """The form to position a new activity."""
    return _form_page(request, user, ActivityForm())


@router.post("/activities", response_class=HTMLResponse)
def create(request: Request, user: ProviderUser, _: CsrfChecked, form: PostedActivity) -> Response:
    """Position it (pending until a validator decides), or show the form's errors."""
    outcome = pages.position_new_activity(_store(request), _settings(request), user, form)
    if outcome.value is None:
        return _form_page(request, user, form, outcome.errors)
    return RedirectResponse(
        f"/app/provider/activities/{outcome.value.id}?done=positioned", status_code=303
    )


def _activity_page(
    request: Request,
    user: Account,
    activity_id: str,
    *,
    done: str | None = None,
    errors: dict[str, str] | None = None,
    where: str = "",
) -> HTMLResponse:
    row = pages.my_activity(_store(request), user, activity_id, today=date.today())
    context = {"row": row, "done": done, "errors": errors or {}, "where": where}
    return render(
        request, "provider/activity.html", context, user=user, status_code=422 if errors else 200
    )


@router.get("/activities/{activity_id}", response_class=HTMLResponse)
def activity(
    request: Request, user: ProviderUser, activity_id: IdPath, done: str | None = None
) -> HTMLResponse:
    """One of my activities: where it is, what it needs, its evidence and validation status."""
    return _activity_page(request, user, activity_id, done=done)


@router.post("/activities/{activity_id}/move", response_class=HTMLResponse)
def move(
    request: Request,
    user: ProviderUser,
    _: CsrfChecked,
    activity_id: IdPath,
    expected_version: Annotated[int, Form(ge=1)],
    where: Annotated[str, Form(max_length=200)] = "",
    lon: Annotated[str, Form(max_length=40)] = "",
    lat: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Move it to a new place (back to pending validation), or show why not."""
    outcome = pages.move_activity(
        _store(request),
        _settings(request),
        user,
        activity_id,
        expected_version=expected_version,
        where=where,
        lon=lon,
        lat=lat,
    )
    if outcome.value is None:
        return _activity_page(request, user, activity_id, errors=outcome.errors, where=where)
    return RedirectResponse(f"/app/provider/activities/{activity_id}?done=moved", status_code=303)


def _line_page(
    request: Request,
    user: Account,
    spo_id: str,
    line_id: str,
    *,
    done: str | None = None,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    row = pages.my_line(_store(request), user, spo_id, line_id, today=date.today())
    context = {
        "row": row,
        "done": done,
        "errors": errors or {},
        "typed": typed or {"delivered_on": date.today().isoformat()},
    }
    return render(
        request, "provider/line.html", context, user=user, status_code=422 if errors else 200
    )


@router.get("/lines/{spo_id}/{line_id}", response_class=HTMLResponse)
def line(
    request: Request, user: ProviderUser, spo_id: IdPath, line_id: IdPath, done: str | None = None
) -> HTMLResponse:
    """One of my SPO lines: committed, expected and delivered, and the report form."""
    return _line_page(request, user, spo_id, line_id, done=done)


@router.post("/lines/{spo_id}/{line_id}", response_class=HTMLResponse)
def report(
    request: Request,
    user: ProviderUser,
    _: CsrfChecked,
    spo_id: IdPath,
    line_id: IdPath,
    amount: Annotated[str, Form(max_length=40)] = "",
    delivered_on: Annotated[str, Form(max_length=40)] = "",
    evidence_url: Annotated[str, Form(max_length=2000)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Report delivery on the line (post, redirect), or show the form's errors."""
    outcome = pages.report_line_progress(
        _store(request),
        user,
        spo_id,
        line_id,
        amount=amount,
        delivered_on=delivered_on,
        evidence_url=evidence_url,
        note=note,
    )
    if outcome.value is None:
        typed = {
            "amount": amount,
            "delivered_on": delivered_on,
            "evidence_url": evidence_url,
            "note": note,
        }
        return _line_page(request, user, spo_id, line_id, errors=outcome.errors, typed=typed)
    return RedirectResponse(
        f"/app/provider/lines/{spo_id}/{line_id}?done=reported", status_code=303
    )
