"""Rendered posts cached as fragments, shared by every viewer who would see the same HTML.

A signed-in member's topic page cannot come from the whole-page cache (page_cache.py): it shows
their own reactions, their edit buttons, the accept button. But almost all of a post's HTML is
the same for every member, and for one member most posts look like they do to any other
member. So each post is cached under a key made of

- the topic's version, which every service that changes what the page shows bumps (new reply,
  edit, delete, reaction, accept, moderation state, flags): a change is visible on the next
  request without anyone deleting a key;
- a digest of what this viewer's copy depends on: which reactions are theirs, which buttons
  they get (edit, delete, accept, quote, flag, react), the post's held marker, whether it is
  the accepted answer, and the author's name, picture and badges (profile edits bump no
  version, so they are in the digest instead);
- the post's own row as shown (number, time, body), so a change that bumps no version (an
  UPDATE outside the services) still gives a new key on the page's next render;
- the language.

Two members whose copies would be identical share the entry; two whose copies differ in any
way get different entries, so nothing one viewer may see or do reaches another. The entry
holds no CSRF token (a placeholder, swapped for the viewer's own on the way out) and nothing
else that names the viewer. Which posts a viewer gets is decided before the cache is asked
(queries.posts_for_topic through permissions), so a held or hidden post is never served from
here to someone who may not see it: the cache is only ever asked for posts the viewer may see.
"""

import hashlib

from django.core.cache import cache
from django.template.loader import get_template
from django.utils.translation import get_language

from flywheel.community.page_cache import CSRF_PLACEHOLDER, compact_html

FRAGMENT_SECONDS = 600
POST_TEMPLATE = "community/_post.html"


def author_stamp(author) -> tuple:
    """What a page or API item shows of a member (so a profile change gives a new key)."""
    if author is None:
        return ()
    grants = getattr(author, "displayed_badge_grants", None) or ()
    return (
        author.pk,
        author.name,
        getattr(author, "handle", ""),
        str(author.avatar) if getattr(author, "avatar", None) else "",
        bool(getattr(author, "is_brand_team", False)),
        tuple(getattr(grant, "pk", grant) for grant in grants),
    )


def post_key(item: dict, *, topic, can_reply: bool, brand_name: str = "") -> str:
    """The cache key of one post as this viewer sees it (see the module's docstring)."""
    post = item["post"]
    reply_to = post.reply_to if post.reply_to_id else None
    viewer_part = (
        tuple((r["kind"], r["count"], r["mine"]) for r in item["reactions"] if r["count"]),
        item["can_react"],
        item["can_edit"],
        item["can_delete"],
        item["can_accept"],
        item["can_flag"],
        item["is_accepted"],
        item["author_is_moderator"],
        str(item["held_marker"]),
        can_reply,
        brand_name,
        post.edited_at.isoformat() if post.edited_at else "",
        post.deleted_at is not None,
        # The row itself, so a change no service made (QuerySet.update(), raw SQL, an admin
        # fix), which moves core.member_cache's generation but no topic version, shows too.
        post.number,
        post.created_at.isoformat() if post.created_at else "",
        post.body_html,
        author_stamp(post.author),
        # Set by a post_list_prefetches hook (commerce: bought the product the topic is about).
        getattr(post, "author_verified_buyer", False),
        (reply_to.number, reply_to.is_deleted, author_stamp(reply_to.author))
        if reply_to is not None
        else (),
    )
    digest = hashlib.blake2b(repr(viewer_part).encode(), digest_size=12).hexdigest()
    return f"post-fragment:{post.pk}:{topic.version}:{get_language()}:{digest}"


def render_posts(
    items: list[dict], *, topic, can_reply: bool, csrf_token: str, brand_name: str
) -> None:
    """Sets item["html"] on each item: from the cache where it is, rendered (and stored) where
    it is not. One cache round trip for the lookups and at most one for the stores."""
    if not items:
        return
    keys = [
        post_key(item, topic=topic, can_reply=can_reply, brand_name=brand_name) for item in items
    ]
    found = cache.get_many(keys)
    missing = {}
    template = None
    for key, item in zip(keys, items, strict=True):
        html = found.get(key)
        if html is None:
            template = template or get_template(POST_TEMPLATE)
            html = compact_html(
                template.render(
                    {
                        "item": item,
                        "topic": topic,
                        "can_reply": can_reply,
                        "csrf_token": CSRF_PLACEHOLDER,
                        "brand_name": brand_name,
                    }
                )
            )
            missing[key] = html
        item["html"] = html.replace(CSRF_PLACEHOLDER, csrf_token)
    if missing:
        cache.set_many(missing, FRAGMENT_SECONDS)


TOPIC_ROW_TEMPLATE = "community/_topic_row.html"


def topic_row_key(topic, *, show_space: bool) -> str:
    """A topic list row is the same for every viewer who may see it (lists only hold topics
    the viewer may read: queries.topics_for_listing). Everything the row shows is in the
    digest, the relative age ("3 hours ago") included, so the row changes when it would."""
    from flywheel.community.templatetags.flywheel_ui import since

    space = topic.space if show_space else None
    shown = (
        topic.title,
        topic.slug,
        topic.kind,
        topic.is_pinned,
        topic.is_closed,
        topic.accepted_answer_id,
        topic.reply_count,
        topic.reaction_count,
        since(topic.last_posted_at),
        topic.last_posted_at.isoformat() if topic.last_posted_at else "",
        author_stamp(topic.author),
        author_stamp(topic.last_poster),
        tuple((tag.pk, tag.name, tag.slug) for tag in topic.tags.all()),
        (space.pk, space.slug, space.name, space.icon) if space is not None else (),
    )
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=12).hexdigest()
    return f"topic-row:{topic.pk}:{topic.version}:{get_language()}:{digest}"


def render_topic_rows(topics: list, *, show_space: bool) -> list[str]:
    """The rows' HTML in order: cached ones from one get_many, the rest rendered and stored."""
    if not topics:
        return []
    keys = [topic_row_key(topic, show_space=show_space) for topic in topics]
    found = cache.get_many(keys)
    missing = {}
    rows = []
    template = None
    for key, topic in zip(keys, topics, strict=True):
        html = found.get(key)
        if html is None:
            template = template or get_template(TOPIC_ROW_TEMPLATE)
            html = compact_html(template.render({"topic": topic, "show_space": show_space}))
            missing[key] = html
        rows.append(html)
    if missing:
        cache.set_many(missing, FRAGMENT_SECONDS)
    return rows
