"""Consent is recorded with its wording and time; old IP hashes and logs are deleted."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from flywheel.notifications.models import Notification, NotificationKind
from flywheel.privacy import services
from flywheel.privacy.models import Consent, ConsentPurpose, DataExport, ExportStatus
from flywheel.privacy.services import apply_retention_policy, has_consent, hash_ip
from tests.api.conftest import ApiClient, token_for

pytestmark = pytest.mark.django_db


def test_opting_in_records_the_wording_version_time_and_a_hash_of_the_ip(client, member):
    client.force_login(member)

    response = client.post(reverse("privacy:consent"), {"granted": "on"}, REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 302
    consent = Consent.objects.get(member=member)
    assert consent.granted
    assert consent.purpose == ConsentPurpose.MARKETING_EMAIL
    assert consent.wording == services.marketing_email_wording()
    assert consent.wording_version == services.MARKETING_EMAIL_WORDING_VERSION
    assert timezone.now() - consent.recorded_at < timedelta(minutes=1)
    assert consent.ip_hash == hash_ip("203.0.113.9")
    assert "203.0.113.9" not in consent.ip_hash
    assert has_consent(member=member, purpose=ConsentPurpose.MARKETING_EMAIL)


def test_withdrawing_adds_a_record_and_keeps_the_history(client, member):
    client.force_login(member)
    client.post(reverse("privacy:consent"), {"granted": "on"})
    client.post(reverse("privacy:consent"), {})
    client.post(reverse("privacy:consent"), {})  # unchanged: no new row

    decisions = list(Consent.objects.filter(member=member).order_by("recorded_at", "pk"))
    assert [consent.granted for consent in decisions] == [True, False]
    assert not has_consent(member=member, purpose=ConsentPurpose.MARKETING_EMAIL)


def test_no_record_means_no_marketing_consent(member):
    assert not has_consent(member=member, purpose=ConsentPurpose.MARKETING_EMAIL)


def test_the_api_shows_and_records_marketing_consent(member, other_member):
    api = ApiClient(token=token_for(member))

    before = api.get("/privacy/consents").json()
    assert before[0]["granted"] is False and before[0]["recorded_at"] is None
    saved = api.request("PUT", "/privacy/consents/marketing_email", {"granted": True})

    assert saved.status_code == 200
    assert saved.json()["granted"] is True
    assert api.get("/privacy/consents").json()[0]["granted"] is True
    other = ApiClient(token=token_for(other_member)).get("/privacy/consents").json()
    assert other[0]["granted"] is False


def test_retention_clears_old_ip_hashes_but_keeps_the_decision(settings, member):
    settings.FLYWHEEL_RETENTION_DAYS = 30
    old = services.set_marketing_email_consent(member=member, granted=True, ip_address="1.2.3.4")
    Consent.objects.filter(pk=old.pk).update(recorded_at=timezone.now() - timedelta(days=31))
    recent = services.set_marketing_email_consent(
        member=member, granted=False, ip_address="5.6.7.8"
    )

    counts = apply_retention_policy()

    old.refresh_from_db()
    recent.refresh_from_db()
    assert counts["consent_ip_hashes"] == 1
    assert old.ip_hash == "" and old.granted
    assert recent.ip_hash == hash_ip("5.6.7.8")


def test_retention_deletes_old_read_notifications_only(settings, member):
    settings.FLYWHEEL_RETENTION_DAYS = 30
    long_ago = timezone.now() - timedelta(days=40)
    old_read = Notification.objects.create(
        recipient=member, kind=NotificationKind.NEW_FOLLOWER, created_at=long_ago, read_at=long_ago
    )
    old_unread = Notification.objects.create(
        recipient=member, kind=NotificationKind.NEW_FOLLOWER, created_at=long_ago
    )

    apply_retention_policy()

    assert not Notification.objects.filter(pk=old_read.pk).exists()
    assert Notification.objects.filter(pk=old_unread.pk).exists()


def test_retention_deletes_expired_export_files(member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = services.request_data_export(member=member)
    export.refresh_from_db()
    stored = Path(settings.FLYWHEEL_PRIVATE_ROOT) / export.file_name
    assert stored.exists()

    apply_retention_policy(now=timezone.now() + timedelta(days=8))

    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED
    assert not stored.exists()
    assert DataExport.objects.filter(member=member).count() == 1


def test_the_retention_task_is_scheduled_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-retention"]
    assert entry["task"] == "flywheel.privacy.tasks.apply_retention_policy"
    assert entry["schedule"] == 60 * 60 * 24
