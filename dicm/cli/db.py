"""CLI commands: ``dicm db upgrade`` and ``dicm db current`` (Alembic, both backends)."""

from __future__ import annotations

import typer

db_app = typer.Typer(help="Database schema: migrate to head, show the current revision.")


@db_app.command("upgrade")
def upgrade() -> None:
    """Bring the database named by DICM_DATABASE_URL to the newest schema revision."""
    from dicm.settings import load_settings
    from store.factory import open_store
    from store.migrate import current, head

    settings = load_settings()
    store = open_store(settings.store, migrate=True)
    try:
        revision = current(store.engine)  # type: ignore[attr-defined]
    finally:
        store.close()
    typer.echo(f"database at revision {revision} (head {head()}): {_safe(settings.database_url)}")


@db_app.command("current")
def show_current() -> None:
    """Print the database's schema revision (``none`` for an empty database)."""
    from dicm.settings import load_settings
    from store.factory import open_store
    from store.migrate import current, head

    store = open_store(load_settings().store, migrate=False)
    try:
        revision = current(store.engine)  # type: ignore[attr-defined]
    finally:
        store.close()
    suffix = " (head)" if revision == head() else f" (head is {head()})"
    typer.echo(f"{revision or 'none'}{suffix}")


def _safe(url: str) -> str:
    """The URL without its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.add_typer(db_app, name="db")
