"""Request dependencies as ``Annotated`` aliases, so routes declare what they need in one word.

They are ``async`` on purpose: FastAPI runs a sync dependency in its thread pool, and these do
no blocking work worth a thread hop (the token lookup is one indexed query).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.auth import current_account, page_bearer
from api.settings import AppSettings
from domain.model import Account
from services.recommender_cache import RecommenderCache
from store.port import Store


async def get_store(request: Request) -> Store:
    """The store the lifespan opened (or the one passed to ``create_app``)."""
    store: Store = request.app.state.store
    return store


async def get_read_store(request: Request) -> Store:
    """The store the read-heavy endpoints read (lists, OGC items, geometry, matches): the read
    replica of ``DICM_DATABASE_READ_URL`` when set, else the primary. Writes, and reads that
    must see a write just made (sign-in, a resource's own page), use ``StoreDep``."""
    store: Store = request.app.state.read_store
    return store


async def get_settings(request: Request) -> AppSettings:
    """The settings the app was built with."""
    settings: AppSettings = request.app.state.settings
    return settings


async def get_recommenders(request: Request) -> RecommenderCache:
    """The app's fitted recommenders, built in the lifespan."""
    recommenders: RecommenderCache = request.app.state.recommenders
    return recommenders


StoreDep = Annotated[Store, Depends(get_store)]
ReadStoreDep = Annotated[Store, Depends(get_read_store)]
SettingsDep = Annotated[AppSettings, Depends(get_settings)]
RecommendersDep = Annotated[RecommenderCache, Depends(get_recommenders)]

#: the signed-in account, or None for an anonymous caller (public data only)
ViewerDep = Annotated[Account | None, Depends(current_account)]

#: the bearer token of an HTML map page's request, not yet resolved to an account
PageBearerDep = Annotated[str | None, Depends(page_bearer)]
