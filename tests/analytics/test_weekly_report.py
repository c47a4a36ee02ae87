"""The weekly staff e-mail: last week's headline figures against the week before.

Monday 17 March 2025 reports 10–16 March against 3–9 March. By hand:
    new members   ann (11 Mar), ben (12 Mar) vs cid (4 Mar)       → 2 vs 1, +100.0 %
    EUR orders    ann 30.00 on 12 Mar vs a non-member 20.00 on 5 Mar
                  net revenue 30.00 vs 20.00 → +50.0 %; member revenue 30.00 vs 0.00;
                  orders 1 vs 1 (no change shown: +0.0 %)
"""

import datetime as dt

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command

from flywheel.accounts.models import Role
from flywheel.analytics import services
from flywheel.analytics.models import StaffReportSent
from flywheel.commerce.models import Store
from tests.analytics.dataset import at, order, verified
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2025, 3, 17)


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("smtp down")


@pytest.fixture
def last_week():
    ann = verified(UserFactory(handle="ann", date_joined=at("2025-03-11")))
    UserFactory(handle="ben", date_joined=at("2025-03-12"))
    UserFactory(handle="cid", date_joined=at("2025-03-04"))
    store = Store.objects.create(
        platform="shopify", domain="eur.example.com", webhook_secret="s", currency="EUR"
    )
    order(store, "w1", email=ann.email, placed=at("2025-03-12"), total="30.00")
    order(store, "w0", email="walkin@example.com", placed=at("2025-03-05"), total="20.00")
    services.update_rollups()


@pytest.fixture
def owner(db):
    return UserFactory(role=Role.OWNER, email="owner@example.com", date_joined=at("2024-01-01"))


@pytest.fixture
def polish_moderator(db):
    return UserFactory(
        role=Role.MODERATOR, language="pl", email="mod@example.com", date_joined=at("2024-01-01")
    )


def _mail_to(address):
    (message,) = [m for m in mail.outbox if m.to == [address]]
    return message


def test_owners_get_last_weeks_figures_against_the_week_before(last_week, owner):
    result = services.send_weekly_staff_report(today=MONDAY)

    assert result["sent"] == 1
    text = _mail_to(owner.email).body
    assert "New members: 2 (before: 1, +100.0 %)" in text
    assert "Net revenue: 30.00 (before: 20.00, +50.0 %)" in text
    assert "Member revenue: 30.00 (before: 0.00)" in text
    assert "Orders: 1 (before: 1, 0.0 %)" in text
    html = _mail_to(owner.email).alternatives[0][0]
    assert "Net revenue" in html


def test_moderators_get_the_community_figures_only_in_their_language(
    last_week, owner, polish_moderator
):
    services.send_weekly_staff_report(today=MONDAY)

    text = _mail_to(polish_moderator.email).body
    assert "Nowi członkowie: 2" in text
    assert "Sprzedaż" not in text and "30,00" not in text and "30.00" not in text
    assert "New members" not in text


def test_members_and_ambassadors_get_no_staff_report(last_week, member):
    UserFactory(role=Role.AMBASSADOR)
    UserFactory(role=Role.ADMIN, is_active=False)

    result = services.send_weekly_staff_report(today=MONDAY)

    assert result["sent"] == 0
    assert mail.outbox == []


def test_a_second_run_in_the_same_week_sends_nothing_twice(last_week, owner, polish_moderator):
    services.send_weekly_staff_report(today=MONDAY)
    again = services.send_weekly_staff_report(today=MONDAY + dt.timedelta(days=2))

    assert (again["sent"], again["already_sent"]) == (0, 2)
    assert len(mail.outbox) == 2
    next_week = services.send_weekly_staff_report(today=MONDAY + dt.timedelta(days=7))
    assert next_week["sent"] == 2


def test_a_failed_send_is_not_claimed_and_goes_out_on_the_next_run(last_week, owner, settings):
    settings.EMAIL_BACKEND = "tests.analytics.test_weekly_report.RefusingBackend"

    failed = services.send_weekly_staff_report(today=MONDAY)

    assert (failed["sent"], failed["failed"]) == (0, 1)
    assert not StaffReportSent.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.send_weekly_staff_report(today=MONDAY)["sent"] == 1


def test_dry_run_command_lists_recipients_and_sends_nothing(last_week, owner, capsys):
    call_command("analytics", "send-weekly", "--dry-run")

    out = capsys.readouterr().out
    assert "would send owner@example.com" in out
    assert mail.outbox == []
    assert not StaffReportSent.objects.exists()


def test_command_sends_once_per_week(owner, capsys):
    call_command("analytics", "send-weekly")
    call_command("analytics", "send-weekly")

    assert len(mail.outbox) == 1
    assert "0 sent, 0 failed, 1 already sent earlier" in capsys.readouterr().out


def test_the_weekly_report_is_scheduled(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["analytics-weekly-staff-report"]
    assert schedule["task"] == "flywheel.analytics.tasks.send_weekly_staff_report"
