"""The validator pages (``/app/validator/...``): the queue of pending and soon-to-lapse activities
in my territory (map and details side by side), one activity's review with its history, and the
decision form (validate, decline with a reason, renew). The review loads into the side panel by
htmx when a list item or a map point is chosen, and is a page of its own without script."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from domain.ids import ID_PATTERN
from domain.model import Account
from domain.vocabulary import Role
from services.pages import validator as pages
from services.settings import ServiceSettings
from store.port import Store
from web.csrf import CsrfChecked
from web.session import require_role
from web.templating import render

router = APIRouter(prefix="/app/validator", include_in_schema=False)

ValidatorUser = Annotated[Account, Depends(require_role(Role.VALIDATOR))]
IdPath = Annotated[str, Path(pattern=ID_PATTERN)]


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _settings(request: Request) -> ServiceSettings:
    settings: ServiceSettings = request.app.state.settings.services
    return settings


@router.get("", include_in_schema=False)
def start() -> Response:
    return RedirectResponse("/app/validator/queue", status_code=303)


@router.get("/queue", response_class=HTMLResponse)
def queue(
    request: Request,
    user: ValidatorUser,
    done: Annotated[str | None, Query(max_length=20)] = None,
    name: Annotated[str, Query(max_length=200)] = "",
    until: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    """What waits for a decision in my territory, on a map and in a list."""
    found = pages.validator_queue(_store(request), user, today=date.today())
    context = {"queue": found, "done": done, "name": name, "until": until}
    return render(request, "validator/queue.html", context, user=user)


def _review_page(
    request: Request,
    user: Account,
    activity_id: str,
    *,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    found = pages.review(_store(request), user, activity_id, today=date.today())
    partial = request.headers.get("HX-Request") == "true" and not errors
    context = {"review": found, "errors": errors or {}, "typed": typed or {}, "partial": partial}
    name = "validator/_review.html" if partial else "validator/review.html"
    status = 422 if errors else 200
    return render(request, name, context, user=user, status_code=status)


@router.get("/activities/{activity_id}", response_class=HTMLResponse)
def review(request: Request, user: ValidatorUser, activity_id: IdPath) -> HTMLResponse:
    """One activity to decide on: what, where, needs, evidence, history, the decision form."""
    return _review_page(request, user, activity_id)


@router.post("/activities/{activity_id}/decision", response_class=HTMLResponse)
def decide(
    request: Request,
    user: ValidatorUser,
    _: CsrfChecked,
    activity_id: IdPath,
    expected_version: Annotated[int, Form(ge=1)],
    decision: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Validate, renew or decline (post, redirect to the queue), or show the form's errors."""
    outcome = pages.decide(
        _store(request),
        _settings(request),
        user,
        activity_id,
        decision=decision,
        expected_version=expected_version,
        reason=reason,
    )
    if outcome.value is None:
        typed = {"decision": decision, "reason": reason}
        return _review_page(request, user, activity_id, errors=outcome.errors, typed=typed)
    saved = outcome.value
    said = {"done": saved.validation_status.value, "name": saved.name}
    if saved.validated_until is not None:
        said["until"] = f"{saved.validated_until:%d %B %Y}"
    query = urlencode(said)
    return RedirectResponse(f"/app/validator/queue?{query}", status_code=303)
