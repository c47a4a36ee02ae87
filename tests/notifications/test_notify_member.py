"""Other apps (badges, trust, moderation) ask notifications.services for bell entries."""

import pytest

from flywheel.notifications.models import Notification, NotificationKind
from flywheel.notifications.services import notify_member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_notify_member_puts_a_badge_entry_in_the_members_bell():
    member = UserFactory()
    notify_member(recipient_id=member.pk, actor_id=member.pk, kind=NotificationKind.BADGE_GRANTED)
    assert list(Notification.objects.filter(recipient=member).values_list("kind", flat=True)) == [
        NotificationKind.BADGE_GRANTED
    ]


def test_notify_member_refuses_a_kind_the_bell_cannot_show():
    member = UserFactory()
    with pytest.raises(ValueError, match="unknown notification kind"):
        notify_member(recipient_id=member.pk, kind="made_up")
    assert not Notification.objects.filter(recipient=member).exists()
