import pytest
from django.test import Client


class CommittingClient(Client):
    """A test client whose POSTs run their on-commit callbacks (the queued processing task,
    eager in tests) as soon as the request's transaction commits, as in production."""

    capture = None

    def post(self, *args, **kwargs):
        with self.capture(execute=True):
            return super().post(*args, **kwargs)


@pytest.fixture
def client(django_capture_on_commit_callbacks):
    client = CommittingClient()
    client.capture = django_capture_on_commit_callbacks
    return client
