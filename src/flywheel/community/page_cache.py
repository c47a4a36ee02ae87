"""Whole-page cache for topic pages as signed-out visitors see them.

Most traffic to a community is signed-out readers arriving from search engines, and a topic
page for them is the same for everyone in a language. Rendering it costs ~12 ms of CPU for
50 posts; serving it from the cache costs one query (the topic, for the access check) plus a
cache read. The key holds the topic's version, which every write that changes the page bumps
(community.services), so a new reply or reaction shows at once. The per-visitor CSRF token is
swapped in on the way out.
"""

import re

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from flywheel.community.models import Space, Topic, Visibility

CSRF_PLACEHOLDER = "__flywheel_csrf_token__"
CSRF_IN_PAGE = re.compile(r'"X-CSRFToken": "([A-Za-z0-9]+)"')
CACHE_SECONDS = 300
PRESERVED_BLOCKS = re.compile(
    r"(<pre\b.*?</pre>|<textarea\b.*?</textarea>)", re.DOTALL | re.IGNORECASE
)
LINE_INDENTATION = re.compile(r"\n[ \t]+")


HOME_KEY = "home"


def topic_key(topic_id: int) -> str:
    """Surrogate key of a topic's pages, for a CDN or caching proxy (core/edge_cache.py)."""
    return f"topic-{topic_id}"


def space_key(space_id: int) -> str:
    """Surrogate key of a space's topic lists."""
    return f"space-{space_id}"


def compact_html(html: str) -> str:
    """Drop template indentation (a seventh of a topic page) outside <pre> and <textarea>."""
    parts = PRESERVED_BLOCKS.split(html)
    return "".join(
        part if index % 2 else LINE_INDENTATION.sub("\n", part) for index, part in enumerate(parts)
    )


def can_use_cache(request: HttpRequest) -> bool:
    """Only for the anonymous page with nothing personal in it (no session, no messages)."""
    if request.method != "GET" or request.user.is_authenticated:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    return set(request.GET) <= {"page"}


def cache_key(*, topic_id: int, version: int, request: HttpRequest) -> str:
    page = request.GET.get("page", "1")
    page = page if page.isdigit() else "1"
    return f"topic-page:{topic_id}:{version}:{get_language()}:{page}"


def public_topic_slug_and_version(topic_id: int) -> tuple[str, int] | None:
    """(slug, version) of a listed topic in a public space, else None.

    Plain SQL on purpose: this runs on every cached hit, and building the equivalent ORM query
    costs about 0.3 ms of CPU, as much as the rest of the hit put together (bench/profile.py).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.slug, t.version FROM {Topic._meta.db_table} t "  # noqa: S608
            f"JOIN {Space._meta.db_table} s ON s.id = t.space_id "
            "WHERE t.id = %s AND t.deleted_at IS NULL AND s.visibility = %s",
            [topic_id, Visibility.PUBLIC.value],
        )
        return cursor.fetchone()


def cached_public_page(request: HttpRequest, *, topic_id: int, slug: str) -> HttpResponse | None:
    """The cached page of a listed topic in a public space, if there is one for its version.

    One narrow query answers both "may anyone read it?" and "which version is current?";
    anything else (a locked space, a renamed slug, a miss) falls through to the full view.
    """
    row = public_topic_slug_and_version(topic_id)
    if row is None or (row[0] or "-") != slug:
        return None
    html = cache.get(cache_key(topic_id=topic_id, version=row[1], request=request))
    if html is None:
        return None
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))


def store(key: str, response: HttpResponse) -> None:
    if response.status_code != 200:
        return
    html = response.content.decode()
    match = CSRF_IN_PAGE.search(html)
    if match is None:
        return
    page = compact_html(html.replace(match.group(1), CSRF_PLACEHOLDER))
    cache.set(key, page, CACHE_SECONDS)
