from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from flywheel.events import services
from flywheel.events.models import EventFormat, EventKind
from tests.factories import ModeratorFactory, UserFactory


@pytest.fixture
def staff(db):
    return ModeratorFactory(handle="stafferin")


@pytest.fixture
def host(db):
    return UserFactory(handle="the_host", display_name="Hana Host")


def make_event(
    *,
    by,
    starts_in: timedelta = timedelta(days=3),
    duration: timedelta = timedelta(hours=1),
    starts_at: datetime | None = None,
    kind: str = EventKind.AMA,
    format: str = EventFormat.ONLINE,
    capacity=None,
    host=None,
    chapter=None,
    title: str = "Ask our designers anything",
    time_zone: str = "UTC",
    venue: str = "",
    **fields,
):
    start = starts_at or timezone.now() + starts_in
    return services.schedule_event(
        by=by,
        title=title,
        kind=kind,
        format=format,
        starts_at=start,
        ends_at=start + duration,
        time_zone=time_zone,
        capacity=capacity,
        host=host,
        chapter=chapter,
        venue=venue or ("Trailhead Store" if format == EventFormat.IN_PERSON else ""),
        description=fields.pop("description", "Bring your **questions**."),
        **fields,
    )


@pytest.fixture
def ama(staff, host):
    return make_event(by=staff, host=host)


def members(count: int, **fields):
    return [UserFactory(**fields) for _ in range(count)]
