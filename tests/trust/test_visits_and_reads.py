"""Visit and reading tracking: cheap enough to run on every request."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from flywheel.trust.middleware import MemberVisitMiddleware
from flywheel.trust.models import MemberVisit, TopicRead
from tests.factories import make_reply, make_topic

pytestmark = pytest.mark.django_db


def run_middleware(user):
    request = RequestFactory().get("/")
    request.user = user
    return MemberVisitMiddleware(lambda request: HttpResponse("ok"))(request)


def test_a_signed_out_request_costs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        run_middleware(AnonymousUser())
    assert not MemberVisit.objects.exists()


def test_a_members_first_request_of_the_day_writes_one_visit_in_one_query(
    member, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_assert_num_queries(1):
        with django_capture_on_commit_callbacks(execute=True):
            run_middleware(member)
    assert MemberVisit.objects.filter(member=member).count() == 1


def test_later_requests_the_same_day_write_nothing(
    member, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        run_middleware(member)
    with django_assert_num_queries(0):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            run_middleware(member)
            run_middleware(member)
    assert callbacks == []
    assert MemberVisit.objects.filter(member=member).count() == 1


def test_a_lost_cache_only_repeats_a_harmless_write(member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run_middleware(member)
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run_middleware(member)
    assert MemberVisit.objects.filter(member=member).count() == 1


def test_visiting_pages_through_the_site_counts_the_day(
    client, member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("community:home"))
        client.get(reverse("community:spaces"))
    assert MemberVisit.objects.filter(member=member).count() == 1


def test_opening_a_topic_page_remembers_how_far_the_member_read(client, member, other_member):
    topic = make_topic(author=other_member)
    for _ in range(3):
        make_reply(topic=topic, author=other_member)
    client.force_login(member)
    client.get(topic.get_absolute_url())
    read = TopicRead.objects.get(member=member, topic=topic)
    assert read.last_post_number == 4


def test_rereading_an_earlier_page_does_not_lower_the_mark(client, member, other_member, settings):
    from flywheel.community import views

    topic = make_topic(author=other_member)
    for _ in range(4):
        make_reply(topic=topic, author=other_member)
    client.force_login(member)
    original = views.POSTS_PER_PAGE
    views.POSTS_PER_PAGE = 2
    try:
        client.get(topic.get_absolute_url(), {"page": 3})
        client.get(topic.get_absolute_url(), {"page": 1})
    finally:
        views.POSTS_PER_PAGE = original
    assert TopicRead.objects.get(member=member, topic=topic).last_post_number == 5


def test_signed_out_readers_leave_no_read_marks(client, other_member):
    topic = make_topic(author=other_member)
    client.get(topic.get_absolute_url())
    client.get(topic.get_absolute_url())  # the cached page
    assert not TopicRead.objects.exists()


def test_a_reread_with_nothing_new_costs_no_query(client, member, other_member):
    topic = make_topic(author=other_member)
    client.force_login(member)
    client.get(topic.get_absolute_url())
    with CaptureQueriesContext(connection) as first:
        client.get(topic.get_absolute_url())
    assert not any("trust_topicread" in query["sql"] for query in first.captured_queries)
