"""`flywheel demo` on an empty database: the tests of tests/demo/test_demo.py that cannot share
the package's demo (one interrupts the first run, one watches the first run's on-commit work)."""

import pytest
from django.core.management import call_command

from flywheel.community.models import Post
from flywheel.core.models import Activity, Verb
from flywheel.demo.plan import build_plan
from flywheel.demo.seed import DemoSeeder, demo_anchor
from flywheel.notifications.models import Notification
from tests.demo.test_demo import planned_topics

pytestmark = pytest.mark.django_db

SMALL = {"members": 20, "topics": 15, "replies": 60, "seed": 7, "quiet": True}


def load_small_demo() -> None:
    call_command("demo", **SMALL)


def test_an_interrupted_demo_run_is_completed_by_the_next_run():
    class Interrupted(Exception):
        pass

    def stop_after_first_batch(line: str) -> None:
        if line.startswith("history"):
            raise Interrupted

    plan = build_plan(seed=7, members=20, topics=15, replies_total=60)
    with pytest.raises(Interrupted):
        DemoSeeder(plan, anchor=demo_anchor(), progress=stop_after_first_batch).run()
    assert Post.objects.filter(number__gt=1).count() < 60

    load_small_demo()

    assert planned_topics().count() == 15
    assert Post.objects.filter(number__gt=1).count() == 60
    assert planned_topics().values("title").distinct().count() == 15


def test_demo_activity_notifies_members_like_real_activity(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        load_small_demo()

    assert Activity.objects.filter(verb=Verb.REPLY_CREATED).count() == 60
    assert Notification.objects.exists()
