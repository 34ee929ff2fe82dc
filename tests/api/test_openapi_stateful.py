"""Schemathesis stateful testing: sequences of calls chained by the links schemathesis finds in
the OpenAPI document (a resource created by a POST, then read, changed or stepped through by
the operations taking its id), in process, as an admin. No 5xx and every response conforms,
whatever order the calls come in; a single-call fuzz (``test_openapi_fuzz``) cannot reach the
states (a drafted SPO with lines, a submitted one) where such bugs live.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
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


def test_sequences_of_calls_never_fail_or_break_the_schema(seeded: Seeded) -> None:
    _app_settings, _store, world = seeded
    headers = world.auth("admin")
    base = _schema(seeded).as_state_machine()

    class Workflow(base):  # type: ignore[valid-type, misc]
        def get_call_kwargs(self, case: schemathesis.Case[Any]) -> dict[str, Any]:
            return {"headers": headers}

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
