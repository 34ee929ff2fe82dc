"""The ONE place that chooses a backend: ``DICM_DATABASE_URL`` -> SQLite file or PostGIS (and
``DICM_DATABASE_READ_URL`` -> the same for an optional read replica)."""

from __future__ import annotations

from store import lock_key
from store.port import Store
from store.settings import StoreSettings


def open_read_store(settings: StoreSettings) -> Store | None:
    """The read-only store ``settings.read_url`` names (a read replica), None when unset.

    Never migrated: the replica's schema follows the primary's by replication. Its connections
    refuse writes, so a write routed there by mistake fails instead of diverging.
    """
    replica = settings.replica
    if replica is None:
        return None
    return _open(replica, read_only=True)


def open_store(settings: StoreSettings, *, migrate: bool = True) -> Store:
    """Open the store ``settings.database_url`` names, migrated to head unless told not to.

    ``sqlite:///path`` (the default, ``sqlite:///dicm.sqlite``) is the embedded file;
    ``postgresql+psycopg://...`` is PostGIS.
    """
    store = _open(settings, read_only=False)
    if migrate:
        store.migrate()
    return store


def _open(settings: StoreSettings, *, read_only: bool) -> Store:
    store: Store
    if settings.is_postgis:
        from store.postgis.store import PostgisStore, create_postgis_engine

        engine = create_postgis_engine(settings.database_url, read_only=read_only)
        store = PostgisStore(engine, h3_resolution=settings.h3_resolution)
    else:
        from store.sqlite.store import SqliteStore, create_sqlite_engine

        engine = create_sqlite_engine(settings.database_url, read_only=read_only)
        store = SqliteStore(engine, h3_resolution=settings.h3_resolution)
    lock_key.remember(store, settings)
    return store
