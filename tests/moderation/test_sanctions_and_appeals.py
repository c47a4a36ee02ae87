import csv
import io
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from flywheel.moderation import services
from flywheel.moderation.models import (
    ActionKind,
    Appeal,
    ModerationAction,
    ModerationNotice,
    Sanction,
)
from flywheel.notifications.models import Notification, NotificationKind
from tests.factories import make_topic
from tests.moderation.conftest import signed_in

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def in_days(days: int):
    return timezone.now() + timedelta(days=days)


def suspend(member, staff, *, days=3, kind="suspension"):
    return services.issue_sanction(
        member=member, kind=kind, reason="Repeated insults", by=staff, ends_at=in_days(days)
    )


def test_a_warning_is_a_notice_with_its_reason(member, staff):
    services.issue_sanction(member=member, kind="warning", reason="Be kind to newcomers", by=staff)
    notice = ModerationNotice.objects.get(recipient=member)
    assert notice.reason == "Be kind to newcomers"
    assert Notification.objects.get(recipient=member).kind == NotificationKind.MOD_SANCTION
    make_topic(author=member)  # a warning does not stop posting


def test_a_silenced_member_cannot_post_until_the_silence_ends(member, space, staff):
    services.issue_sanction(
        member=member, kind="silence", reason="Cool down", by=staff, ends_at=in_days(1)
    )
    response = signed_in(member).post(
        reverse("community:new_topic", kwargs={"slug": space.slug}),
        {"kind": "discussion", "title": "Still here", "body": "Hello"},
    )
    assert response.status_code == 403
    assert "silenced" in response.content.decode()
    Sanction.objects.update(starts_at=in_days(-3), ends_at=in_days(-1))
    make_topic(author=member, space=space)


def test_silence_and_suspension_need_an_end_in_the_future(member, staff):
    from flywheel.core.exceptions import InvalidInput

    with pytest.raises(InvalidInput) as missing:
        services.issue_sanction(member=member, kind="silence", reason="x", by=staff)
    assert missing.value.field == "ends_at"
    with pytest.raises(InvalidInput):
        services.issue_sanction(
            member=member, kind="suspension", reason="x", by=staff, ends_at=in_days(-1)
        )


def test_members_and_space_moderators_cannot_sanction(member, other_member, space_moderator):
    for by in (other_member, space_moderator):
        with pytest.raises(PermissionDenied):
            services.issue_sanction(member=member, kind="warning", reason="x", by=by)
        assert (
            signed_in(by)
            .get(reverse("moderation:member_sanctions", kwargs={"handle": member.handle}))
            .status_code
            == 403
        )


def test_a_suspended_member_cannot_sign_in_and_sees_why(client, member, staff):
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    suspend(member, staff)
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("moderation:blocked")
    page = client.get(reverse("moderation:blocked")).content.decode()
    assert "Repeated insults" in page
    assert not client.get(reverse("accounts:settings")).wsgi_request.user.is_authenticated


def test_a_banned_member_cannot_sign_in(client, member, staff):
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    services.issue_sanction(member=member, kind="ban", reason="Spam bot", by=staff)
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert response["Location"] == reverse("moderation:blocked")


def test_a_signed_in_member_is_signed_out_when_suspended(
    member, staff, django_capture_on_commit_callbacks
):
    client = signed_in(member)
    assert client.get(reverse("accounts:settings")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        suspend(member, staff)
    response = client.get(reverse("accounts:settings"))
    assert response.status_code == 302
    assert response["Location"] == reverse("moderation:blocked")
    follow = client.get(reverse("accounts:settings"))
    assert not follow.wsgi_request.user.is_authenticated


def test_a_member_can_sign_in_again_once_the_suspension_is_lifted(
    client, member, staff, admin_member, django_capture_on_commit_callbacks
):
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    with django_capture_on_commit_callbacks(execute=True):
        sanction = suspend(member, staff)
        services.revoke_sanction(sanction=sanction, by=admin_member, reason="Apologised")
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert response["Location"] != reverse("moderation:blocked")
    assert client.get(reverse("accounts:settings")).status_code == 200


def test_a_suspended_member_can_appeal_from_the_blocked_page(client, member, staff):
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    sanction = suspend(member, staff)
    client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    too_short = client.post(reverse("moderation:blocked"), {"text": "sorry"})
    assert too_short.status_code == 422
    client.post(reverse("moderation:blocked"), {"text": "I lost my temper and I apologise."})
    appeal = Appeal.objects.get()
    assert appeal.sanction == sanction and appeal.member == member
    again = client.post(reverse("moderation:blocked"), {"text": "Please, once more, sorry!"})
    assert again.status_code == 409
    assert Appeal.objects.count() == 1


def test_the_blocked_page_shows_nothing_without_a_refused_sign_in(client):
    assert client.get(reverse("moderation:blocked")).status_code == 404


def test_granting_an_appeal_lifts_the_sanction_and_tells_the_member(member, staff, admin_member):
    sanction = services.issue_sanction(
        member=member, kind="silence", reason="Cool down", by=staff, ends_at=in_days(2)
    )
    signed_in(member).post(
        reverse("moderation:appeal", kwargs={"sanction_id": sanction.pk}),
        {"text": "It was a misunderstanding about the tent."},
    )
    appeal = Appeal.objects.get()
    response = signed_in(admin_member).post(
        reverse("moderation:appeal_decide", kwargs={"appeal_id": appeal.pk}),
        {"decision": "grant", "reason": "Fair enough"},
    )
    assert response.status_code == 302
    sanction.refresh_from_db()
    assert sanction.revoked_at is not None
    assert Appeal.objects.get().state == "granted"
    assert ModerationNotice.objects.filter(recipient=member, reason="Fair enough").exists()
    make_topic(author=member)


def test_the_issuer_does_not_decide_an_appeal_and_members_cannot_decide_any(
    member, other_member, staff
):
    sanction = services.issue_sanction(member=member, kind="warning", reason="x", by=staff)
    appeal = services.submit_appeal(sanction=sanction, member=member, text="I disagree strongly.")
    with pytest.raises(PermissionDenied):
        services.decide_appeal(appeal=appeal, by=staff, grant=True, reason="Oops")
    response = signed_in(other_member).post(
        reverse("moderation:appeal_decide", kwargs={"appeal_id": appeal.pk}),
        {"decision": "grant", "reason": "Sure"},
    )
    assert response.status_code == 403
    assert Appeal.objects.get().state == "pending"


def test_members_cannot_appeal_someone_elses_sanction(member, other_member, staff):
    sanction = services.issue_sanction(member=member, kind="warning", reason="x", by=staff)
    response = signed_in(other_member).post(
        reverse("moderation:appeal", kwargs={"sanction_id": sanction.pk}),
        {"text": "Not mine but let me try"},
    )
    assert response.status_code == 404
    assert not Appeal.objects.exists()


def test_every_sanction_is_in_the_audit_log_with_before_and_after(member, staff):
    sanction = suspend(member, staff)
    row = ModerationAction.objects.get(action=ActionKind.SANCTION)
    assert row.actor == staff and row.target == member
    assert row.after["kind"] == "suspension" and row.after["sanction_id"] == sanction.pk


def test_the_audit_log_page_filters_and_is_for_the_brand_team_only(member, space_moderator, staff):
    services.issue_sanction(member=member, kind="warning", reason="Be nice", by=staff)
    url = reverse("moderation:audit")
    assert signed_in(member).get(url).status_code == 403
    assert signed_in(space_moderator).get(url).status_code == 403
    html = signed_in(staff).get(url, {"action": "sanction"}).content.decode()
    assert "Be nice" in html
    empty = signed_in(staff).get(url, {"action": "merge"}).content.decode()
    assert "Be nice" not in empty
    assert signed_in(staff).get(url, {"since": "not-a-date"}).status_code == 200


def test_the_csv_export_is_for_staff_and_neutralises_formulas(member, staff, space_moderator):
    services.issue_sanction(member=member, kind="warning", reason="=HYPERLINK(1)", by=staff)
    url = reverse("moderation:audit_export")
    assert signed_in(member).get(url).status_code == 403
    assert signed_in(space_moderator).get(url).status_code == 403
    assert Client().get(url).status_code == 302
    response = signed_in(staff).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["created_at", "actor", "action"]
    assert rows[1][1] == staff.handle and rows[1][2] == "sanction"
    assert rows[1][7] == "'=HYPERLINK(1)"
