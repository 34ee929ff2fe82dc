"""The supplier's pages (``/app/supplier/...``): the finder, SPO drafting, my SPOs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from domain.errors import Conflict, InvalidInput
from domain.model import Account
from domain.vocabulary import Role
from services.pages import supplier as pages
from services.pages.forms import FormErrors
from web.csrf import CsrfChecked
from web.session import require_role
from web.templating import render

router = APIRouter(prefix="/app/supplier", include_in_schema=False)

Supplier = Annotated[Account, Depends(require_role(Role.SUPPLIER))]
ID = r"^[A-Za-z0-9_.:-]{1,100}$"


@router.get("/finder", response_class=HTMLResponse)
def finder(
    request: Request,
    user: Supplier,
    tender: Annotated[str | None, Query(pattern=ID)] = None,
    reach_km: Annotated[float, Query(gt=0, le=200)] = 25.0,
    near: Annotated[str, Query(max_length=100)] = "",
    themes: Annotated[list[str] | None, Query(max_length=60)] = None,
    support: Annotated[str, Query(max_length=40)] = "",
    spo: Annotated[str | None, Query(pattern=ID)] = None,
) -> HTMLResponse:
    """Validated activities near the supplier's sites or a tender's area, map and list,
    for the chosen tender, reach, themes and kind of support."""
    view = pages.finder_view(
        request.app.state.store,
        request.app.state.settings.services,
        user,
        cache=request.app.state.recommenders,
        tender_id=tender or None,
        radius_km=reach_km,
        near=near,
        themes=tuple(themes or ())[:30],
        support=support,
        spo_id=spo,
    )
    return render(request, "supplier/finder.html", {"view": view}, user=user)


@router.get("/spos/new", response_class=HTMLResponse)
def add_to_spo_page(
    request: Request, user: Supplier, activity: Annotated[str, Query(pattern=ID)]
) -> HTMLResponse:
    """Add one activity to a new SPO: the form a map popup's "Start a Social Purchase Order"
    link opens (choose the tender, the support and the amount)."""
    view = pages.add_to_spo_form(request.app.state.store, user, activity)
    return render(request, "supplier/add_to_spo.html", {"view": view}, user=user)


@router.post("/spos", response_class=HTMLResponse)
def add_to_spo(
    request: Request,
    user: Supplier,
    _: CsrfChecked,
    tender_id: Annotated[str, Form(pattern=ID)],
    activity_id: Annotated[str, Form(pattern=ID)],
    support: Annotated[str, Form(max_length=40)] = "cash",
    amount: Annotated[str, Form(max_length=40)] = "",
    spo_id: Annotated[str | None, Form(pattern=ID)] = None,
) -> Response:
    """A line for the chosen activity on a new draft SPO (or the draft ``spo_id``); on to the
    SPO (post, redirect)."""
    try:
        spo = pages.add_to_spo(
            request.app.state.store,
            user,
            tender_id=tender_id,
            activity_id=activity_id,
            support=support,
            amount=amount,
            spo_id=spo_id or None,
        )
    except (InvalidInput, Conflict) as exc:
        context = {"errors": {"back-link": str(exc)}, "back": "/app/supplier/finder"}
        return render(request, "supplier/refused.html", context, user=user, status_code=400)
    return RedirectResponse(f"/app/supplier/spos/{spo.id}", status_code=303)


@router.get("/spos", response_class=HTMLResponse)
def my_spos(request: Request, user: Supplier) -> HTMLResponse:
    """The supplier's SPOs with their status."""
    rows = pages.my_spos(request.app.state.store, user)
    return render(request, "supplier/spos.html", {"rows": rows}, user=user)


@router.get("/spos/{spo_id}", response_class=HTMLResponse)
def spo_page(
    request: Request, user: Supplier, spo_id: Annotated[str, Path(pattern=ID)]
) -> HTMLResponse:
    """One SPO: its lines and status, and the Submit form while it is a draft."""
    view = pages.spo_view(request.app.state.store, user, spo_id)
    context = {"spo": view, "errors": {}, "typed": pages.LineForm()}
    return render(request, "supplier/spo.html", context, user=user)


@router.get("/spos/{spo_id}/document", response_class=HTMLResponse)
def spo_document(
    request: Request, user: Supplier, spo_id: Annotated[str, Path(pattern=ID)]
) -> HTMLResponse:
    """The printable SPO document: what, where, when, toward which priority, the committed £
    and, once awarded, the lock hash."""
    doc = pages.spo_document(request.app.state.store, user, spo_id)
    return render(request, "supplier/document.html", {"doc": doc}, user=user)


async def line_form(request: Request) -> pages.LineForm:
    """The posted "add a line" form as typed (strings; milestones as date/amount pairs)."""
    form = await request.form()

    def text(name: str) -> str:
        return str(form.get(name, ""))[:500]

    milestones = tuple(
        (text(f"milestone-{n}-due"), text(f"milestone-{n}-amount"))
        for n in range(1, pages.MILESTONE_ROWS + 1)
    )
    return pages.LineForm(
        activity_id=text("line-activity"),
        support=text("line-support"),
        unit=text("line-unit"),
        amount=text("line-amount"),
        priority=text("line-priority"),
        description=text("line-description"),
        milestones=milestones,
    )


PostedLine = Annotated[pages.LineForm, Depends(line_form)]


def _refused(
    request: Request,
    user: Account,
    spo_id: str,
    exc: FormErrors,
    line: pages.LineForm | None = None,
) -> HTMLResponse:
    view = pages.spo_view(request.app.state.store, user, spo_id)
    context = {"spo": view, "errors": exc.errors, "typed": line or pages.LineForm()}
    return render(request, "supplier/spo.html", context, user=user, status_code=400)


@router.post("/spos/{spo_id}/lines", response_class=HTMLResponse)
def add_line(
    request: Request,
    user: Supplier,
    _: CsrfChecked,
    spo_id: Annotated[str, Path(pattern=ID)],
    line: PostedLine,
    expected_version: Annotated[int, Form(ge=1)],
) -> Response:
    """Add a line (support type, unit, amount, milestones) to the draft; errors by the fields."""
    try:
        pages.add_spo_line(
            request.app.state.store, user, spo_id, line, expected_version=expected_version
        )
    except FormErrors as exc:
        return _refused(request, user, spo_id, exc, line)
    return RedirectResponse(f"/app/supplier/spos/{spo_id}#lines", status_code=303)


@router.post("/spos/{spo_id}/lines/{line_id}/remove", response_class=HTMLResponse)
def remove_line(
    request: Request,
    user: Supplier,
    _: CsrfChecked,
    spo_id: Annotated[str, Path(pattern=ID)],
    line_id: Annotated[str, Path(pattern=ID)],
    expected_version: Annotated[int, Form(ge=1)],
) -> Response:
    """Remove a line from the draft."""
    try:
        pages.remove_spo_line(
            request.app.state.store, user, spo_id, line_id, expected_version=expected_version
        )
    except FormErrors as exc:
        return _refused(request, user, spo_id, exc)
    return RedirectResponse(f"/app/supplier/spos/{spo_id}#lines", status_code=303)


@router.post("/spos/{spo_id}/submit", response_class=HTMLResponse)
def submit(
    request: Request,
    user: Supplier,
    _: CsrfChecked,
    spo_id: Annotated[str, Path(pattern=ID)],
    expected_version: Annotated[int, Form(ge=1)],
) -> Response:
    """Submit the draft to its tender; the refusal (a closed tender, in words) in an error
    summary."""
    try:
        pages.submit_spo(request.app.state.store, user, spo_id, expected_version=expected_version)
    except FormErrors as exc:
        return _refused(request, user, spo_id, exc)
    return RedirectResponse(f"/app/supplier/spos/{spo_id}", status_code=303)
