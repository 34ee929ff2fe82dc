"""Schemathesis against the OpenAPI document, in process (ASGI): no 5xx, and every response
(status, content type, body) conforms to the schema. Bounded: 10 examples per operation.

Event streams never end by themselves and the HTML map pages belong to the maps package, so
both are left out here (the streams have their own test).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
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
MAX_EXAMPLES = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _fuzz(operation: Any, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def run(case: schemathesis.Case[Any]) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


@pytest.mark.parametrize("who", [None, "admin"])
def test_every_operation_conforms_to_the_schema(seeded: Seeded, who: str | None) -> None:
    app_settings, store, world = seeded
    app = create_app(app_settings, store=store)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app).exclude(
        path_regex=r"(/events$|^/maps|^/static)"
    )
    failures: dict[str, str] = {}
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) > 40
    for operation in operations:
        try:
            _fuzz(operation, world.auth(who))
        except Exception as exc:  # collect every failing operation, then report them all
            failures[operation.label] = f"{type(exc).__name__}: {str(exc)[:1500]}"
    assert not failures, "\n\n".join(f"{k}: {v}" for k, v in failures.items())
