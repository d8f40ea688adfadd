"""Schemathesis against the portal's OpenAPI document: generated requests to every documented
operation (valid and invalid parameters) never get a 5xx and always match the document.

schemathesis is a dev extra (``pip install -e .[dev]``); without it the module is skipped.
"""

# ruff: noqa: F811  (fixtures imported from public_fixtures)

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402

from tests.extranet.portal.public_fixtures import (  # noqa: E402, F401 — fixtures
    brochure_payload,
    contributor,
    event_payload,
    general_admin,
    portal_kinds,
    portal_storage,
    workflow,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def keep_test_connection():
    """A bare WSGIHandler closes old database connections at each request's start and end;
    inside the test's transaction that would close it (PostgreSQL). Django's test client
    disconnects the same receivers: do as it does."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_api_conforms_and_never_fails(workflow, keep_test_connection):
    workflow.publish("event", "e/1", event_payload("Concert"))
    workflow.publish("event", "e/2", event_payload("Fête", all_day=True))
    workflow.publish(
        "brochure", "7", brochure_payload("Guide"), files=[("g.pdf", "application/pdf", b"%PDF")]
    )
    workflow.publish("testcard", "c/1", {"name": "Mairie", "commune": "Lavaur"})
    # schemathesis' own pytest plugin does not run under pytest 9 yet (it reads a private
    # attribute of test items): drive its strategies with Hypothesis directly.
    schema = schemathesis.openapi.from_wsgi("/portal/api/openapi.json", WSGIHandler())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 3
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=30,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            response = case.call()
            assert response.status_code < 500, (case.path, response.text[:300])
            case.validate_response(response)

        check()
