"""A staff member's calendar items are in their data export and go with their erasure; the
topics already published stay under community's own erasure rules."""

import datetime as dt

import pytest

from flywheel.accounts.models import Role
from flywheel.community.models import Topic
from flywheel.privacy.registry import erasers, exporters
from flywheel.programming import services
from flywheel.programming.models import CalendarItem
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_export_lists_planned_items_and_erasure_deletes_them(space):
    staff = UserFactory(role=Role.MODERATOR)
    other = UserFactory(role=Role.ADMIN)
    at = dt.datetime(2026, 4, 1, 9, tzinfo=dt.UTC)
    for author, title in [(staff, "Spring boots guide"), (other, "Someone else's plan")]:
        services.plan_calendar_item(
            by=author, space=space, title=title, body="Text", label="educational", scheduled_at=at
        )
    exported = exporters()["programming"](staff)
    data = exported.data if hasattr(exported, "data") else exported
    assert [row["title"] for row in data] == ["Spring boots guide"]
    assert data[0]["scheduled_at"] == "2026-04-01T09:00:00+00:00"

    erasers()["programming"](staff, content="delete")
    assert list(CalendarItem.objects.values_list("title", flat=True)) == ["Someone else's plan"]
    assert not Topic.objects.exists()
