"""The Jinja2 environment of every page: templates under ``web/templates`` (autoescaped), the
globals the layout needs (``csrf_field()``, the signed-in user's navigation) and ``render``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from domain.model import Account
from web.csrf import FIELD_NAME, HEADER_NAME, csrf_token
from web.nav import nav_for

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
SERVICE_NAME = "dicm"
#: pages show one account's view: never cached, never sent on in a Referer
PAGE_HEADERS = {"Cache-Control": "private, no-store", "Referrer-Policy": "same-origin"}

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


@pass_context
def csrf_field(context: Context) -> Markup:
    """The hidden CSRF input every POST form carries."""
    token = csrf_token(context["request"])
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD_NAME, escape(token))


@pass_context
def csrf_headers(context: Context) -> Markup:
    """The ``hx-headers`` JSON that makes every htmx request carry the CSRF token."""
    token = csrf_token(context["request"])
    return Markup('{{"{}": "{}"}}').format(HEADER_NAME, escape(token))


templates.env.globals.update(
    csrf_field=csrf_field, csrf_headers=csrf_headers, service_name=SERVICE_NAME
)


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    user: Account | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render template ``name`` for ``user`` (the header shows who is signed in and their
    navigation) with ``context``."""
    values = {"user": user, "nav": nav_for(user.role if user else None), **(context or {})}
    values.setdefault("current_path", request.url.path)
    response = templates.TemplateResponse(
        request, name, values, status_code=status_code, headers=PAGE_HEADERS
    )
    return response
