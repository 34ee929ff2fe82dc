"""The web application's one router and what the FastAPI app needs to serve it: the session
middleware, the sign-in redirect and ``web/static`` at ``/static/web``. ``api.app`` includes
:data:`router` and calls :func:`install`; nothing here imports ``api``."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from web.errors import sign_in_redirect
from web.pages import admin, buyer, home, pcc, provider, supplier, validator
from web.session import COOKIE_NAME, SignInRequired, session_secret
from web.settings import WebSettings

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_URL = "/static/web"

router = APIRouter()
for _pages in (home, supplier, buyer, provider, validator, pcc, admin):
    router.include_router(_pages.router)


async def _on_sign_in_required(request: Request, exc: Exception) -> Response:
    return sign_in_redirect(request)


def install(app: FastAPI, settings: WebSettings, data_dir: Path) -> None:
    """Sessions (signed cookie, HttpOnly, SameSite=Lax, idle expiry), the sign-in redirect and
    the pages' own static files. Call before the ``/static`` mount so ``/static/web`` wins."""
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(settings, data_dir),
        session_cookie=COOKIE_NAME,
        max_age=settings.session_idle_s,
        same_site="lax",
        https_only=settings.cookie_secure,
    )
    app.add_exception_handler(SignInRequired, _on_sign_in_required)
    app.mount(STATIC_URL, StaticFiles(directory=STATIC_DIR), name="web-static")
    app.include_router(router)
