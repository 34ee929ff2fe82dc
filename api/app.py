"""The FastAPI application factory.

``create_app`` builds the app from settings (never at import; ``dicm.asgi`` reads them from the
environment for uvicorn). The lifespan opens the store from the store section unless a store is
passed in (tests, the demo), and the read store (``store.read_url``, a read replica; unset: the
primary) unless one is passed in, and closes only what it opened; it also builds the app's own
resources and puts them on ``app.state``: the event broadcaster (over the store's event log,
its reader thread started here and stopped at shutdown), the token cache and the recommender
cache (nothing is kept at module level). Routers of other packages are included when their
modules exist, so the API grows with the project without a central edit.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from types import ModuleType

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware

from api import heap
from api.admission import AdmissionControl
from api.hardening import RequestLimits, SecurityHeaders, install_log_redaction
from api.middleware import BodySizeLimit
from api.problems import install_problem_handlers
from api.responses import SafeJSONResponse
from api.routes import (
    accounts,
    activities,
    analytics,
    directory,
    docs,
    events,
    geography,
    health,
    home,
    locate,
    matches,
    ogc,
    reports,
    spos,
)
from api.settings import AppSettings
from services.events import Broadcaster
from services.recommender_cache import RecommenderCache
from services.recommender_state import state_root
from services.token_cache import TokenCache
from store.port import Store
from web import app as web_app

log = logging.getLogger("dicm.api")

#: routers that depend on other packages' modules; included when importable
OPTIONAL_ROUTERS = ("api.routes.maps",)
GZIP_MINIMUM_BYTES = 1000
#: zlib level 5, not Starlette's default 9: a full page of local authorities (26.5 MB) took 2.2 s
#: to compress at 9 (bench.ogc_pygeoapi), for a body only a few per cent smaller
GZIP_LEVEL = 5


def _open_store(settings: AppSettings) -> Store:
    from store.factory import open_store

    opened: Store = open_store(settings.store)
    return opened


def _open_read_store(settings: AppSettings) -> Store | None:
    from store.factory import open_read_store

    opened: Store | None = open_read_store(settings.store)
    return opened


def _version() -> str:
    """The installed dicm distribution's version (the API's OpenAPI ``info.version``)."""
    try:
        return version("dicm")
    except PackageNotFoundError:
        return "0+unknown"


def _optional(module_path: str) -> ModuleType | None:
    try:
        return importlib.import_module(module_path)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module_path.startswith(exc.name):
            log.info("router %s not available yet", module_path)
            return None
        raise


def create_app(
    settings: AppSettings, *, store: Store | None = None, read_store: Store | None = None
) -> FastAPI:
    """Build the dicm HTTP API."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = store is None
        app.state.store = _open_store(settings) if owned else store
        # the read-heavy endpoints read the replica when there is one, else the primary
        replica = _open_read_store(settings) if read_store is None else None
        reads = read_store if read_store is not None else replica
        app.state.read_store = reads if reads is not None else app.state.store
        # events go through the store's log: every worker (and host) sees every change
        app.state.broadcaster = Broadcaster(log=app.state.store)
        app.state.broadcaster.start()
        app.state.tokens = TokenCache()
        # a worker started on a store it owns maps the fitted state another worker (or an
        # earlier run) saved for the same generation instead of fitting its own
        app.state.recommenders = RecommenderCache(
            state_dir=state_root(settings.store, settings.services.data_dir) if owned else None
        )
        thresholds = heap.start()
        try:
            yield
        finally:
            app.state.broadcaster.stop()
            heap.release(thresholds)
            if replica is not None:
                replica.close()
            if owned:
                app.state.store.close()

    app = FastAPI(
        title="dicm",
        version=_version(),
        summary="HOW and WHERE contract social value reaches local dual-impact activities.",
        lifespan=lifespan,
        default_response_class=SafeJSONResponse,
        docs_url=None,  # served by api.routes.docs from local files (offline)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.read_store = read_store if read_store is not None else store
    install_problem_handlers(app)
    app.add_middleware(BodySizeLimit, max_body_bytes=settings.api.max_body_bytes)
    # responses over 1 KB compressed; Starlette leaves text/event-stream (SSE) unbuffered
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_BYTES, compresslevel=GZIP_LEVEL)
    if settings.api.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.api.cors_origins,
            allow_methods=["GET", "HEAD", "OPTIONS", "POST", "PUT"],
            allow_headers=["Authorization", "Content-Type", "Accept"],
            expose_headers=["Content-Crs", "Link"],
        )
    app.add_middleware(
        AdmissionControl,
        settings=settings.api.admission,
        page_size_max=settings.api.page_size_max,
    )
    app.add_middleware(
        RequestLimits,
        max_line_bytes=settings.api.max_request_line_bytes,
        max_header_bytes=settings.api.max_header_bytes,
    )
    app.add_middleware(SecurityHeaders)  # outermost: every answer, refusals too
    install_log_redaction()
    # events before spos: "/spos/events" must not be taken for an SPO id
    routers = (
        *(home, health, docs),
        *(
            geography,
            locate,
            activities,
            directory,
            matches,
            accounts,
            analytics,
            reports,
            events,
            spos,
            ogc,
        ),
    )
    for module in routers:
        app.include_router(module.router)
    web_app.install(app, settings.web, settings.services.data_dir)
    for path in OPTIONAL_ROUTERS:
        optional = _optional(path)
        if optional is not None and hasattr(optional, "router"):
            app.include_router(optional.router)
            if hasattr(optional, "mount_static"):
                optional.mount_static(app)
    return app
