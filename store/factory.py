"""The ONE place that chooses a backend: ``DICM_DATABASE_URL`` -> SQLite file or PostGIS."""

from __future__ import annotations

from store import lock_key
from store.port import Store
from store.settings import StoreSettings


def open_store(settings: StoreSettings, *, migrate: bool = True) -> Store:
    """Open the store ``settings.database_url`` names, migrated to head unless told not to.

    ``sqlite:///path`` (the default, ``sqlite:///dicm.sqlite``) is the embedded file;
    ``postgresql+psycopg://...`` is PostGIS.
    """
    store: Store
    if settings.is_postgis:
        from store.postgis.store import PostgisStore, create_postgis_engine

        store = PostgisStore(
            create_postgis_engine(settings.database_url), h3_resolution=settings.h3_resolution
        )
    else:
        from store.sqlite.store import SqliteStore, create_sqlite_engine

        store = SqliteStore(
            create_sqlite_engine(settings.database_url), h3_resolution=settings.h3_resolution
        )
    lock_key.remember(store, settings)
    if migrate:
        store.migrate()
    return store
