"""Migrations: a fresh database upgrades to head on both backends, and the models and the
migrations agree (Alembic's ``compare_metadata`` finds nothing to do)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, MetaData, String
from typer.testing import CliRunner

from dicm.cli import app
from dicm.settings import Settings
from store.factory import open_store
from store.migrate import current, head
from store.migration_hooks import compare_type, include_object_for
from store.schema import metadata
from tests.pgcluster import PgCluster


def fresh_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    return cluster.create_database("dicm_fresh")


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgis", marks=pytest.mark.postgis)])
def test_fresh_database_upgrades_to_head_and_matches_the_models(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path
) -> None:
    url = fresh_url(request, backend, tmp_path)
    store = open_store(Settings(database_url=url).store, migrate=False)
    engine = store.engine  # type: ignore[attr-defined]
    assert current(engine) is None
    store.migrate()
    assert current(engine) == head() is not None
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "include_object": include_object_for(conn.dialect.name),
                "compare_type": compare_type,
            },
        )
        diff = compare_metadata(context, metadata)
        assert diff == []
        drifted = MetaData(naming_convention=metadata.naming_convention)
        for table in metadata.sorted_tables:  # the check can fail: a model the migrations lack
            table.to_metadata(drifted)
        drifted.tables["providers"].append_column(Column("postcode", String(10)))
        drifted_diff = compare_metadata(context, drifted)
        added = [d[3].name for d in drifted_diff if d[0] == "add_column"]
        assert added == ["postcode"]
    store.migrate()  # idempotent
    store.close()


def test_cli_upgrade_and_current(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DICM_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    runner = CliRunner()
    before = runner.invoke(app, ["db", "current"])
    assert before.exit_code == 0 and before.stdout.startswith("none")
    done = runner.invoke(app, ["db", "upgrade"])
    assert done.exit_code == 0, done.stdout
    after = runner.invoke(app, ["db", "current"])
    assert after.stdout.strip() == f"{head()} (head)"
