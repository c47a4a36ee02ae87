"""What a topic page tells search engines: canonical address, Open Graph tags and schema.org
JSON-LD (QAPage for questions, DiscussionForumPosting for discussions).

Only for topics an anonymous visitor may read (permissions.filter_topics_queryset, the one
home of visibility rules); any other topic page gets ``noindex`` and nothing else, so a
members-only or gated title never reaches a crawler or a link preview. The tags are part of
the rendered page, so the signed-out page cache (keyed by the topic's version) refreshes them
with everything else.
"""

import html
import json
import re

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from flywheel.community import permissions
from flywheel.community.models import Post, Topic, TopicKind

DESCRIPTION_CHARS = 200
TEXT_CHARS = 5000
SUGGESTED_ANSWERS = 3
WHITESPACE = re.compile(r"\s+")
# As django.utils.html.json_script: "</script>" in a title cannot end the element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def plain_text(post: Post, limit: int = TEXT_CHARS) -> str:
    text = WHITESPACE.sub(" ", html.unescape(strip_tags(post.body_html or post.body))).strip()
    return Truncator(text).chars(limit)


def is_public(topic: Topic) -> bool:
    queryset = Topic.objects.filter(pk=topic.pk)
    return permissions.filter_topics_queryset(AnonymousUser(), queryset).exists()


def json_ld(data: dict) -> SafeString:
    text = json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


def _person(post: Post) -> dict:
    # A deleted account keeps its posts under a neutral name (community/_author.html).
    name = post.author.name if post.author_id and post.author else _("Former member")
    return {"@type": "Person", "name": name}


def _answer(post: Post, url: str) -> dict:
    return {
        "@type": "Answer",
        "text": plain_text(post),
        "dateCreated": post.created_at.isoformat(),
        "upvoteCount": post.reaction_count,
        "url": absolute_url(url),
        "author": _person(post),
    }


def topic_json_ld(topic: Topic, *, opening: Post, accepted: Post | None, others: list[Post]):
    url = absolute_url(topic.get_absolute_url())
    if topic.kind == TopicKind.QUESTION:
        question = {
            "@type": "Question",
            "name": topic.title,
            "text": plain_text(opening) or topic.title,
            "answerCount": topic.reply_count,
            "dateCreated": topic.created_at.isoformat(),
            "author": _person(opening),
            "url": url,
        }
        if accepted is not None:
            question["acceptedAnswer"] = _answer(accepted, _post_path(accepted))
        suggested = [post for post in others if accepted is None or post.pk != accepted.pk]
        if suggested:
            question["suggestedAnswer"] = [
                _answer(post, _post_path(post)) for post in suggested[:SUGGESTED_ANSWERS]
            ]
        return {"@context": "https://schema.org", "@type": "QAPage", "mainEntity": question}
    return {
        "@context": "https://schema.org",
        "@type": "DiscussionForumPosting",
        "headline": topic.title,
        "text": plain_text(opening) or topic.title,
        "url": url,
        "datePublished": topic.created_at.isoformat(),
        "dateModified": topic.last_posted_at.isoformat(),
        "author": _person(opening),
        "commentCount": topic.reply_count,
        "interactionStatistic": {
            "@type": "InteractionCounter",
            "interactionType": "https://schema.org/CommentAction",
            "userInteractionCount": topic.reply_count,
        },
    }


def _post_path(post: Post) -> str:
    return reverse("community:post", kwargs={"post_id": post.pk})


def topic_head(topic: Topic, *, page_number: int, opening, accepted, replies) -> dict:
    """Context for the topic template's head block. opening/accepted/replies are the page's
    entries (views._topic_context): a held or deleted post is left out of the markup."""
    if not is_public(topic):
        return {"noindex": True}

    def shown(item) -> Post | None:
        if item is None or item["held_marker"] or item["post"].is_deleted:
            return None
        return item["post"]

    path = topic.get_absolute_url()
    canonical = absolute_url(path if page_number == 1 else f"{path}?page={page_number}")
    opening_post = shown(opening)
    head = {
        "noindex": False,
        "canonical": canonical,
        "og_title": topic.title,
        "og_description": plain_text(opening_post, DESCRIPTION_CHARS) if opening_post else "",
    }
    if opening_post is not None:
        others = [post for post in map(shown, replies) if post is not None]
        head["json_ld"] = json_ld(
            topic_json_ld(topic, opening=opening_post, accepted=shown(accepted), others=others)
        )
    return head
