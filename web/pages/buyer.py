"""The buyer's pages (``/app/buyer/...``): my tenders and a new one drawn or uploaded, the bids
on a tender side by side, scoring, award with its lock hash, variations, the live delivery
board, coverage gaps and the social value report. Each route parses, calls one use case of
``services.pages`` and renders; a form that fails is shown again with its error summary."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from domain.model import Account
from domain.vocabulary import Role
from services import access
from services.events import Broadcaster
from services.pages import buyer_award, buyer_bids, buyer_delivery, buyer_report, buyer_tenders
from services.pages.buyer_coverage import coverage_view
from services.pages.forms import FormErrors
from services.settings import ServiceSettings
from store.port import Store
from web.csrf import CsrfChecked
from web.session import require_role
from web.templating import render

router = APIRouter(prefix="/app/buyer", include_in_schema=False)
BuyerUser = Annotated[Account, Depends(require_role(Role.BUYER))]
POLL_S = 0.2
T = TypeVar("T")


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _settings(request: Request) -> ServiceSettings:
    settings: ServiceSettings = request.app.state.settings.services
    return settings


def _bus(request: Request) -> Broadcaster:
    bus: Broadcaster = request.app.state.broadcaster
    return bus


async def _fields(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def _call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """A use case off the event loop (they read and write the store)."""
    return await run_in_threadpool(fn, *args, **kwargs)


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# --- tenders -----------------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
def buyer_home() -> RedirectResponse:
    """The buyer's pages start at the tender list."""
    return _see_other("/app/buyer/tenders")


@router.get("/tenders", response_class=HTMLResponse)
def tenders(request: Request, user: BuyerUser) -> HTMLResponse:
    """My tenders, with how many bids wait to be scored."""
    rows = buyer_tenders.my_tenders(_store(request), user)
    return render(request, "buyer/tenders.html", {"rows": rows}, user=user)


def _tender_form(
    request: Request,
    user: Account,
    fields: Mapping[str, str],
    checked: list[str],
    errors: Mapping[str, str],
) -> HTMLResponse:
    view = buyer_tenders.tender_form(_store(request), user)
    context = {"view": view, "fields": fields, "checked": checked, "errors": errors}
    return render(
        request, "buyer/tender_new.html", context, user=user, status_code=400 if errors else 200
    )


@router.get("/tenders/new", response_class=HTMLResponse)
def new_tender(request: Request, user: BuyerUser) -> HTMLResponse:
    """The new-tender form: details, priorities, and the area and lots drawn or uploaded."""
    return _tender_form(request, user, {}, [], {})


@router.post("/tenders/new", response_class=HTMLResponse)
async def create_tender(request: Request, user: BuyerUser, _: CsrfChecked) -> Response:
    """Publish the tender (post, redirect, get); the form again with every problem listed."""
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    priorities = [v for v in form.getlist("priorities") if isinstance(v, str)]
    file = form.get("upload")
    upload = None
    if isinstance(file, UploadFile) and file.filename:
        upload = buyer_tenders.Upload(file.filename, await file.read())
    try:
        tender = await _call(
            buyer_tenders.create_tender_from_form,
            _store(request),
            user,
            fields=fields,
            priorities=priorities,
            upload=upload,
        )
    except FormErrors as exc:
        return _tender_form(request, user, fields, priorities, exc.errors)
    return _see_other(f"/app/buyer/tenders/{tender.id}?created=1")


@router.get("/tenders/{tender_id}", response_class=HTMLResponse)
def tender_bids(
    request: Request, tender_id: str, user: BuyerUser, created: bool = False
) -> HTMLResponse:
    """The bids on one tender side by side."""
    view = buyer_bids.tender_bids(_store(request), _settings(request), user, tender_id)
    return render(request, "buyer/bids.html", {"view": view, "created": created}, user=user)


# --- scoring, award, variation ---------------------------------------------------------------


def _score_form(
    request: Request,
    user: Account,
    spo_id: str,
    fields: Mapping[str, str],
    errors: Mapping[str, str],
) -> HTMLResponse:
    view, bid = buyer_bids.bid_view(_store(request), _settings(request), user, spo_id)
    if not fields:
        fields = {f"mark-{p}": str(int(m)) for p, (m, _r) in bid.marks.items()}
        fields |= {f"reason-{p}": r for p, (_m, r) in bid.marks.items()}
    context = {"view": view, "bid": bid, "fields": fields, "errors": errors}
    return render(
        request, "buyer/score.html", context, user=user, status_code=400 if errors else 200
    )


@router.get("/bids/{spo_id}/score", response_class=HTMLResponse)
def score_form(request: Request, spo_id: str, user: BuyerUser) -> HTMLResponse:
    """The scoring form: the rubric's measured parts, then a 0-4 mark and a reason for each
    relational quality."""
    return _score_form(request, user, spo_id, {}, {})


@router.post("/bids/{spo_id}/score", response_class=HTMLResponse)
async def score(request: Request, spo_id: str, user: BuyerUser, _: CsrfChecked) -> Response:
    """Score the bid; back to the tender's bids (or the form with its error summary)."""
    fields = await _fields(request)
    try:
        spo = await _call(
            buyer_bids.score_bid,
            _store(request),
            _settings(request),
            user,
            spo_id,
            fields=fields,
            bus=_bus(request),
        )
    except FormErrors as exc:
        return _score_form(request, user, spo_id, fields, exc.errors)
    return _see_other(f"/app/buyer/tenders/{spo.tender_id}?scored={spo.id}#bid-{spo.id}")


def _award_form(
    request: Request, user: Account, spo_id: str, errors: Mapping[str, str]
) -> HTMLResponse:
    view, bid = buyer_bids.bid_view(_store(request), _settings(request), user, spo_id)
    context = {"view": view, "bid": bid, "errors": errors}
    return render(
        request, "buyer/award.html", context, user=user, status_code=400 if errors else 200
    )


@router.get("/bids/{spo_id}/award", response_class=HTMLResponse)
def award_form(request: Request, spo_id: str, user: BuyerUser) -> HTMLResponse:
    """Check before awarding: the bid, what award means (locked, a contract)."""
    return _award_form(request, user, spo_id, {})


@router.post("/bids/{spo_id}/award", response_class=HTMLResponse)
async def award(request: Request, spo_id: str, user: BuyerUser, _: CsrfChecked) -> Response:
    """Award the bid; on to the confirmation showing its lock hash."""
    fields = await _fields(request)
    try:
        await _call(
            buyer_award.award_bid, _store(request), user, spo_id, fields=fields, bus=_bus(request)
        )
    except FormErrors as exc:
        return _award_form(request, user, spo_id, exc.errors)
    return _see_other(f"/app/buyer/bids/{spo_id}/awarded")


@router.get("/bids/{spo_id}/awarded", response_class=HTMLResponse)
def awarded(request: Request, spo_id: str, user: BuyerUser, varied: bool = False) -> HTMLResponse:
    """The award confirmation: the lock hash, the contract and every version since."""
    outcome = buyer_award.award_outcome(_store(request), user, spo_id)
    return render(request, "buyer/awarded.html", {"outcome": outcome, "varied": varied}, user=user)


def _vary_form(
    request: Request,
    user: Account,
    spo_id: str,
    fields: Mapping[str, str],
    errors: Mapping[str, str],
) -> HTMLResponse:
    view = buyer_award.variation_view(_store(request), user, spo_id)
    context = {"view": view, "fields": fields, "errors": errors}
    return render(
        request, "buyer/vary.html", context, user=user, status_code=400 if errors else 200
    )


@router.get("/bids/{spo_id}/vary", response_class=HTMLResponse)
def vary_form(request: Request, spo_id: str, user: BuyerUser) -> HTMLResponse:
    """A variation of an awarded SPO: new amounts and the reason."""
    return _vary_form(request, user, spo_id, {}, {})


@router.post("/bids/{spo_id}/vary", response_class=HTMLResponse)
async def vary(request: Request, spo_id: str, user: BuyerUser, _: CsrfChecked) -> Response:
    """Record the variation; back to the SPO's versions and new hash."""
    fields = await _fields(request)
    try:
        await _call(
            buyer_award.vary_bid, _store(request), user, spo_id, fields=fields, bus=_bus(request)
        )
    except FormErrors as exc:
        return _vary_form(request, user, spo_id, fields, exc.errors)
    return _see_other(f"/app/buyer/bids/{spo_id}/awarded?varied=1")


# --- delivery board (live) ---------------------------------------------------------------------


@router.get("/delivery", response_class=HTMLResponse)
def delivery(request: Request, user: BuyerUser) -> HTMLResponse:
    """Every awarded SPO with its RAG status; htmx asks for the board alone to refresh it."""
    board = buyer_delivery.delivery_board(_store(request), user, as_of=date.today())
    name = "buyer/_board.html" if request.headers.get("HX-Request") else "buyer/delivery.html"
    return render(request, name, {"board": board}, user=user)


async def _board_events(
    request: Request, topic: str, store: Store, user: Account
) -> AsyncIterator[ServerSentEvent]:
    bus = _bus(request)
    with bus.subscribe(topic) as sub:
        yield ServerSentEvent(comment=f"subscribed to {topic}")
        while True:
            events = sub.drain()
            for event in events:
                if await _call(access.is_event_visible, store, user, event.data):
                    yield ServerSentEvent(
                        data=json.dumps(event.data), event="board", id=str(event.seq)
                    )
            if not events:
                if await request.is_disconnected():
                    return
                await asyncio.sleep(POLL_S)


@router.get("/delivery/events")
def delivery_events(request: Request, user: BuyerUser) -> EventSourceResponse:
    """Server-Sent Events: one ``board`` event per change on the buyer's tenders."""
    topic = buyer_delivery.board_topic(_store(request), user)
    return EventSourceResponse(_board_events(request, topic, _store(request), user), ping=15)


# --- coverage gaps and the report --------------------------------------------------------------


@router.get("/coverage", response_class=HTMLResponse)
def coverage(
    request: Request,
    user: BuyerUser,
    priority: Annotated[str | None, Query(max_length=64)] = None,
    indicator: Annotated[str | None, Query(max_length=100)] = None,
) -> HTMLResponse:
    """Local authorities by need against provision, map and list, for a priority and indicator."""
    view = coverage_view(
        _store(request),
        _settings(request),
        user,
        priority=priority or None,
        indicator=indicator or None,
    )
    return render(request, "buyer/coverage.html", {"view": view}, user=user)


@router.get("/report", response_class=HTMLResponse)
def report(
    request: Request,
    user: BuyerUser,
    period: Annotated[str | None, Query(max_length=7)] = None,
    priority: Annotated[str | None, Query(max_length=64)] = None,
) -> HTMLResponse:
    """The social value report: printable, with CSV and GeoJSON downloads."""
    page = buyer_report.report_page(
        _store(request), user, period=period or None, priority=priority or None
    )
    return render(request, "buyer/report.html", {"page": page}, user=user)


@router.get("/report.{fmt}")
def report_download(
    request: Request,
    fmt: str,
    user: BuyerUser,
    period: Annotated[str | None, Query(max_length=7)] = None,
    priority: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """The report as a file (``csv`` or ``geojson``)."""
    file = buyer_report.report_download(
        _store(request), user, fmt, period=period or None, priority=priority or None
    )
    headers = {"Content-Disposition": f'attachment; filename="{file.filename}"'}
    return Response(file.body, media_type=file.media_type, headers=headers)
