"""Names for cached community pages, and the HTML compaction their cached parts share.

Whole pages are cached by core.member_cache: a signed-out visitor's topic, space and home
pages (one identity for everyone without a session) and a signed-in member's (one per
session), both under the global write generation, so any write shows on the next request.
This module holds what the rest of the community shares about them: the surrogate keys a
CDN or caching proxy purges by (core/edge_cache.py), and `compact_html` with the CSRF
placeholder, used by the post and topic-row fragments (fragments.py).

(Signed-out topic pages used to have a cache of their own here, keyed by the topic's
version: it cost a query and the whole middleware stack per hit, and missed writes that bump
no version, a raw SQL update or an author's new name. core.member_cache replaced it.)
"""

import re

CSRF_PLACEHOLDER = "__flywheel_csrf_token__"
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
