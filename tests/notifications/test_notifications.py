import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sites.models import Site
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from flywheel.community import services as community
from flywheel.notifications.models import Notification, NotificationKind
from flywheel.notifications.services import unread_count
from tests.factories import make_reply, make_topic

pytestmark = pytest.mark.django_db


def test_a_mention_in_a_reply_notifies_the_member_with_a_link_to_the_post(
    committed, member, other_member, space
):
    topic = make_topic(author=other_member, space=space)
    reply = committed(
        lambda: make_reply(topic=topic, author=other_member, body=f"Ask @{member.handle}")
    )
    notification = Notification.objects.get(recipient=member)
    assert notification.kind == NotificationKind.MENTION
    assert notification.get_absolute_url() == f"{topic.get_absolute_url()}#post-{reply.number}"


def test_the_navbar_bell_renders_nothing_for_anonymous_visitors():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    html = render_to_string("notifications/_bell.html", {"user": request.user}, request=request)
    assert html.strip() == ""


def test_the_navbar_bell_loads_itself_with_htmx_without_querying(member, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = member
    Site.objects.get_current()  # the brand context processor's (cached) read, not the bell's
    with django_assert_num_queries(0):
        html = render_to_string("notifications/_bell.html", {"user": member}, request=request)
    assert f'hx-get="{reverse("notifications:bell")}"' in html
    assert 'hx-trigger="load, notifications-changed from:body, bell-poll from:body"' in html


@pytest.mark.parametrize("name", ["notifications:list", "notifications:bell"])
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_htmx_poll_from_a_signed_out_tab_gets_no_content(client):
    response = client.get(reverse("notifications:bell"), headers={"HX-Request": "true"})
    assert response.status_code == 204


def test_the_bell_shows_the_unread_count_and_the_latest_eight(client, member, notify):
    notify(member, 3, read=True)
    unread = notify(member, 7)
    client.force_login(member)
    response = client.get(reverse("notifications:bell"), headers={"HX-Request": "true"})
    content = response.content.decode()
    assert 'data-unread-count="7"' in content
    assert content.count('class="dropdown-item text-wrap') == 8
    assert unread[-1].topic.title in content
    # After the first load it refreshes when told (live connection or the fallback poll);
    # it must not re-trigger itself on load.
    assert 'hx-trigger="notifications-changed from:body, bell-poll from:body"' in content


def test_the_bell_has_no_badge_when_everything_is_read(client, member, notify):
    notify(member, 2, read=True)
    client.force_login(member)
    response = client.get(reverse("notifications:bell"))
    assert b"data-unread-count" not in response.content


@pytest.mark.parametrize("count", [5, 50])
def test_the_bell_query_count_is_flat(client, member, notify, count, django_assert_num_queries):
    notify(member, count)
    client.force_login(member)
    Site.objects.get_current()  # the brand context processor's (cached) read
    # session, user, gate check list (notifications about spaces the member can no longer
    # read, or hidden topics, are left out: community.permissions), unread count, latest eight
    with django_assert_num_queries(5):
        response = client.get(reverse("notifications:bell"))
    assert response.status_code == 200


def test_the_list_page_shows_a_members_notifications_only(client, member, other_member, notify):
    mine = notify(member, 2)
    theirs = notify(other_member, 1)
    client.force_login(member)
    content = client.get(reverse("notifications:list")).content.decode()
    assert all(f"notification-{n.pk}" in content for n in mine)
    assert f"notification-{theirs[0].pk}" not in content
    assert f"{mine[0].topic.get_absolute_url()}#post-1" in content


def test_the_list_page_is_paginated(client, member, notify):
    notify(member, 25)
    client.force_login(member)
    first = client.get(reverse("notifications:list")).content.decode()
    second = client.get(reverse("notifications:list"), {"page": 2}).content.decode()
    assert len(re.findall(r'id="notification-\d', first)) == 20
    assert len(re.findall(r'id="notification-\d', second)) == 5
    assert client.get(reverse("notifications:list"), {"page": "nonsense"}).status_code == 200


@pytest.mark.parametrize("count", [5, 50])
def test_the_list_page_query_count_is_flat(
    client, member, notify, count, django_assert_num_queries
):
    notify(member, count)
    client.force_login(member)
    client.get(reverse("notifications:list"))  # warms per-process caches (the current Site)
    # session, user, gate check list (see the bell's budget), count, page of notifications
    with django_assert_num_queries(5):
        response = client.get(reverse("notifications:list"))
    assert response.status_code == 200


def test_notifications_about_deleted_topics_disappear(client, member, notify):
    (gone,) = notify(member, 1)
    community.delete_post(post=gone.post, by=gone.actor)
    client.force_login(member)
    assert (
        f"notification-{gone.pk}".encode() not in client.get(reverse("notifications:list")).content
    )
    assert unread_count(member) == 0


def test_marking_one_read_with_htmx_returns_the_updated_item(client, member, notify):
    first, second = notify(member, 2)
    client.force_login(member)
    response = client.post(
        reverse("notifications:mark_read", args=[first.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert b'data-unread="false"' in response.content
    assert response["HX-Trigger"] == "notifications-changed"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    assert unread_count(member) == 1


def test_marking_read_without_htmx_goes_back_to_the_list(client, member, notify):
    (notification,) = notify(member, 1)
    client.force_login(member)
    response = client.post(reverse("notifications:mark_read", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:list")


def test_a_member_cannot_mark_someone_elses_notification_read(client, member, other_member, notify):
    (theirs,) = notify(other_member, 1)
    client.force_login(member)
    response = client.post(reverse("notifications:mark_read", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_needs_a_post(client, member, notify):
    (notification,) = notify(member, 1)
    client.force_login(member)
    assert client.get(reverse("notifications:mark_read", args=[notification.pk])).status_code == 405
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405


def test_anonymous_visitors_cannot_mark_anything_read(client, member, notify):
    (notification,) = notify(member, 1)
    response = client.post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_clears_only_the_members_own(client, member, other_member, notify):
    notify(member, 3)
    notify(other_member, 2)
    client.force_login(member)
    response = client.post(reverse("notifications:mark_all_read"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b'id="notification-list"' in response.content
    assert b'data-unread="true"' not in response.content
    assert unread_count(member) == 0
    assert unread_count(other_member) == 2


def test_members_who_cannot_see_a_space_are_not_notified_of_mentions_there(committed, member):
    from flywheel.community.models import Visibility
    from tests.factories import ModeratorFactory, SpaceFactory

    gated = SpaceFactory(visibility=Visibility.GATED)
    staff = ModeratorFactory()
    committed(lambda: make_topic(author=staff, space=gated, body=f"Hi @{member.handle}"))
    assert not Notification.objects.filter(recipient=member).exists()


def test_replies_notify_the_topic_author_but_not_the_replier(committed, member, other_member):
    topic = make_topic(author=member)
    committed(lambda: make_reply(topic=topic, author=other_member))
    assert Notification.objects.filter(recipient=member, kind=NotificationKind.REPLY).count() == 1
    assert not Notification.objects.filter(recipient=other_member).exists()
