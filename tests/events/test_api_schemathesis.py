"""
Property-based test of the JSON API against its own OpenAPI document: schemathesis generates
requests from the document and checks every response for server errors and for conformance
(status code, content type, headers, body schema). Bounded so the whole run stays short.
"""

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import reverse
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import EventFactory, PresentationFactory, RoleFactory

EXAMPLES_PER_OPERATION = 30
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def wsgi_app():
    """The real WSGI application, kept from closing the test's database connection at the end
    of each request (as Django's own test client does)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.django_db
def test_api_answers_every_generated_request_as_its_openapi_document_says(shanghai, wsgi_app):
    EventFactory(start_time="09:00", time_zone="Asia/Shanghai")
    RoleFactory(organization=None, event=EventFactory(draft=True))
    PresentationFactory(event=shanghai, slug="no-speakers", order=9)
    schema = schemathesis.openapi.from_wsgi(reverse("api:schema"), wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    calls = []

    for operation in operations:

        @hypothesis.settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(hypothesis.HealthCheck),
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        )
        @hypothesis.given(case=operation.as_strategy())
        def exercise(case):
            calls.append(case.operation.label)
            case.call_and_validate(checks=CHECKS)

        exercise()

    assert {operation.label for operation in operations} == {
        "GET /api/events/",
        "GET /api/events/{slug}/",
        "GET /api/events/{slug}/facts/",
        "GET /api/events/{slug}/facts/{anchor}/",
        "GET /api/people/",
        "GET /api/people/{slug}/",
        "GET /api/organizations/",
        "GET /api/organizations/{slug}/",
        "GET /api/presentations/",
        "GET /api/presentations/{event_slug}/{slug}/",
        # The reconciliation service (events/opendata/reconciliation/).
        "GET /reconcile/",
        "POST /reconcile/",
        "GET /reconcile/suggest/entity/",
        "GET /reconcile/suggest/type/",
        "GET /reconcile/suggest/property/",
        "GET /reconcile/propose_properties/",
    }
    print(f"schemathesis: {len(calls)} generated requests over {len(operations)} operations")
    assert len(calls) >= len(operations) * 5
