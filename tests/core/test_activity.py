import pytest

from flywheel.core import services
from flywheel.core.models import Activity, Verb

pytestmark = pytest.mark.django_db


def test_an_activity_with_a_dedupe_key_is_recorded_once(member, space):
    first = services.record_activity(
        actor=member, verb=Verb.SPACE_JOINED, target=space, space=space, dedupe_key="join:1"
    )
    second = services.record_activity(
        actor=member, verb=Verb.SPACE_JOINED, target=space, space=space, dedupe_key="join:1"
    )
    assert first.pk == second.pk
    assert Activity.objects.filter(dedupe_key="join:1").count() == 1


def test_consumers_run_only_after_the_transaction_commits(
    member, space, settings, django_capture_on_commit_callbacks
):
    seen = []
    settings.FLYWHEEL_ACTIVITY_CONSUMERS = ["tests.core.test_activity.remember"]
    REMEMBERED.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        activity = services.record_activity(actor=member, verb=Verb.FOLLOWED, target=space)
        seen.extend(REMEMBERED)
    assert seen == []
    for callback in callbacks:
        callback()
    assert REMEMBERED == [activity.pk]


REMEMBERED: list[int] = []


def remember(activity):
    REMEMBERED.append(activity.pk)
