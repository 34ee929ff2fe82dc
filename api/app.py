"""The FastAPI application factory.

``create_app`` builds the app from settings (never at import); the lifespan opens the store from
``settings.database_url`` unless a store is passed in (tests, the demo), and closes only what it
opened. Routers of other packages are included when their modules exist, so the API grows with
the project without a central edit.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import ModuleType

from fastapi import FastAPI

from api import heap
from api.middleware import BodySizeLimit
from api.problems import install_problem_handlers
from api.routes import (
    accounts,
    activities,
    analytics,
    directory,
    events,
    geography,
    matches,
    ogc,
    spos,
)
from dicm import __version__
from dicm.settings import Settings, load_settings
from services.events import Broadcaster
from store.port import Store

log = logging.getLogger("dicm.api")

#: routers that depend on other packages' modules; included when importable
OPTIONAL_ROUTERS = ("api.routes.maps",)


def _open_store(settings: Settings) -> Store:
    from store.factory import open_store

    opened: Store = open_store(settings)
    return opened


def _optional(module_path: str) -> ModuleType | None:
    try:
        return importlib.import_module(module_path)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module_path.startswith(exc.name):
            log.info("router %s not available yet", module_path)
            return None
        raise


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """Build the dicm HTTP API."""
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = store is None
        app.state.store = _open_store(settings) if owned else store
        heap.settle()
        try:
            yield
        finally:
            heap.release()
            if owned:
                app.state.store.close()

    app = FastAPI(
        title="dicm",
        version=__version__,
        summary="HOW and WHERE contract social value reaches local dual-impact activities.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.broadcaster = Broadcaster()
    install_problem_handlers(app)
    app.add_middleware(BodySizeLimit, max_body_bytes=settings.api.max_body_bytes)
    # events before spos: "/spos/events" must not be taken for an SPO id
    routers = (geography, activities, directory, matches, accounts, analytics, events, spos, ogc)
    for module in routers:
        app.include_router(module.router)
    for path in OPTIONAL_ROUTERS:
        optional = _optional(path)
        if optional is not None and hasattr(optional, "router"):
            app.include_router(optional.router)
            if hasattr(optional, "mount_static"):
                optional.mount_static(app)
    return app
