"""Analytics rows are in a member's data export and go with their erasure."""

import datetime as dt

import pytest
from django.utils import timezone

from flywheel.analytics import services
from flywheel.analytics.models import MemberDay, MemberFact, MemberMonth
from flywheel.core.models import Verb
from flywheel.core.services import record_activity
from flywheel.privacy.registry import erasers, exporters

pytestmark = pytest.mark.django_db


def test_export_lists_active_days_and_erasure_deletes_them(member):
    record_activity(actor=member, verb=Verb.FOLLOWED, at=timezone.now() - dt.timedelta(days=2))
    services.update_rollups()
    exported = exporters()["analytics"](member)
    assert len(exported["active_days"]) == 1 and exported["active_days"][0]["other"] == 1
    erasers()["analytics"](member, content="delete")
    assert not MemberDay.objects.filter(member=member).exists()
    assert not MemberMonth.objects.filter(member=member).exists()
    assert not MemberFact.objects.filter(member=member).exists()
