import re

import pytest
from django.contrib.sites.models import Site
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from flywheel.community import services
from tests.factories import make_reply, make_topic

pytestmark = pytest.mark.django_db

TOKEN_IN_FORM = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


def count_queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_a_signed_out_reader_sees_a_new_reply_at_once_despite_the_page_cache(member):
    Site.objects.get_current()
    topic = make_topic(author=member)
    url = topic.get_absolute_url()
    first_count, _html = count_queries(Client(), url)
    cached_count, _html = count_queries(Client(), url)
    assert cached_count < first_count

    make_reply(topic=topic, author=member, body="Fresh beta on the north face")
    _count, html = count_queries(Client(), url)
    assert "Fresh beta on the north face" in html


def test_a_reaction_retires_the_cached_page(member, other_member):
    topic = make_topic(author=member)
    url = topic.get_absolute_url()
    Client().get(url)
    services.toggle_reaction(member=other_member, post=topic.posts.get(number=1), kind="like")
    html = Client().get(url).content.decode()
    assert '<span class="fw-reaction-count">1</span>' in html


def test_each_visitor_of_a_cached_page_gets_a_csrf_token_that_works_for_them(member):
    topic = make_topic(author=member)
    url = topic.get_absolute_url()
    Client().get(url)  # fills the cache with the first visitor's token swapped out

    visitor = Client(enforce_csrf_checks=True)
    html = visitor.get(url).content.decode()
    assert "__flywheel_csrf_token__" not in html
    token = TOKEN_IN_FORM.search(html).group(1)
    response = visitor.post(
        reverse("accounts:set_language"),
        {"language": "it", "next": url, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def test_signed_in_members_never_get_the_anonymous_page(member, other_member, client):
    topic = make_topic(author=member)
    url = topic.get_absolute_url()
    Client().get(url)
    client.force_login(other_member)
    html = client.get(url).content.decode()
    assert 'name="body"' in html  # the reply form only members see


def test_compacting_a_cached_page_keeps_code_blocks_exactly():
    from flywheel.community.page_cache import compact_html

    html = "<div>\n    <p>hi</p>\n  <pre><code>def f():\n    return 1\n</code></pre>\n  </div>"
    assert compact_html(html) == (
        "<div>\n<p>hi</p>\n<pre><code>def f():\n    return 1\n</code></pre>\n</div>"
    )
