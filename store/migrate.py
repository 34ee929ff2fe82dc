"""Alembic, driven from code: upgrade to head, current revision, and the config both use.

No ``alembic.ini``: the script directory is ``store/migrations`` beside this file, and the
connection is handed to ``env.py`` through ``config.attributes`` so both dialects migrate on
the store's own engine.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

SCRIPT_LOCATION = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at dicm's migrations (``url`` for the CLI-less case)."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database behind ``engine`` to ``revision`` in one transaction."""
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def current(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@cache
def head() -> str | None:
    """The newest revision in ``store/migrations`` (read once: the scripts ship with dicm)."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
