"""The demo's content calendar: a month of planned posts around the demo's today, the past
ones published as topics, the rest scheduled, and the month page shows them."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from flywheel.accounts.models import User
from flywheel.demo.seed import demo_anchor
from flywheel.programming.models import CalendarItem, CalendarItemState
from tests.demo import DEMO

# The package's demo (conftest.py): each test's own run then adds nothing.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("shared_demo"),
    pytest.mark.xdist_group("demo"),
]


def test_the_demo_plans_a_month_published_before_today_and_scheduled_after():
    call_command("demo", **DEMO)
    anchor = demo_anchor()
    items = list(CalendarItem.objects.select_related("topic"))
    assert len(items) >= 10
    assert max(i.scheduled_at for i in items) - min(i.scheduled_at for i in items) >= dt.timedelta(
        days=25
    )
    for item in items:
        if item.scheduled_at <= anchor:
            assert item.state == CalendarItemState.PUBLISHED
            assert item.topic.title == item.title
            assert item.topic.created_at == item.scheduled_at
        else:
            assert item.state in {CalendarItemState.SCHEDULED, CalendarItemState.DRAFT}
    assert {i.label for i in items} >= {"educational", "promotional", "member_spotlight"}

    owner = User.objects.get(handle="maya")
    client = Client()
    client.force_login(owner)
    response = client.get(reverse("programming:month"), {"month": f"{anchor:%Y-%m}"})
    assert response.status_code == 200
    assert response.context["month"].items

    call_command("demo", **DEMO)
    assert CalendarItem.objects.count() == len(items)
    assert CalendarItem.objects.filter(state="published").count() == sum(
        i.state == "published" for i in items
    )
