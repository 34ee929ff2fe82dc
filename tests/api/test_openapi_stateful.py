"""Schemathesis stateful testing: sequences of calls chained by the links schemathesis finds in
the OpenAPI document (a resource created by a POST, then read, changed or stepped through by
the operations taking its id), in process, as an admin. No 5xx and every response conforms,
whatever order the calls come in; a single-call fuzz (``test_openapi_fuzz``) cannot reach the
states (a drafted SPO with lines, a submitted one) where such bugs live.

Each example (one sequence of calls) runs on its own copy of the seeded store, behind an app of
its own: with one store for all, a POST that created a resource in one example answered 409 in
the next, so the calls a sequence could go on to make depended on the examples before it, and
Hypothesis, replaying an example to shrink it, stopped with ``FlakyStrategyDefinition``.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.engine import make_url

from api.app import create_app
from dicm.settings import Settings
from store.factory import open_store
from tests.api.conftest import Seeded

pytestmark = [
    pytest.mark.timeout(600),
    pytest.mark.filterwarnings("ignore::UserWarning"),
    pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning"),
]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
#: Calls chained through ids that the schema's links must offer (producer -> consumer).
EXPECTED_CHAINS = ("POST /spos", "POST /activities", "POST /tenders")


def _schema(seeded: Seeded) -> Any:
    app_settings, store, _world = seeded
    app = create_app(app_settings, store=store)
    return schemathesis.openapi.from_asgi("/openapi.json", app).exclude(
        path_regex=r"(/events$|^/maps|^/static|^/web|^/ogc)"
    )


def test_links_chain_the_resources_a_user_creates(seeded: Seeded) -> None:
    schema = _schema(seeded)
    schema.as_state_machine()
    transitions = schema.statistic.transitions
    assert transitions.total >= len(EXPECTED_CHAINS), transitions
    sources = {label for label in _link_sources(schema)}
    missing = [chain for chain in EXPECTED_CHAINS if chain not in sources]
    assert not missing, f"no link from {missing}; links start at {sorted(sources)}"


class ExampleApp:
    """The one ASGI app schemathesis is given (its lifespan is schemathesis' to run, once per
    process): each request goes to the app of the example under way, which ``start`` builds
    over a fresh copy of the seeded store and ``stop`` shuts down and deletes."""

    def __init__(self, seeded: Seeded, folder: Path) -> None:
        self._settings = seeded[0]
        self._folder = folder
        #: the seeded store as it was before any example ran (SQLite's backup API: the store
        #: is in WAL mode, so its main file alone may lack what was last written)
        self._template = folder / "seeded.sqlite"
        with (
            closing(sqlite3.connect(_sqlite_path(self._settings))) as source,
            closing(sqlite3.connect(self._template)) as target,
        ):
            source.backup(target)
        self._examples = 0
        self._running = ExitStack()
        self._app: Any = None

    def start(self) -> None:
        """A new store copied from the template and a new app over it (new caches, admission
        buckets and event broadcaster too), for the example about to run."""
        self._examples += 1
        path = self._folder / f"example-{self._examples}.sqlite"
        shutil.copyfile(self._template, path)
        # the same data_dir, hence the same lock key the seeded SPOs were sealed with
        example = self._settings.model_copy(update={"database_url": f"sqlite:///{path}"})
        store = open_store(example.store, migrate=False)
        self._running.callback(_delete_sqlite, path)
        self._running.callback(store.close)
        self._app = self._running.enter_context(TestClient(create_app(example, store=store))).app

    def stop(self) -> None:
        """The example's app shut down (its lifespan), its store closed and deleted."""
        self._app = None
        self._running.close()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":  # nothing to start: each example's app is ``start``ed
            await receive()  # lifespan.startup
            await send({"type": "lifespan.startup.complete"})
            await receive()  # lifespan.shutdown
            await send({"type": "lifespan.shutdown.complete"})
            return
        assert self._app is not None, "a call outside an example"
        await self._app(scope, receive, send)


def _sqlite_path(settings: Settings) -> str:
    return str(make_url(settings.database_url).database)


def _delete_sqlite(path: Path) -> None:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


def test_sequences_of_calls_never_fail_or_break_the_schema(seeded: Seeded, tmp_path: Path) -> None:
    _app_settings, _store, world = seeded
    headers = world.auth("admin")
    base = _schema(seeded).as_state_machine()
    app = ExampleApp(seeded, tmp_path)

    class Workflow(base):  # type: ignore[valid-type, misc]
        def setup(self) -> None:
            app.start()

        def teardown(self) -> None:
            app.stop()

        def get_call_kwargs(self, case: schemathesis.Case[Any]) -> dict[str, Any]:
            return {"headers": headers, "app": app}

        def validate_response(
            self,
            response: Any,
            case: schemathesis.Case[Any],
            additional_checks: Any = None,
            **kwargs: Any,
        ) -> None:
            case.validate_response(response, checks=CHECKS)

    Workflow.run(
        settings=settings(
            max_examples=25,
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
    )


def _link_sources(schema: Any) -> set[str]:
    """Labels of the operations some link starts from (after schemathesis' inference)."""
    sources: set[str] = set()
    for result in schema.get_all_operations():
        operation = result.ok()
        links = operation.definition.raw.get("responses", {})
        for response in links.values():
            if isinstance(response, dict) and response.get("links"):
                sources.add(operation.label)
    return sources
