"""Schemathesis over the generated OpenAPI document, every operation, with a valid key:
no server error, and every answer matches the document (status, media type, schema).

Bounded and derandomized (a fixed seed) so CI is quick and repeatable: 25 examples per\noperation.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import make_key
from tests.conftest import make_user
from webapp.demo import generate_library
from webapp.extensions import db
from webapp.models import User

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def fuzzed(make_app):
    app = make_app(API_RATE_LIMIT="100000 per minute", PROPAGATE_EXCEPTIONS=False)
    user = make_user(app, "fuzzer")
    with app.app_context():
        generate_library(db.session, size=40, owner=db.session.get(User, user.id))
    return app, make_key(app, user)


def test_every_operation_keeps_its_contract(fuzzed) -> None:
    """One test over all operations (schemathesis' lazy fixture loader does not run on
    pytest 9), failing with every operation that broke its contract."""
    app, key = fuzzed
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: dict[str, str] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            derandomize=True,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def exercise(case) -> None:
            case.call_and_validate(headers={"X-API-Key": key}, checks=CHECKS)

        try:
            exercise()
        except Exception as error:  # collect them all, then fail with the list
            failures[operation.label] = f"{type(error).__name__}: {error}"[:2000]

    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())
