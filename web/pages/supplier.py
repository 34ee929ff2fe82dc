"""The supplier's pages (``/app/supplier/...``): the finder, SPO drafting, my SPOs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from domain.errors import Conflict, InvalidInput
from domain.model import Account
from domain.vocabulary import Role
from services.pages import supplier as pages
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
    )
    return render(request, "supplier/finder.html", {"view": view}, user=user)


@router.post("/spos", response_class=HTMLResponse)
def add_to_spo(
    request: Request,
    user: Supplier,
    _: CsrfChecked,
    tender_id: Annotated[str, Form(pattern=ID)],
    activity_id: Annotated[str, Form(pattern=ID)],
    support: Annotated[str, Form(max_length=40)] = "cash",
    amount: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Draft an SPO with one line for the chosen activity; on to the SPO (post, redirect)."""
    try:
        spo = pages.add_to_spo(
            request.app.state.store,
            user,
            tender_id=tender_id,
            activity_id=activity_id,
            support=support,
            amount=_number(amount),
        )
    except (InvalidInput, Conflict) as exc:
        context = {"errors": {"back-link": str(exc)}, "back": "/app/supplier/finder"}
        return render(request, "supplier/refused.html", context, user=user, status_code=400)
    return RedirectResponse(f"/app/supplier/spos/{spo.id}", status_code=303)


def _number(text: str) -> float:
    try:
        return float(text.replace(",", "").replace("£", "").strip())
    except ValueError:
        return 0.0


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
    return render(request, "supplier/spo.html", {"spo": view, "errors": {}}, user=user)


@router.post("/spos/{spo_id}/submit", response_class=HTMLResponse)
def submit(
    request: Request,
    user: Supplier,
    _: CsrfChecked,
    spo_id: Annotated[str, Path(pattern=ID)],
    expected_version: Annotated[int, Form(ge=1)],
) -> Response:
    """Submit the draft to its tender; the refusal in an error summary."""
    store = request.app.state.store
    try:
        pages.submit_spo(store, user, spo_id, expected_version=expected_version)
    except (InvalidInput, Conflict) as exc:
        view = pages.spo_view(store, user, spo_id)
        context = {"spo": view, "errors": {"submit": str(exc)}}
        return render(request, "supplier/spo.html", context, user=user, status_code=400)
    return RedirectResponse(f"/app/supplier/spos/{spo_id}", status_code=303)
