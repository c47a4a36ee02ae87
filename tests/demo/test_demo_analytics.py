"""The demo fills the console's newer figures: product-link clicks before orders (so
community-attributed revenue shows), and reads per topic; a second run adds nothing."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from flywheel.analytics import queries, services
from flywheel.analytics.models import PostVoice, ProductLinkClick, TopicReadDay
from flywheel.analytics.queries import Period
from tests.demo import DEMO

# The package's demo (conftest.py): each test's own run then adds nothing.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("shared_demo"),
    pytest.mark.xdist_group("demo"),
]


def test_the_demo_shows_attributed_revenue_reads_and_the_voice_of_the_member():
    call_command("demo", **DEMO)
    services.update_rollups()
    today = timezone.localdate()
    period = Period(today - dt.timedelta(days=59), today)

    assert ProductLinkClick.objects.filter(member__isnull=False).exists()
    assert sum(queries.attribution_summary(period)["currencies"]["EUR"].values()) > 0
    assert queries.reads_summary(period)["reads"] > 0
    assert PostVoice.objects.exists()

    before = (ProductLinkClick.objects.count(), TopicReadDay.objects.count())
    call_command("demo", **DEMO)
    assert (ProductLinkClick.objects.count(), TopicReadDay.objects.count()) == before
