"""The supplier's pages (``/app/supplier/...``): the finder, SPO drafting, my SPOs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from domain.model import Account
from domain.vocabulary import Role
from web.session import require_role
from web.templating import render

router = APIRouter(prefix="/app/supplier", include_in_schema=False)

Supplier = Annotated[Account, Depends(require_role(Role.SUPPLIER))]


@router.get("/finder", response_class=HTMLResponse)
def finder(request: Request, user: Supplier) -> HTMLResponse:
    """Validated activities near the supplier's sites or a tender's area, map and list."""
    return render(request, "supplier/finder.html", {}, user=user)
