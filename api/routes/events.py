"""Live SPO updates as Server-Sent Events: a buyer follows its tenders, anyone who may see an
SPO follows that SPO. Each event's ``id`` is its id in the store's event log (the same on every
worker); a client that reconnects with ``Last-Event-ID`` is first sent every event of its
stream logged since, in order, then the live ones."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool

from api.deps import StoreDep, ViewerDep
from api.schemas.activities import ID_PATTERN
from api.schemas.common import PROBLEM_RESPONSES
from domain.model import Account
from services import access
from services.events import Broadcaster
from store.port import Store

router = APIRouter(prefix="/spos", tags=["spos"], responses=PROBLEM_RESPONSES)
POLL_S = 0.2
SSE_DOC: dict[int | str, dict[str, Any]] = {
    200: {"description": "An event stream", "content": {"text/event-stream": {}}}
}
MaxEvents = Annotated[
    int | None, Query(ge=1, le=10_000, description="Close after this many events (scripts)")
]
LastEventId = Annotated[
    str | None,
    Header(
        alias="Last-Event-ID",
        pattern=r"^[0-9]{1,18}$",
        description="The id of the last event received: every later one is replayed first",
    ),
]


async def _stream(
    request: Request,
    topic: str,
    max_events: int | None,
    store: Store,
    viewer: Account | None,
    after: str | None,
) -> AsyncIterator[ServerSentEvent]:
    bus: Broadcaster = request.app.state.broadcaster
    sent = 0
    replay_from = int(after) if after is not None else None
    with await run_in_threadpool(lambda: bus.subscribe(topic, after=replay_from)) as sub:
        yield ServerSentEvent(comment=f"subscribed to {topic}")
        while max_events is None or sent < max_events:
            events = sub.drain()
            for event in events:
                if max_events is not None and sent >= max_events:
                    break
                if not await run_in_threadpool(access.is_event_visible, store, viewer, event.data):
                    continue
                yield ServerSentEvent(
                    data=json.dumps(event.data), event=event.kind, id=str(event.seq)
                )
                sent += 1
            if not events:
                if await request.is_disconnected():
                    return
                await asyncio.sleep(POLL_S)


@router.get("/events", response_class=EventSourceResponse, responses=SSE_DOC)
def buyer_events(
    request: Request,
    store: StoreDep,
    viewer: ViewerDep,
    buyer: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    max_events: MaxEvents = None,
    last_event_id: LastEventId = None,
) -> EventSourceResponse:
    """Every SPO change in the buyer's tenders (submitted, scored, awarded, progress...)."""
    topic = access.event_topic(store, viewer, buyer_id=buyer)
    stream = _stream(request, topic, max_events, store, viewer, last_event_id)
    return EventSourceResponse(stream, ping=15)


@router.get("/{spo_id}/events", response_class=EventSourceResponse, responses=SSE_DOC)
def spo_events(
    request: Request,
    spo_id: Annotated[str, Path(pattern=ID_PATTERN)],
    store: StoreDep,
    viewer: ViewerDep,
    max_events: MaxEvents = None,
    last_event_id: LastEventId = None,
) -> EventSourceResponse:
    """Changes of one SPO the caller may see."""
    topic = access.event_topic(store, viewer, spo_id=spo_id)
    stream = _stream(request, topic, max_events, store, viewer, last_event_id)
    return EventSourceResponse(stream, ping=15)
