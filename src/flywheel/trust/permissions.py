"""What a member's trust level lets them do. community.services calls the check_* functions;
moderation uses flag_weight; wiki editing will ask can_edit_wiki.

The brand team (and superusers) always have the top level's privileges.
"""

import math
import re
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from flywheel.core.exceptions import InvalidInput, RateLimited
from flywheel.core.markup import render_markdown
from flywheel.trust.models import TrustLevel
from flywheel.trust.queries import privileges_for

# In rendered posts: links other than @mentions (class="mention"), and images.
LINK_TAG = re.compile(r"<a\s(?![^>]*class=\"mention\")[^>]*>", re.IGNORECASE)
IMAGE_TAG = re.compile(r"<img\b", re.IGNORECASE)
POSTING_DAY = timedelta(days=1)


def _level_name(privileges) -> str:
    return str(TrustLevel(privileges.level).label)


def count_links_and_images(body: str) -> tuple[int, int]:
    html = render_markdown(body or "")
    return len(LINK_TAG.findall(html)), len(IMAGE_TAG.findall(html))


def check_post_attempt(attempt) -> None:
    """hooks.posting_checks: links and images by level on every post and edit; the daily
    allowance on new topics and replies (not on imports and the demo replaying history)."""
    check_post_content_allowed(attempt.author, attempt.body)
    if attempt.action != "edit" and attempt.enforce_rate_limit:
        check_daily_post_limit(attempt.author)


def check_post_content_allowed(member, body: str) -> None:
    """Refuse links past the level's allowance, and images below the level that allows them.

    Rendering finds links and images exactly as readers will see them; the member's level is
    only looked up when the post has a link or image at all.
    """
    links, images = count_links_and_images(body)
    if not links and not images:
        return
    privileges = privileges_for(member)
    if privileges is None:
        return
    if images and not privileges.images_allowed:
        raise InvalidInput(
            _(
                "Members at trust level “%(level)s” cannot add images to posts yet. Remove the "
                "image from the body; you can add images once you have spent a little more time "
                "in the community."
            )
            % {"level": _level_name(privileges)},
            field="body",
        )
    allowed = privileges.max_links_per_post
    if allowed is not None and links > allowed:
        raise InvalidInput(
            ngettext(
                "Members at trust level “%(level)s” can put at most %(allowed)d link in a post; "
                "the body has %(found)d. Remove some links and post again.",
                "Members at trust level “%(level)s” can put at most %(allowed)d links in a post; "
                "the body has %(found)d. Remove some links and post again.",
                allowed,
            )
            % {"level": _level_name(privileges), "allowed": allowed, "found": links},
            field="body",
        )


def check_daily_post_limit(member, *, now=None) -> None:
    """Topics and replies in the last 24 hours may not exceed the level's daily allowance."""
    from flywheel.community.models import Post

    privileges = privileges_for(member)
    if privileges is None or privileges.daily_post_limit is None:
        return
    limit = privileges.daily_post_limit
    now = now or timezone.now()
    recent = list(
        Post.objects.filter(author=member, created_at__gt=now - POSTING_DAY)
        .order_by("created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return
    retry_after = max(1, math.ceil((recent[0] + POSTING_DAY - now).total_seconds()))
    hours = max(1, math.ceil(retry_after / 3600))
    raise RateLimited(
        ngettext(
            "Members at trust level “%(level)s” can write %(limit)d posts a day, and you have "
            "reached that. You can post again in about %(hours)d hour.",
            "Members at trust level “%(level)s” can write %(limit)d posts a day, and you have "
            "reached that. You can post again in about %(hours)d hours.",
            hours,
        )
        % {"level": _level_name(privileges), "limit": limit, "hours": hours},
        retry_after=retry_after,
    )


def flag_weight(member) -> Decimal:
    """How much one flag by this member counts (moderation sums weights against a threshold)."""
    privileges = privileges_for(member)
    return privileges.flag_weight if privileges is not None else Decimal("1")


def can_edit_wiki(member) -> bool:
    if not getattr(member, "is_authenticated", False):
        return False
    privileges = privileges_for(member)
    return bool(privileges and privileges.can_edit_wiki)
