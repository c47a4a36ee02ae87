"""Schemathesis fuzzes every API operation from the OpenAPI document: no input is a 500.

Each operation gets a bounded number of generated requests (MAX_EXAMPLES) so the suite stays
fast; write operations run with a member's and with a moderator's personal access token, reads
with and without them.
Run more locally with FLYWHEEL_FUZZ_EXAMPLES=500.
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from flywheel.accounts.services import create_access_token
from tests.factories import ModeratorFactory, SpaceFactory, UserFactory, make_reply, make_topic

MAX_EXAMPLES = int(os.environ.get("FLYWHEEL_FUZZ_EXAMPLES", "20"))

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())


@pytest.fixture
def keep_test_connection():
    """Call the WSGI app as Django's test client does: without closing the test's connection.

    A request's end normally closes connections that are "obsolete"; inside the test's
    transaction PostgreSQL's connection looks so (autocommit off) and would be closed.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["member", "moderator"])
def fuzz_token(request, db, keep_test_connection) -> str:
    """A member (then a moderator: more operations open to them) with a little content
    around them, so ids and slugs sometimes resolve. The webhook endpoints, which are not
    in the OpenAPI document, are fuzzed by test_webhook_fuzz.py."""
    factory = ModeratorFactory if request.param == "moderator" else UserFactory
    member = factory(handle="fuzzer")
    space = SpaceFactory(slug="fuzz")
    topic = make_topic(space=space, author=member, title="Fuzzing target")
    make_reply(topic=topic, author=UserFactory())
    _token, raw = create_access_token(user=member, name="fuzz")
    return raw


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
def test_no_api_input_causes_a_server_error(case, fuzz_token):
    headers = {"Authorization": f"Bearer {fuzz_token}"}
    if case.method.upper() == "GET" and case.path.endswith(("/spaces", "/topics", "/search")):
        headers = {}  # public reads: also fuzz them anonymously
    response = case.call(headers=headers)
    case.validate_response(response, checks=[not_a_server_error])
