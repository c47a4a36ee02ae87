import pytest
from django.utils import timezone

from flywheel.notifications.models import Notification, NotificationKind
from tests.factories import make_topic


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs the block's on-commit work (activity consumers, e-mails) as a real commit would."""

    def run(create):
        with django_capture_on_commit_callbacks(execute=True):
            return create()

    return run


@pytest.fixture
def notify(db):
    """Makes n notifications for a member, each from its own actor about its own topic."""

    def make(recipient, count, *, read=False):
        created = []
        for _number in range(count):
            topic = make_topic()
            created.append(
                Notification.objects.create(
                    recipient=recipient,
                    kind=NotificationKind.SPACE_TOPIC,
                    actor=topic.author,
                    topic=topic,
                    post=topic.posts.get(number=1),
                    created_at=timezone.now(),
                    read_at=timezone.now() if read else None,
                )
            )
        return created

    return make
