"""A member downloads everything we hold about them, from a private URL only they can use."""

import io
import json
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from flywheel.accounts.services import create_access_token, update_profile
from flywheel.community import services as community
from flywheel.notifications.models import Notification
from flywheel.privacy import registry
from flywheel.privacy.models import DataExport, ExportStatus
from tests.factories import UserFactory, make_reply, make_topic
from tests.privacy.conftest import avatar_upload

pytestmark = pytest.mark.django_db


def _give_member_some_history(member, other_member, space):
    update_profile(
        member=member,
        display_name="Anna Privacy",
        handle=member.handle,
        bio="I climb.",
        language="en",
        timezone_name="UTC",
        digest_enabled=True,
        mention_emails_enabled=True,
        avatar=avatar_upload(),
    )
    topic = make_topic(space=space, author=member, title="My tent question", body="Opening words")
    theirs = make_topic(space=space, author=other_member, title="Their topic", body="Hello")
    reply = make_reply(topic=theirs, author=member, body="My private reply body")
    community.toggle_reaction(member=member, post=theirs.posts.get(number=1), kind="heart")
    community.follow(follower=member, member=other_member)
    make_reply(topic=topic, author=other_member, body="A reply to Anna")
    create_access_token(user=member, name="Shop sync")
    return topic, reply


def _request_export(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("privacy:request_export"))


def _zip_from(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_member_gets_an_email_whose_link_downloads_a_zip_of_all_their_data(
    client, member, other_member, space, django_capture_on_commit_callbacks
):
    topic, reply = _give_member_some_history(member, other_member, space)
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=True):
        # Notifications reach the member through the activity consumers after commit.
        make_reply(topic=topic, author=UserFactory(), body="Another reply")
    response = _request_export(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    path = re.search(r"http://127\.0\.0\.1:8000(/\S+)", mail.outbox[0].body).group(1)
    download = client.get(path)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert "attachment" in download["Content-Disposition"]
    assert "no-store" in download["Cache-Control"]
    archive = _zip_from(download)
    data = json.loads(archive.read("data.json"))
    assert data["profile"]["email"] == member.email
    assert data["profile"]["display_name"] == "Anna Privacy"
    assert data["profile"]["avatar"].startswith("files/profile/avatar")
    assert data["profile"]["avatar"] in archive.namelist()
    assert data["email_addresses"] == [] or all("email" in row for row in data["email_addresses"])
    assert [row["title"] for row in data["topics"]] == ["My tent question"]
    assert "My private reply body" in [row["body"] for row in data["posts"]]
    assert data["reactions"][0]["kind"] == "heart"
    followed_members = [row["handle"] for row in data["follows"] if row["type"] == "member"]
    assert followed_members == [other_member.handle]
    assert data["notifications"], "replies to the member's topic notify them"
    assert {row["verb"] for row in data["activity"]} >= {"topic_created", "reply_created"}
    assert data["spaces"]["memberships"][0]["space"] == space.slug
    token = data["access_tokens"][0]
    assert token["name"] == "Shop sync" and token["prefix"].startswith("fw_")
    assert "token_hash" not in token
    assert "token_hash" not in json.dumps(data)


def test_the_export_file_lives_outside_media_root(
    client, member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    _request_export(client, django_capture_on_commit_callbacks)

    export = DataExport.objects.get(member=member)
    stored = Path(settings.FLYWHEEL_PRIVATE_ROOT) / export.file_name
    assert export.status == ExportStatus.READY
    assert stored.exists()
    assert Path(settings.MEDIA_ROOT) not in stored.parents
    assert export.expires_at - export.ready_at == timedelta(days=7)


def test_another_member_cannot_download_my_export(
    client, member, other_member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    _request_export(client, django_capture_on_commit_callbacks)
    export = DataExport.objects.get(member=member)
    url = reverse("privacy:download_export", args=[export.pk])

    client.force_login(other_member)
    assert client.get(url).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_expired_export_cannot_be_downloaded(client, member, django_capture_on_commit_callbacks):
    client.force_login(member)
    _request_export(client, django_capture_on_commit_callbacks)
    export = DataExport.objects.get(member=member)
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert client.get(reverse("privacy:download_export", args=[export.pk])).status_code == 404


def test_a_second_request_while_one_is_being_prepared_is_refused(client, member):
    client.force_login(member)
    client.post(reverse("privacy:request_export"))  # not built: on_commit is not run here

    response = client.post(reverse("privacy:request_export"), follow=True)

    assert DataExport.objects.filter(member=member).count() == 1
    assert "already being prepared" in response.content.decode()


def test_an_app_registered_exporter_adds_its_section(
    client, member, django_capture_on_commit_callbacks
):
    registry.register_exporter("orders", lambda who: [{"order": "#1001", "member": who.pk}])
    try:
        client.force_login(member)
        _request_export(client, django_capture_on_commit_callbacks)
    finally:
        registry.unregister("orders")
    export = DataExport.objects.get(member=member)
    response = client.get(reverse("privacy:download_export", args=[export.pk]))

    data = json.loads(_zip_from(response).read("data.json"))
    assert data["orders"] == [{"order": "#1001", "member": member.pk}]


def test_the_api_requests_lists_and_downloads_my_export(
    api_for, member, other_member, django_capture_on_commit_callbacks
):
    api = api_for(member)
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/privacy/exports")
    assert created.status_code == 202
    listed = api.get("/privacy/exports").json()["items"]
    assert listed[0]["status"] == "ready"
    download_url = listed[0]["download_url"]
    assert download_url.startswith("/api/v1/privacy/exports/")

    mine = api.client.get(download_url, headers={"Authorization": f"Bearer {api.token}"})
    assert mine.status_code == 200
    assert "data.json" in _zip_from(mine).namelist()
    theirs = api_for(other_member)
    stolen = theirs.client.get(download_url, headers={"Authorization": f"Bearer {theirs.token}"})
    assert stolen.status_code == 404
    assert theirs.get("/privacy/exports").json()["items"] == []


def test_the_privacy_page_lists_a_ready_export_with_its_download_link(
    client, member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    _request_export(client, django_capture_on_commit_callbacks)
    export = DataExport.objects.get(member=member)

    page = client.get(reverse("privacy:settings")).content.decode()

    assert reverse("privacy:download_export", args=[export.pk]) in page


def test_notifications_survive_in_the_export_without_other_members_private_data(
    client, member, other_member, space, django_capture_on_commit_callbacks
):
    topic = make_topic(space=space, author=member)
    with django_capture_on_commit_callbacks(execute=True):
        make_reply(topic=topic, author=other_member, body="Reply")
    assert Notification.objects.filter(recipient=member).exists()
    client.force_login(member)
    _request_export(client, django_capture_on_commit_callbacks)
    export = DataExport.objects.get(member=member)
    data = json.loads(
        _zip_from(client.get(reverse("privacy:download_export", args=[export.pk]))).read(
            "data.json"
        )
    )

    assert data["notifications"][0]["actor"] == other_member.handle
    assert other_member.email not in json.dumps(data)


def _exports(member, count):
    now = timezone.now()
    DataExport.objects.bulk_create(
        DataExport(
            member=member,
            status=ExportStatus.READY if index % 2 else ExportStatus.EXPIRED,
            file_name=f"exports/x{index}.zip",
            requested_at=now - timedelta(minutes=index),
            ready_at=now,
            expires_at=now + timedelta(days=7),
        )
        for index in range(count)
    )


@pytest.mark.parametrize("count", [5, 50])
def test_the_privacy_page_queries_stay_flat(client, member, count, django_assert_num_queries):
    _exports(member, count)
    client.force_login(member)
    client.get(reverse("privacy:settings"))  # warm the session and per-request caches

    with django_assert_num_queries(4):
        assert client.get(reverse("privacy:settings")).status_code == 200


@pytest.mark.parametrize("count", [5, 50])
def test_the_export_list_api_queries_stay_flat(api_for, member, count, django_assert_num_queries):
    _exports(member, count)
    api = api_for(member)

    with django_assert_num_queries(3):
        items = api.get("/privacy/exports").json()["items"]
    assert len(items) == min(count, 20)
    assert sum(1 for item in items if item["download_url"]) == len(items) // 2
