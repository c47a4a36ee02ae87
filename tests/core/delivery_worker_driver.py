"""Run in a subprocess by test_delivery_workers.py against the test's own database.

seed N     a topic, a 10-point rule for replies, and N members replying through the
           real service (each reply's deliveries are queued on commit)
reply      one member replies through the real page (the Django test client); prints
           a JSON line: the response status after redirects and whether it was saved
effects    prints a JSON line: what the consumers have done so far
"""

import json
import sys
import time

import django


def setup_community():
    from flywheel.rewards.models import Rule
    from tests.factories import UserFactory, make_topic

    topic = make_topic(author=UserFactory(handle="topicstarter"))
    Rule.objects.create(name="Reply", verb="reply_created", points=10)
    return topic


def seed(count: int) -> None:
    from tests.factories import UserFactory, make_reply

    topic = setup_community()
    for number in range(count):
        make_reply(topic=topic, author=UserFactory(), body=f"Reply number {number}.")


def reply() -> None:
    from django.test import Client
    from django.urls import reverse

    from flywheel.community.models import Post
    from tests.factories import UserFactory

    topic = setup_community()
    replier = UserFactory(handle="replier")
    client = Client()
    client.force_login(replier)
    started = time.monotonic()
    response = client.post(
        reverse("community:reply", kwargs={"topic_id": topic.pk}),
        {"body": "Sent while the broker was down."},
        follow=True,
    )
    saved = Post.objects.filter(topic=topic, author=replier).exists()
    seconds = round(time.monotonic() - started, 2)
    print(json.dumps({"status": response.status_code, "saved": saved, "seconds": seconds}))  # noqa: T201


def effects() -> None:
    from flywheel.core.models import ActivityDelivery
    from flywheel.notifications.models import Notification
    from flywheel.rewards.models import LedgerEntry, PointsAccount

    print(  # noqa: T201
        json.dumps(
            {
                "notifications": Notification.objects.filter(
                    recipient__handle="topicstarter"
                ).count(),
                "ledger_entries": LedgerEntry.objects.count(),
                "points": sum(PointsAccount.objects.values_list("balance", flat=True)),
                "undelivered": ActivityDelivery.objects.exclude(state="delivered").count(),
            }
        )
    )


if __name__ == "__main__":
    django.setup()
    command = sys.argv[1]
    if command == "seed":
        seed(int(sys.argv[2]))
    elif command == "reply":
        reply()
    else:
        effects()
