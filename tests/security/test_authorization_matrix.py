"""Who may reach what: every URL pattern and every API operation, for five kinds of caller.

The tables below are the authorisation matrix. Adding a URL or an API operation without a
row here fails `test_every_url_pattern_is_in_the_matrix` / `test_every_api_operation_is_in
_the_matrix`: decide who may reach it, then add the row.

Outcomes: OK 200 · LOGIN redirect to sign-in · DENIED 403 or 404 (never the content) ·
NOT_FOUND 404 · NOT_ALLOWED 405 (wrong method) · REDIRECT any 302 · UNAUTHORISED 401 (API).
"""

import uuid
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from tests.security.conftest import World

pytestmark = pytest.mark.django_db

OK, LOGIN, DENIED, NOT_FOUND = "ok", "login", "denied", "not_found"
HIDDEN = "hidden"  # sign in first, or a 403/404: either way not the content
NOT_ALLOWED, REDIRECT, UNAUTHORISED = "not_allowed", "redirect", "unauthorised"
ROLES = ("anonymous", "member", "other", "moderator", "admin")

# Third-party URL trees, checked as a whole below rather than pattern by pattern.
DELEGATED_PREFIXES = {
    "admin/": "Django admin: staff only (test_only_staff_reach_the_admin)",
    "accounts/": "django-allauth sign-in, sign-up, e-mail and password pages",
    "api/v1/": "the JSON API: API_MATRIX, from the OpenAPI document",
    "i18n/": "Django's set_language view (POST; GET just redirects)",
    # Present only on the embedded default (SQLite, no proxy in front): uploaded files, which
    # are public by design (avatars); private files live under FLYWHEEL_PRIVATE_ROOT.
    "^media/": "public uploads (avatars) served as files on the embedded default",
}


def _calendar_item(world):
    """The admin's planned post in the public space (made on first use)."""
    from flywheel.programming.models import CalendarItem

    item = CalendarItem.objects.filter(author=world.admin).first()
    return item or CalendarItem.objects.create(
        author=world.admin,
        space=world.public_space,
        title="Planned post",
        body="Text",
        label="educational",
        scheduled_at=timezone.now(),
    )


def _challenge(world, which: str = "open"):
    """A challenge with no space, and one in the gated space (made on first use)."""
    from flywheel.challenges.models import Challenge

    space = world.gated_space if which == "gated" else None
    challenge = Challenge.objects.filter(space=space).first()
    if challenge is None:
        today = timezone.now()
        challenge = Challenge.objects.create(
            title=f"{which} challenge",
            space=space,
            starts_on=today.date(),
            ends_on=today.date(),
            target_check_ins=1,
            created_at=today,
            updated_at=today,
        )
    return challenge


def _opening(topic):
    return topic.posts.get(number=1).pk


def _post_image_url(which: str, suffix: str = ".webp"):
    """An image in the opening post of the world's public, members-only or gated topic, or
    (`unattached`) the member's upload no post shows yet (docs/reviews.md, "Images in posts")."""

    def url(world) -> str:
        from django.core.files.base import ContentFile

        from flywheel.community.models import PostImage
        from tests.core.image_files import image_bytes

        topic = {
            "public": world.public_topic,
            "members": world.members_topic,
            "gated": world.gated_topic,
        }.get(which)
        post = topic.posts.get(number=1) if topic else None
        image = PostImage(
            # Fresh per call: a test that walks every row visits this route's URL again.
            key=uuid.uuid4().hex,
            uploader=post.author if post else world.member,
            post=post,
            created_at=timezone.now(),
        )
        data = ContentFile(image_bytes())
        image.image.save(f"{image.key}.webp", data, save=False)
        image.width, image.height = 500, 300
        image.save()
        return f"/images/{image.key}{suffix}"

    return url


@dataclass(frozen=True)
class Row:
    route: str
    url: object  # World -> path
    expect: tuple  # one outcome per ROLES entry
    variant: str = ""


def _(anonymous, member, other, moderator, admin):
    return (anonymous, member, other, moderator, admin)


EVERYONE = _(OK, OK, OK, OK, OK)
SIGNED_IN = _(LOGIN, OK, OK, OK, OK)
POST_ONLY = _(NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED)
SIGNED_POST = _(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED)
STAFF = _(HIDDEN, DENIED, DENIED, OK, OK)
# Referral review and payouts are money: staff and admins, not moderators.
REFERRAL_STAFF = _(HIDDEN, DENIED, DENIED, DENIED, OK)
# The brand team's pages that send signed-out visitors to sign in (the console, surveys).
STAFF_LOGIN = _(LOGIN, DENIED, DENIED, OK, OK)


def _chat_room(world, which: str):
    """Chat rooms for the rows below (docs/chat.md), made through chat's services on demand:
    one in the public space, one in the gated space, and the member's conversation with the
    admin (private to the two of them: brand-team moderators do not read it)."""
    from flywheel.chat import services as chat_services

    if which == "direct":
        return chat_services.open_direct_room(by=world.member, members=[world.admin])
    space = world.gated_space if which == "gated" else world.public_space
    return chat_services.open_room(name=which, space=space, by=world.admin)


def _chat_url(which: str, suffix: str = ""):
    return lambda w: f"/chat/r/{_chat_room(w, which).pk}/{suffix}"


CHAT_GATED = _(LOGIN, DENIED, DENIED, OK, OK)
CHAT_DIRECT = _(LOGIN, OK, DENIED, DENIED, OK)

# `member` owns the objects (their topic, token, notification, export); `other` is another
# member. Moderators here are brand-team moderators (see every space); admins are staff.
PAGE_MATRIX = [
    Row("", lambda w: "/", EVERYONE),
    Row("spaces/", lambda w: "/spaces/", EVERYONE),
    # Colours only (no names): every page's <head> links it, signed in or not.
    Row("spaces.css", lambda w: "/spaces.css", EVERYONE),
    Row("s/<slug:slug>/", lambda w: "/s/open/", EVERYONE, "public"),
    Row("s/<slug:slug>/", lambda w: "/s/inner/", _(HIDDEN, OK, OK, OK, OK), "members"),
    Row("s/<slug:slug>/", lambda w: "/s/vip/", _(HIDDEN, DENIED, DENIED, OK, OK), "gated"),
    Row("s/<slug:slug>/unanswered/", lambda w: "/s/open/unanswered/", EVERYONE),
    Row(
        "s/<slug:slug>/unanswered/",
        lambda w: "/s/vip/unanswered/",
        _(HIDDEN, DENIED, DENIED, OK, OK),
        "gated",
    ),
    Row("s/<slug:slug>/members/", lambda w: "/s/open/members/", EVERYONE),
    Row(
        "s/<slug:slug>/members/",
        lambda w: "/s/inner/members/",
        _(HIDDEN, OK, OK, OK, OK),
        "members",
    ),
    Row("s/<slug:slug>/new/", lambda w: "/s/open/new/", SIGNED_IN),
    Row("s/<slug:slug>/new/", lambda w: "/s/vip/new/", _(HIDDEN, DENIED, DENIED, OK, OK), "gated"),
    Row("s/<slug:slug>/membership/", lambda w: "/s/open/membership/", POST_ONLY),
    Row("s/<slug:slug>/follow/", lambda w: "/s/open/follow/", POST_ONLY),
    Row("t/<str:slug>/<int:topic_id>/", lambda w: w.public_topic.get_absolute_url(), EVERYONE),
    Row(
        "t/<str:slug>/<int:topic_id>/",
        lambda w: w.members_topic.get_absolute_url(),
        _(HIDDEN, OK, OK, OK, OK),
        "members",
    ),
    Row(
        "t/<str:slug>/<int:topic_id>/",
        lambda w: w.gated_topic.get_absolute_url(),
        _(HIDDEN, DENIED, DENIED, OK, OK),
        "gated",
    ),
    Row("t/<int:topic_id>/reply/", lambda w: f"/t/{w.public_topic.pk}/reply/", POST_ONLY),
    Row("t/<int:topic_id>/follow/", lambda w: f"/t/{w.public_topic.pk}/follow/", POST_ONLY),
    Row("t/<int:topic_id>/moderate/", lambda w: f"/t/{w.public_topic.pk}/moderate/", POST_ONLY),
    Row("p/<int:post_id>/", lambda w: f"/p/{w.reply.pk}/", (REDIRECT,) * 5),
    Row(
        "p/<int:post_id>/",
        lambda w: f"/p/{_opening(w.gated_topic)}/",
        _(HIDDEN, DENIED, DENIED, REDIRECT, REDIRECT),
        "gated",
    ),
    Row("p/<int:post_id>/react/", lambda w: f"/p/{w.reply.pk}/react/", POST_ONLY),
    # The reaction picker and the flag form, fetched when opened (issue 16).
    Row("p/<int:post_id>/react/picker/", lambda w: f"/p/{w.reply.pk}/react/picker/", SIGNED_IN),
    Row(
        "p/<int:post_id>/react/picker/",
        lambda w: f"/p/{_opening(w.gated_topic)}/react/picker/",
        _(HIDDEN, DENIED, DENIED, OK, OK),
        "gated",
    ),
    Row("p/<int:post_id>/flag/", lambda w: f"/p/{w.reply.pk}/flag/", SIGNED_IN),
    Row(
        "p/<int:post_id>/flag/",
        lambda w: f"/p/{_opening(w.gated_topic)}/flag/",
        _(HIDDEN, DENIED, DENIED, OK, OK),
        "gated",
    ),
    Row(
        "p/<int:post_id>/edit/",
        lambda w: f"/p/{_opening(w.public_topic)}/edit/",
        _(LOGIN, OK, DENIED, OK, OK),
    ),
    Row(
        "p/<int:post_id>/delete/",
        lambda w: f"/p/{_opening(w.public_topic)}/delete/",
        _(LOGIN, OK, DENIED, OK, OK),
    ),
    Row("p/<int:post_id>/accept/", lambda w: f"/p/{w.reply.pk}/accept/", POST_ONLY),
    # Images in posts: whoever may read the post; an upload no post shows, its uploader only.
    Row("images/upload/", lambda w: "/images/upload/", POST_ONLY),
    Row("images/<str:key>.webp", _post_image_url("public"), EVERYONE, "public"),
    Row("images/<str:key>.webp", _post_image_url("members"), _(HIDDEN, OK, OK, OK, OK), "members"),
    Row(
        "images/<str:key>.webp",
        _post_image_url("gated"),
        _(HIDDEN, DENIED, DENIED, OK, OK),
        "gated",
    ),
    Row(
        "images/<str:key>.webp",
        _post_image_url("unattached"),
        _(HIDDEN, OK, DENIED, DENIED, DENIED),
        "unattached",
    ),
    Row("images/<str:key>/full.webp", _post_image_url("public", "/full.webp"), EVERYONE),
    Row(
        "images/<str:key>/full.webp",
        _post_image_url("gated", "/full.webp"),
        _(HIDDEN, DENIED, DENIED, OK, OK),
        "gated",
    ),
    Row("p/<int:post_id>/history/", lambda w: f"/p/{w.reply.pk}/history/", EVERYONE),
    Row(
        "p/<int:post_id>/history/",
        lambda w: f"/p/{_opening(w.gated_topic)}/history/",
        _(HIDDEN, DENIED, DENIED, OK, OK),
        "gated",
    ),
    Row("members/<str:handle>/", lambda w: "/members/owner/", EVERYONE),
    Row("members/<str:handle>/follow/", lambda w: "/members/owner/follow/", SIGNED_POST),
    Row("members/<str:handle>/unfollow/", lambda w: "/members/owner/unfollow/", SIGNED_POST),
    Row("settings/profile/", lambda w: "/settings/profile/", SIGNED_IN),
    Row("settings/tokens/", lambda w: "/settings/tokens/", SIGNED_IN),
    Row(
        "settings/tokens/<int:token_id>/revoke/",
        lambda w: f"/settings/tokens/{w.token.pk}/revoke/",
        _(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    ),
    Row("settings/language/", lambda w: "/settings/language/", POST_ONLY),
    Row("settings/privacy/", lambda w: "/settings/privacy/", SIGNED_IN),
    Row(
        "settings/privacy/consent/",
        lambda w: "/settings/privacy/consent/",
        _(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    ),
    Row(
        "settings/privacy/exports/",
        lambda w: "/settings/privacy/exports/",
        _(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    ),
    Row(
        "settings/privacy/exports/<int:export_id>/download/",
        lambda w: f"/settings/privacy/exports/{w.export.pk}/download/",
        # The export is the member's: not even staff may download it.
        _(LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ),
    Row(
        "settings/privacy/delete/",
        lambda w: "/settings/privacy/delete/",
        _(LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    ),
    Row("settings/trust/", lambda w: "/settings/trust/", SIGNED_IN),
    Row("notifications/", lambda w: "/notifications/", SIGNED_IN),
    Row("notifications/bell/", lambda w: "/notifications/bell/", SIGNED_IN),
    Row(
        "notifications/read/",
        lambda w: "/notifications/read/",
        (NOT_ALLOWED,) * 5,
    ),
    Row(
        "notifications/<int:notification_id>/read/",
        lambda w: f"/notifications/{w.notification.pk}/read/",
        (NOT_ALLOWED,) * 5,
    ),
    Row("search/", lambda w: "/search/?q=topic", EVERYONE),
    Row("webhooks/shopify/", lambda w: "/webhooks/shopify/", POST_ONLY),
    Row("webhooks/woocommerce/", lambda w: "/webhooks/woocommerce/", POST_ONLY),
    Row("webhooks/bigcommerce/", lambda w: "/webhooks/bigcommerce/", POST_ONLY),
    Row("healthz", lambda w: "/healthz", EVERYONE),
    Row("robots.txt", lambda w: "/robots.txt", EVERYONE),
    Row("sitemap.xml", lambda w: "/sitemap.xml", EVERYONE),
    Row("sitemap-<slug:section>.xml", lambda w: "/sitemap-topics.xml", EVERYONE),
    Row("bench/bare", lambda w: "/bench/bare", EVERYONE),
    Row("csrf-token", lambda w: "/csrf-token", EVERYONE),
    Row("rewards/wallet/", lambda w: "/rewards/wallet/", SIGNED_IN),
    Row(
        "rewards/members/<str:handle>/ledger/",
        lambda w: "/rewards/members/owner/ledger/",
        # A member's wallet holds their codes: the member and owners/admins only (MONEY_MATRIX).
        _(LOGIN, OK, NOT_FOUND, NOT_FOUND, OK),
    ),
    Row("rewards/leaderboard/", lambda w: "/rewards/leaderboard/", EVERYONE),
    Row("rewards/perks/", lambda w: "/rewards/perks/", EVERYONE),
    Row(
        "rewards/perks/<int:perk_id>/redeem/",
        lambda w: f"/rewards/perks/{w.perk.pk}/redeem/",
        POST_ONLY,
    ),
    Row("rewards/member-of-the-month/", lambda w: "/rewards/member-of-the-month/", EVERYONE),
    Row("badges/", lambda w: "/badges/", EVERYONE),
    Row("badges/<slug:slug>/", lambda w: "/badges/helper/", EVERYONE),
    Row("badges/<slug:slug>/award/", lambda w: "/badges/helper/award/", POST_ONLY),
    Row("guidelines/", lambda w: "/guidelines/", EVERYONE),
    Row("guidelines/accept/", lambda w: "/guidelines/accept/", POST_ONLY),
    Row("moderation/guidelines/", lambda w: "/moderation/guidelines/", STAFF),
    Row(
        "moderation/flag/post/<int:post_id>/",
        lambda w: f"/moderation/flag/post/{w.reply.pk}/",
        POST_ONLY,
    ),
    Row(
        "moderation/flag/member/<str:handle>/",
        lambda w: "/moderation/flag/member/owner/",
        POST_ONLY,
    ),
    Row("moderation/queue/", lambda w: "/moderation/queue/", STAFF),
    Row("moderation/queue/<int:item_id>/", lambda w: "/moderation/queue/1/", POST_ONLY),
    Row(
        "moderation/topics/<int:topic_id>/",
        lambda w: f"/moderation/topics/{w.public_topic.pk}/",
        STAFF,
    ),
    Row("moderation/notices/", lambda w: "/moderation/notices/", SIGNED_IN),
    Row(
        "moderation/sanctions/<int:sanction_id>/appeal/",
        lambda w: "/moderation/sanctions/999999/appeal/",
        _(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ),
    # Only a member who is blocked sees this page; for everyone else there is nothing here.
    Row("moderation/blocked/", lambda w: "/moderation/blocked/", (NOT_FOUND,) * 5),
    Row(
        "moderation/members/<str:handle>/sanctions/",
        lambda w: "/moderation/members/owner/sanctions/",
        STAFF,
    ),
    Row("moderation/appeals/", lambda w: "/moderation/appeals/", STAFF),
    Row("moderation/appeals/<int:appeal_id>/", lambda w: "/moderation/appeals/1/", POST_ONLY),
    Row("moderation/audit/", lambda w: "/moderation/audit/", STAFF),
    Row("moderation/audit/export.csv", lambda w: "/moderation/audit/export.csv", STAFF),
    # Reviews (docs/reviews.md): public pages and widget; writing needs a sign-in first, and
    # a product or review that does not exist is a 404 for everyone.
    Row(
        "products/<int:product_id>/reviews/",
        lambda w: "/products/999999/reviews/",
        (NOT_FOUND,) * 5,
    ),
    Row(
        "products/<int:product_id>/reviews/write/",
        lambda w: "/products/999999/reviews/write/",
        _(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ),
    Row(
        "reviews/<int:review_id>/edit/",
        lambda w: "/reviews/999999/edit/",
        _(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ),
    Row("reviews/<int:review_id>/helpful/", lambda w: "/reviews/1/helpful/", POST_ONLY),
    Row("reviews/<int:review_id>/reply/", lambda w: "/reviews/1/reply/", POST_ONLY),
    Row("reviews/<int:review_id>/flag/", lambda w: "/reviews/1/flag/", POST_ONLY),
    Row("reviews/<int:review_id>/publish/", lambda w: "/reviews/1/publish/", POST_ONLY),
    Row("reviews/<int:review_id>/reject/", lambda w: "/reviews/1/reject/", POST_ONLY),
    Row("me/reviews/", lambda w: "/me/reviews/", SIGNED_IN),
    # The signed link is the key (no sign-in): a forged one is refused as a bad request.
    Row("reviews/request/<str:token>/", lambda w: "/reviews/request/forged/", ("status 400",) * 5),
    Row("reviews/unsubscribe/<str:token>/", lambda w: "/reviews/unsubscribe/x/", EVERYONE),
    Row(
        "widget/products/<int:product_id>/reviews/",
        lambda w: "/widget/products/999999/reviews/",
        (NOT_FOUND,) * 5,
    ),
    Row("widget/reviews.js", lambda w: "/widget/reviews.js", EVERYONE),
    # Chat (docs/chat.md): signed-in members; rooms follow their space's access, direct
    # conversations their members only. Writes are POSTs (and the live connection, tested in
    # tests/chat/test_consumers.py).
    Row("chat/", lambda w: "/chat/", SIGNED_IN),
    Row("chat/r/<int:room_id>/", _chat_url("public"), SIGNED_IN, "public"),
    Row("chat/r/<int:room_id>/", _chat_url("gated"), CHAT_GATED, "gated"),
    Row("chat/r/<int:room_id>/", _chat_url("direct"), CHAT_DIRECT, "direct"),
    Row("chat/r/<int:room_id>/messages/", _chat_url("public", "messages/"), SIGNED_IN, "public"),
    Row("chat/r/<int:room_id>/messages/", _chat_url("gated", "messages/"), CHAT_GATED, "gated"),
    Row("chat/r/<int:room_id>/messages/", _chat_url("direct", "messages/"), CHAT_DIRECT, "direct"),
    Row("chat/r/<int:room_id>/online/", _chat_url("public", "online/"), SIGNED_IN, "public"),
    Row("chat/r/<int:room_id>/online/", _chat_url("gated", "online/"), CHAT_GATED, "gated"),
    Row("chat/r/<int:room_id>/read/", _chat_url("public", "read/"), SIGNED_POST),
    Row("chat/r/<int:room_id>/moderate/", _chat_url("public", "moderate/"), SIGNED_POST),
    Row("chat/m/<int:message_id>/edit/", lambda w: "/chat/m/1/edit/", SIGNED_POST),
    Row("chat/m/<int:message_id>/delete/", lambda w: "/chat/m/1/delete/", SIGNED_POST),
    Row("chat/m/<int:message_id>/react/", lambda w: "/chat/m/1/react/", SIGNED_POST),
    Row("chat/m/<int:message_id>/flag/", lambda w: "/chat/m/1/flag/", SIGNED_POST),
    Row("chat/search/", lambda w: "/chat/search/?q=tent", SIGNED_IN),
    Row("chat/direct/", lambda w: "/chat/direct/", SIGNED_POST),
    Row("chat/settings/", lambda w: "/chat/settings/", SIGNED_IN),
    # Showcases (docs/showcases.md): a public gallery; sharing needs a sign-in; a showcase that
    # does not exist is a 404 for everyone; every write is a POST (states: tests/showcases).
    Row("showcases/", lambda w: "/showcases/", EVERYONE),
    Row("showcases/share/", lambda w: "/showcases/share/", SIGNED_IN),
    Row("showcases/<int:showcase_id>/", lambda w: "/showcases/999999/", (NOT_FOUND,) * 5),
    Row("showcases/<int:showcase_id>/react/", lambda w: "/showcases/1/react/", POST_ONLY),
    Row("showcases/<int:showcase_id>/comment/", lambda w: "/showcases/1/comment/", POST_ONLY),
    Row("showcases/<int:showcase_id>/flag/", lambda w: "/showcases/1/flag/", POST_ONLY),
    Row("showcases/<int:showcase_id>/feature/", lambda w: "/showcases/1/feature/", POST_ONLY),
    Row("showcases/<int:showcase_id>/unfeature/", lambda w: "/showcases/1/unfeature/", POST_ONLY),
    Row("showcases/<int:showcase_id>/publish/", lambda w: "/showcases/1/publish/", POST_ONLY),
    Row("showcases/<int:showcase_id>/reject/", lambda w: "/showcases/1/reject/", POST_ONLY),
    # Ideas and feedback boards (docs/ideas.md): public lists, pages and roadmap; writing
    # needs a sign-in; an idea, board or request that does not exist is a 404 for everyone;
    # writes are POST only (the staff ones check the role inside: tests/ideas).
    Row("ideas/", lambda w: "/ideas/", EVERYONE),
    Row("ideas/new/", lambda w: "/ideas/new/", SIGNED_IN),
    Row("ideas/similar/", lambda w: "/ideas/similar/?title=tent", EVERYONE),
    Row("ideas/<int:idea_id>/", lambda w: "/ideas/999999/", (NOT_FOUND,) * 5),
    Row("ideas/<int:idea_id>/support/", lambda w: "/ideas/1/support/", POST_ONLY),
    Row("ideas/<int:idea_id>/withdraw/", lambda w: "/ideas/1/withdraw/", POST_ONLY),
    Row("ideas/<int:idea_id>/comment/", lambda w: "/ideas/1/comment/", POST_ONLY),
    Row("ideas/<int:idea_id>/flag/", lambda w: "/ideas/1/flag/", POST_ONLY),
    Row("ideas/comments/<int:comment_id>/flag/", lambda w: "/ideas/comments/1/flag/", POST_ONLY),
    Row("ideas/<int:idea_id>/status/", lambda w: "/ideas/1/status/", POST_ONLY),
    Row("ideas/<int:idea_id>/reward/", lambda w: "/ideas/1/reward/", POST_ONLY),
    Row("ideas/<int:idea_id>/visibility/", lambda w: "/ideas/1/visibility/", POST_ONLY),
    Row("feedback/", lambda w: "/feedback/", EVERYONE),
    Row("feedback/<slug:slug>/", lambda w: "/feedback/no-such-board/", (NOT_FOUND,) * 5),
    Row("feedback/<slug:slug>/new/", lambda w: "/feedback/no-such-board/new/", POST_ONLY),
    Row(
        "feedback/requests/<int:request_id>/",
        lambda w: "/feedback/requests/999999/",
        (NOT_FOUND,) * 5,
    ),
    Row(
        "feedback/requests/<int:request_id>/vote/",
        lambda w: "/feedback/requests/1/vote/",
        POST_ONLY,
    ),
    Row(
        "feedback/requests/<int:request_id>/unvote/",
        lambda w: "/feedback/requests/1/unvote/",
        POST_ONLY,
    ),
    Row(
        "feedback/requests/<int:request_id>/merge/",
        lambda w: "/feedback/requests/1/merge/",
        POST_ONLY,
    ),
    Row(
        "feedback/requests/<int:request_id>/status/",
        lambda w: "/feedback/requests/1/status/",
        POST_ONLY,
    ),
    Row("roadmap/", lambda w: "/roadmap/", EVERYONE),
    # The staff console: the brand team; sales figures and exports for owners and admins.
    Row("manage/", lambda w: "/manage/", _(LOGIN, DENIED, DENIED, OK, OK)),
    Row("manage/retention/", lambda w: "/manage/retention/", _(LOGIN, DENIED, DENIED, OK, OK)),
    Row("manage/commerce/", lambda w: "/manage/commerce/", _(LOGIN, DENIED, DENIED, DENIED, OK)),
    Row("manage/members/", lambda w: "/manage/members/", _(LOGIN, DENIED, DENIED, OK, OK)),
    Row("manage/voice/", lambda w: "/manage/voice/", _(LOGIN, DENIED, DENIED, OK, OK)),
    # Pushing a segment to the webhook is a POST for owners and admins (tests/analytics).
    Row("manage/segments/<str:name>/push/", lambda w: "/manage/segments/at_risk/push/", POST_ONLY),
    Row("manage/pushes/<int:push_id>/resend/", lambda w: "/manage/pushes/1/resend/", POST_ONLY),
    # A product link from a post: the signed token is the key; a forged one is a 404.
    Row("go/<str:token>/", lambda w: "/go/forged/", (NOT_FOUND,) * 5),
    Row(
        "manage/members/<str:handle>/",
        lambda w: "/manage/members/owner/",
        _(LOGIN, DENIED, DENIED, OK, OK),
    ),
    Row(
        "manage/segments/<str:name>.csv",
        lambda w: "/manage/segments/champions.csv",
        _(LOGIN, DENIED, DENIED, DENIED, OK),
    ),
    # The content calendar: the brand team (owners, admins, moderators) plans posts.
    Row("manage/calendar/", lambda w: "/manage/calendar/", _(LOGIN, DENIED, DENIED, OK, OK)),
    Row(
        "manage/calendar/new/", lambda w: "/manage/calendar/new/", _(LOGIN, DENIED, DENIED, OK, OK)
    ),
    Row(
        "manage/calendar/<int:item_id>/",
        lambda w: f"/manage/calendar/{_calendar_item(w).pk}/",
        _(LOGIN, DENIED, DENIED, OK, OK),
    ),
    Row(
        "manage/calendar/<int:item_id>/delete/",
        lambda w: f"/manage/calendar/{_calendar_item(w).pk}/delete/",
        POST_ONLY,
    ),
    # Challenges: everyone sees one without a space; one in a space follows the space's rule.
    Row("challenges/", lambda w: "/challenges/", EVERYONE),
    Row("challenges/<int:challenge_id>/", lambda w: f"/challenges/{_challenge(w).pk}/", EVERYONE),
    Row(
        "challenges/<int:challenge_id>/",
        lambda w: f"/challenges/{_challenge(w, 'gated').pk}/",
        _(HIDDEN, DENIED, DENIED, OK, OK),
        "gated",
    ),
    Row(
        "challenges/<int:challenge_id>/join/",
        lambda w: f"/challenges/{_challenge(w).pk}/join/",
        POST_ONLY,
    ),
    Row(
        "challenges/<int:challenge_id>/check-in/",
        lambda w: f"/challenges/{_challenge(w).pk}/check-in/",
        POST_ONLY,
    ),
    Row("manage/challenges/", lambda w: "/manage/challenges/", STAFF_LOGIN),
    Row("manage/challenges/new/", lambda w: "/manage/challenges/new/", STAFF_LOGIN),
    Row(
        "manage/challenges/<int:challenge_id>/",
        lambda w: f"/manage/challenges/{_challenge(w).pk}/",
        STAFF_LOGIN,
    ),
    # Referrals: no code exists in this world, so the share link is a 404 for everyone.
    Row("r/<str:code>", lambda w: "/r/NOPE-1234", (NOT_FOUND,) * 5),
    Row("referrals/", lambda w: "/referrals/", SIGNED_IN),
    Row("referrals/ambassadors/apply/", lambda w: "/referrals/ambassadors/apply/", SIGNED_IN),
    # Only active ambassadors have a dashboard; nobody here is one.
    Row(
        "referrals/ambassadors/dashboard/",
        lambda w: "/referrals/ambassadors/dashboard/",
        _(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ),
    Row(
        "referrals/ambassadors/dashboard.csv",
        lambda w: "/referrals/ambassadors/dashboard.csv",
        _(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ),
    Row("referrals/staff/review/", lambda w: "/referrals/staff/review/", REFERRAL_STAFF),
    Row(
        "referrals/staff/review/<int:pk>/<str:decision>/",
        lambda w: "/referrals/staff/review/1/approve/",
        POST_ONLY,
    ),
    Row("referrals/staff/ambassadors/", lambda w: "/referrals/staff/ambassadors/", REFERRAL_STAFF),
    Row(
        "referrals/staff/applications/<int:pk>/<str:decision>/",
        lambda w: "/referrals/staff/applications/1/approve/",
        POST_ONLY,
    ),
    Row(
        "referrals/staff/ambassadors/<int:pk>/code/",
        lambda w: "/referrals/staff/ambassadors/1/code/",
        POST_ONLY,
    ),
    Row(
        "referrals/staff/ambassadors/<int:pk>/retire/",
        lambda w: "/referrals/staff/ambassadors/1/retire/",
        POST_ONLY,
    ),
    Row("referrals/staff/payouts.csv", lambda w: "/referrals/staff/payouts.csv", REFERRAL_STAFF),
    # Polls and surveys (docs/surveys.md): a poll lives in a topic and follows its access; a
    # survey answers only the members it invited; results and the CSV are the brand team's.
    Row("s/<slug:slug>/new/poll/", lambda w: "/s/open/new/poll/", SIGNED_IN),
    Row(
        "s/<slug:slug>/new/poll/",
        lambda w: "/s/vip/new/poll/",
        _(HIDDEN, DENIED, DENIED, OK, OK),
        "gated",
    ),
    Row(
        "t/<int:topic_id>/poll/add/",
        lambda w: f"/t/{w.public_topic.pk}/poll/add/",
        _(LOGIN, OK, DENIED, OK, OK),
    ),
    Row(
        "t/<int:topic_id>/poll/add/",
        lambda w: f"/t/{w.gated_topic.pk}/poll/add/",
        _(HIDDEN, DENIED, DENIED, OK, OK),
        "gated",
    ),
    Row("polls/<int:poll_id>/vote/", lambda w: "/polls/1/vote/", POST_ONLY),
    Row("polls/<int:poll_id>/close/", lambda w: "/polls/1/close/", POST_ONLY),
    Row("surveys/", lambda w: "/surveys/", SIGNED_IN),
    Row(
        "surveys/<int:survey_id>/",
        lambda w: "/surveys/999999/",
        _(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ),
    Row("manage/surveys/", lambda w: "/manage/surveys/", STAFF_LOGIN),
    Row("manage/surveys/new/", lambda w: "/manage/surveys/new/", STAFF_LOGIN),
    Row(
        "manage/surveys/<int:survey_id>/",
        lambda w: "/manage/surveys/999999/",
        _(LOGIN, DENIED, DENIED, NOT_FOUND, NOT_FOUND),
    ),
    Row("manage/surveys/<int:survey_id>/open/", lambda w: "/manage/surveys/1/open/", POST_ONLY),
    Row("manage/surveys/<int:survey_id>/close/", lambda w: "/manage/surveys/1/close/", POST_ONLY),
    Row(
        "manage/surveys/<int:survey_id>/answers.csv",
        lambda w: "/manage/surveys/999999/answers.csv",
        _(LOGIN, DENIED, DENIED, NOT_FOUND, NOT_FOUND),
    ),
    # Product trials (docs/trials.md): members in the segment apply (POSTs); the brand team
    # runs them from /manage/trials/.
    Row("trials/", lambda w: "/trials/", SIGNED_IN),
    Row("trials/<int:trial_id>/", lambda w: f"/trials/{_trial(w).pk}/", SIGNED_IN),
    Row("trials/<int:trial_id>/apply/", lambda w: f"/trials/{_trial(w).pk}/apply/", POST_ONLY),
    Row(
        "trials/<int:trial_id>/withdraw/",
        lambda w: f"/trials/{_trial(w).pk}/withdraw/",
        POST_ONLY,
    ),
    Row(
        "trials/<int:trial_id>/received/",
        lambda w: f"/trials/{_trial(w).pk}/received/",
        POST_ONLY,
    ),
    Row("manage/trials/", lambda w: "/manage/trials/", STAFF_LOGIN),
    Row("manage/trials/new/", lambda w: "/manage/trials/new/", STAFF_LOGIN),
    Row(
        "manage/trials/<int:trial_id>/",
        lambda w: f"/manage/trials/{_trial(w).pk}/",
        STAFF_LOGIN,
    ),
    Row(
        "manage/trials/<int:trial_id>/select/",
        lambda w: f"/manage/trials/{_trial(w).pk}/select/",
        POST_ONLY,
    ),
    Row(
        "manage/trials/<int:trial_id>/draw/",
        lambda w: f"/manage/trials/{_trial(w).pk}/draw/",
        POST_ONLY,
    ),
    Row(
        "manage/trials/<int:trial_id>/ship/",
        lambda w: f"/manage/trials/{_trial(w).pk}/ship/",
        POST_ONLY,
    ),
    # Events (docs/events.md): public pages and iCal; RSVP, questions and votes are POSTs;
    # running an event is for its host, the brand team and the chapter's organisers.
    Row("events/", lambda w: "/events/", EVERYONE),
    Row("events/new/", lambda w: "/events/new/", _(LOGIN, DENIED, DENIED, OK, OK)),
    Row("events/mine/", lambda w: "/events/mine/", SIGNED_IN),
    Row("events/feed.ics", lambda w: "/events/feed.ics", EVERYONE),
    Row("events/<int:event_id>/event.ics", lambda w: f"/events/{_event(w).pk}/event.ics", EVERYONE),
    Row("events/<int:event_id>/rsvp/", lambda w: f"/events/{_event(w).pk}/rsvp/", POST_ONLY),
    Row(
        "events/<int:event_id>/check-in/",
        lambda w: f"/events/{_event(w).pk}/check-in/",
        POST_ONLY,
    ),
    Row(
        "events/<int:event_id>/questions/",
        lambda w: f"/events/{_event(w).pk}/questions/",
        EVERYONE,
    ),
    Row(
        "events/<int:event_id>/manage/",
        lambda w: f"/events/{_event(w).pk}/manage/",
        _(LOGIN, DENIED, DENIED, OK, OK),
    ),
    Row(
        "events/<int:event_id>/<str:slug>/",
        lambda w: _event(w).get_absolute_url(),
        EVERYONE,
    ),
    Row(
        "events/questions/<int:question_id>/vote/", lambda w: "/events/questions/1/vote/", POST_ONLY
    ),
    Row(
        "events/questions/<int:question_id>/answer/",
        lambda w: "/events/questions/1/answer/",
        POST_ONLY,
    ),
    Row(
        "events/questions/<int:question_id>/dismiss/",
        lambda w: "/events/questions/1/dismiss/",
        POST_ONLY,
    ),
    Row("chapters/", lambda w: "/chapters/", EVERYONE),
    Row("chapters/new/", lambda w: "/chapters/new/", _(LOGIN, DENIED, DENIED, OK, OK)),
    Row("chapters/<slug:slug>/", lambda w: "/chapters/nowhere/", (NOT_FOUND,) * 5),
    Row(
        "chapters/<slug:slug>/membership/",
        lambda w: "/chapters/nowhere/membership/",
        POST_ONLY,
    ),
    Row(
        "chapters/<slug:slug>/organisers/",
        lambda w: "/chapters/nowhere/organisers/",
        POST_ONLY,
    ),
]


def _event(world: World):
    """One AMA hosted by the brand team's moderator (created on first use)."""
    from flywheel.events.models import Event

    existing = Event.objects.filter(title="Matrix AMA").first()
    if existing is not None:
        return existing
    from datetime import timedelta

    from django.utils import timezone

    from flywheel.events.services import schedule_event

    start = timezone.now() + timedelta(days=2)
    return schedule_event(
        by=world.moderator,
        title="Matrix AMA",
        kind="ama",
        format="online",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )


def _trial(world: World):
    """A trial open to any member, for a product of a store (created on first use)."""
    from datetime import timedelta

    from flywheel.commerce.models import Product, Store
    from flywheel.trials.models import Trial

    existing = Trial.objects.filter(title="Matrix trial").first()
    if existing is not None:
        return existing
    store = Store.objects.create(
        platform="shopify", domain="matrix.example.com", webhook_secret="s", currency="USD"
    )
    product = Product.objects.create(store=store, external_id="matrix", title="Matrix tent")
    now = timezone.now()
    return Trial.objects.create(
        product=product,
        title="Matrix trial",
        places=2,
        question="Why?",
        apply_by=now + timedelta(days=3),
        feedback_due=now + timedelta(days=20),
    )


def walk_patterns(patterns=None, prefix: str = ""):
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _client_for(world: World, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(getattr(world, role))
    return client


def _outcome(response) -> str:
    status = response.status_code
    if status == 200:
        return OK
    if status in (301, 302):
        location = response["Location"]
        return LOGIN if location.startswith("/accounts/login/") else REDIRECT
    if status in (403, 404):
        return NOT_FOUND if status == 404 else DENIED
    if status == 405:
        return NOT_ALLOWED
    if status == 401:
        return UNAUTHORISED
    return f"status {status}"


def _matches(actual: str, expected: str) -> bool:
    if expected == DENIED:
        return actual in (DENIED, NOT_FOUND)
    if expected == HIDDEN:
        return actual in (LOGIN, DENIED, NOT_FOUND)
    return actual == expected


def test_every_url_pattern_is_in_the_matrix():
    classified = {row.route for row in PAGE_MATRIX}
    unclassified = [
        route
        for route in walk_patterns()
        if route not in classified and not route.startswith(tuple(DELEGATED_PREFIXES))
    ]
    assert unclassified == [], f"Add these URL patterns to PAGE_MATRIX: {unclassified}"


def test_the_matrix_has_no_stale_rows():
    routes = set(walk_patterns())
    assert [row.route for row in PAGE_MATRIX if row.route not in routes] == []


@pytest.mark.parametrize("row", PAGE_MATRIX, ids=lambda row: f"{row.route}{row.variant}")
def test_page_access_matches_the_matrix(world, row):
    path = row.url(world)
    actual = {}
    for role in ROLES:
        actual[role] = _outcome(_client_for(world, role).get(path))
    expected = dict(zip(ROLES, row.expect, strict=True))
    wrong = {
        role: (actual[role], expected[role])
        for role in ROLES
        if not _matches(actual[role], expected[role])
    }
    assert wrong == {}, f"{path}: (actual, expected) {wrong}"


def test_private_content_never_leaks_into_a_denied_page(world):
    for role in ("anonymous", "member", "other"):
        for path in (world.gated_topic.get_absolute_url(), "/s/vip/"):
            html = _client_for(world, role).get(path, follow=True).content.decode()
            assert "Gated topic" not in html, (role, path)


def test_only_staff_reach_the_admin(world):
    for role in ROLES:
        response = _client_for(world, role).get("/admin/")
        if role == "admin":
            assert response.status_code == 200
        else:
            assert response.status_code == 302, role
            assert response["Location"].startswith("/admin/login/"), role
    # Not even a member who knows a change URL gets in.
    member_client = _client_for(world, "member")
    response = member_client.get(f"/admin/accounts/user/{world.other.pk}/change/")
    assert response.status_code == 302


# Who sees a member's money (accounts/permissions.py, docs/security.md): the member and
# owners/admins see the wallet, discount codes, orders and spend; moderators see none of it.
# Each surface that shows them, for each role: is the member's code or order in the answer?

ORDER_NUMBER, CODE = "#MONEY-1001", "FWMONEYCODE7"
SHOWN, NOT_SHOWN = True, False


def _give_member_money(world: World) -> None:
    from decimal import Decimal

    from django.utils import timezone

    from flywheel.commerce.models import Customer, Order, Store
    from flywheel.rewards.models import Redemption

    store = Store.objects.create(platform="shopify", domain="m.myshopify.com", webhook_secret="s")
    customer = Customer.objects.create(store=store, external_id="c1", member=world.member)
    Order.objects.create(
        store=store,
        external_id="1001",
        number=ORDER_NUMBER,
        customer=customer,
        currency="EUR",
        total=Decimal("77.00"),
        financial_status="paid",
    )
    Redemption.objects.create(
        member=world.member,
        perk=world.perk,
        points=10,
        status=Redemption.Status.FULFILLED,
        code=CODE,
        created_at=timezone.now(),
    )


MONEY_MATRIX = [
    # (surface, path, what gives it away, expected per ROLES)
    # The profile's panel is a staff panel: the member sees their orders elsewhere, not here.
    ("profile orders panel", "/members/owner/", ORDER_NUMBER, _(0, 0, 0, 0, SHOWN)),
    ("wallet page", "/rewards/members/owner/ledger/", CODE, _(0, SHOWN, 0, 0, SHOWN)),
]
MONEY_API_MATRIX = [
    ("wallet API", "/rewards/members/owner/ledger", _(401, 200, 404, 404, 200)),
]


@pytest.mark.parametrize("surface", MONEY_MATRIX, ids=lambda row: row[0])
def test_a_members_money_is_shown_only_to_them_and_owners_and_admins(world, surface):
    _give_member_money(world)
    name, path, marker, expected = surface
    wrong = {}
    for role, expect in zip(ROLES, expected, strict=True):
        html = _client_for(world, role).get(path, follow=True).content.decode()
        if (marker in html) != bool(expect):
            wrong[role] = "shown" if marker in html else "hidden"
    assert wrong == {}, f"{name}: {wrong}"


@pytest.mark.parametrize("surface", MONEY_API_MATRIX, ids=lambda row: row[0])
def test_a_members_money_in_the_api_answers_only_them_and_owners_and_admins(world, surface):
    from tests.api.conftest import ApiClient

    _give_member_money(world)
    name, path, expected = surface
    actual = {
        role: (ApiClient() if role == "anonymous" else _api_as(world, role)).get(path).status_code
        for role in ROLES
    }
    assert actual == dict(zip(ROLES, expected, strict=True)), name


def test_the_money_policy_is_one_function_for_every_role(world):
    from flywheel.accounts.permissions import can_view_member_commerce
    from tests.factories import UserFactory

    owner = UserFactory(role="owner")
    answers = {
        role: can_view_member_commerce(getattr(world, role), world.member)
        for role in ("member", "other", "moderator", "admin")
    }
    assert answers == {"member": True, "other": False, "moderator": False, "admin": True}
    assert can_view_member_commerce(owner, world.member)


# POSTs that would change someone else's things: refused, and nothing changes.


def test_another_member_cannot_revoke_my_token(world):
    response = _client_for(world, "other").post(f"/settings/tokens/{world.token.pk}/revoke/")

    assert response.status_code == 404
    world.token.refresh_from_db()
    assert world.token.revoked_at is None


def test_another_member_cannot_mark_my_notification_read(world):
    response = _client_for(world, "other").post(f"/notifications/{world.notification.pk}/read/")

    assert response.status_code in (403, 404)
    world.notification.refresh_from_db()
    assert world.notification.read_at is None


def test_another_member_cannot_edit_or_delete_my_post(world):
    post_id = _opening(world.public_topic)
    client = _client_for(world, "other")

    edit = client.post(f"/p/{post_id}/edit/", {"body": "Hijacked", "title": "Hijacked"})
    delete = client.post(f"/p/{post_id}/delete/")

    assert edit.status_code in (403, 404) and delete.status_code in (403, 404)
    post = world.public_topic.posts.get(number=1)
    assert post.body != "Hijacked" and post.deleted_at is None


def test_another_member_cannot_accept_an_answer_or_moderate_my_topic(world):
    client = _client_for(world, "other")

    accept = client.post(f"/p/{world.reply.pk}/accept/")
    moderate = client.post(f"/t/{world.question.pk}/moderate/", {"action": "pin"})

    assert accept.status_code in (403, 404) and moderate.status_code in (403, 404)
    world.question.refresh_from_db()
    assert world.question.accepted_answer_id is None and not world.question.is_pinned


def test_a_member_without_access_cannot_reply_or_react_in_a_gated_space(world):
    client = _client_for(world, "member")
    opening = _opening(world.gated_topic)

    reply = client.post(f"/t/{world.gated_topic.pk}/reply/", {"body": "Sneaking in"})
    react = client.post(f"/p/{opening}/react/", {"kind": "like"})

    assert reply.status_code in (403, 404) and react.status_code in (403, 404)
    assert not world.gated_topic.posts.filter(body="Sneaking in").exists()
    assert world.gated_topic.posts.get(number=1).reaction_count == 0


# The API ----------------------------------------------------------------------------------

PUBLIC, MEMBER = "public", "member"

# Every operation: who may call it. Public reads answer anonymous callers; member operations
# answer 401 without a token or session. Object-level checks (other people's objects) are in
# API_IDOR below and in each app's tests.
API_MATRIX = {
    "GET /api/v1/spaces": PUBLIC,
    "GET /api/v1/spaces/{slug}": PUBLIC,
    "POST /api/v1/spaces/{slug}/join": MEMBER,
    "POST /api/v1/spaces/{slug}/leave": MEMBER,
    "GET /api/v1/spaces/{slug}/members": PUBLIC,
    "POST /api/v1/spaces/{slug}/follow": MEMBER,
    "DELETE /api/v1/spaces/{slug}/follow": MEMBER,
    "GET /api/v1/topics": PUBLIC,
    "POST /api/v1/topics": MEMBER,
    "GET /api/v1/topics/{topic_id}": PUBLIC,
    "PATCH /api/v1/topics/{topic_id}": MEMBER,
    "DELETE /api/v1/topics/{topic_id}": MEMBER,
    "GET /api/v1/topics/{topic_id}/replies": PUBLIC,
    "POST /api/v1/topics/{topic_id}/replies": MEMBER,
    "DELETE /api/v1/topics/{topic_id}/accepted-answer": MEMBER,
    "POST /api/v1/topics/{topic_id}/follow": MEMBER,
    "DELETE /api/v1/topics/{topic_id}/follow": MEMBER,
    "GET /api/v1/posts/{post_id}": PUBLIC,
    "PATCH /api/v1/posts/{post_id}": MEMBER,
    "DELETE /api/v1/posts/{post_id}": MEMBER,
    "POST /api/v1/posts/{post_id}/accept": MEMBER,
    "POST /api/v1/posts/{post_id}/reactions": MEMBER,
    "DELETE /api/v1/posts/{post_id}/reactions/{kind}": MEMBER,
    "POST /api/v1/posts/{post_id}/reactions/{kind}/toggle": MEMBER,
    "GET /api/v1/members": PUBLIC,
    "GET /api/v1/members/{handle}": PUBLIC,
    "POST /api/v1/members/{handle}/follow": MEMBER,
    "DELETE /api/v1/members/{handle}/follow": MEMBER,
    "GET /api/v1/me": MEMBER,
    "PATCH /api/v1/me": MEMBER,
    "GET /api/v1/me/tokens": MEMBER,
    "POST /api/v1/me/tokens": MEMBER,
    "DELETE /api/v1/me/tokens/{token_id}": MEMBER,
    "GET /api/v1/notifications": MEMBER,
    "GET /api/v1/notifications/unread-count": MEMBER,
    "POST /api/v1/notifications/read": MEMBER,
    "GET /api/v1/search": PUBLIC,
    "GET /api/v1/rewards/me": MEMBER,
    "GET /api/v1/referrals/me": MEMBER,
    "GET /api/v1/referrals/me/referrals": MEMBER,
    "GET /api/v1/rewards/me/ledger": MEMBER,
    "GET /api/v1/rewards/members/{handle}/ledger": MEMBER,
    "GET /api/v1/rewards/me/redemptions": MEMBER,
    "GET /api/v1/rewards/leaderboard": PUBLIC,
    "GET /api/v1/rewards/perks": PUBLIC,
    "POST /api/v1/rewards/perks/{perk_id}/redeem": MEMBER,
    "GET /api/v1/trust/me": MEMBER,
    "GET /api/v1/badges": PUBLIC,
    "GET /api/v1/badges/members/{handle}": PUBLIC,
    "GET /api/v1/badges/{slug}": PUBLIC,
    "POST /api/v1/badges/{slug}/grants": MEMBER,
    "GET /api/v1/privacy/exports": MEMBER,
    "POST /api/v1/privacy/exports": MEMBER,
    "GET /api/v1/privacy/exports/{export_id}/download": MEMBER,
    "GET /api/v1/privacy/consents": MEMBER,
    "PUT /api/v1/privacy/consents/marketing_email": MEMBER,
    "POST /api/v1/privacy/erasure": MEMBER,
    "POST /api/v1/moderation/flags": MEMBER,
    "GET /api/v1/moderation/queue": MEMBER,
    "POST /api/v1/moderation/queue/{item_id}/decision": MEMBER,
    "GET /api/v1/moderation/guidelines": PUBLIC,
    "POST /api/v1/moderation/guidelines/accept": MEMBER,
    "POST /api/v1/moderation/appeals": MEMBER,
    "GET /api/v1/reviews/products/{product_id}": PUBLIC,
    "POST /api/v1/reviews/products/{product_id}": MEMBER,
    "POST /api/v1/reviews/{review_id}/helpful": MEMBER,
    "GET /api/v1/ideas": PUBLIC,
    "POST /api/v1/ideas": MEMBER,
    "GET /api/v1/ideas/roadmap": PUBLIC,
    "GET /api/v1/ideas/{idea_id}": PUBLIC,
    "POST /api/v1/ideas/{idea_id}/support": MEMBER,
    "DELETE /api/v1/ideas/{idea_id}/support": MEMBER,
    "POST /api/v1/ideas/{idea_id}/comments": MEMBER,
    "POST /api/v1/ideas/{idea_id}/status": MEMBER,
    "GET /api/v1/ideas/boards/{slug}/requests": PUBLIC,
    "POST /api/v1/ideas/boards/{slug}/requests": MEMBER,
    "POST /api/v1/ideas/requests/{request_id}/vote": MEMBER,
    "DELETE /api/v1/ideas/requests/{request_id}/vote": MEMBER,
    "POST /api/v1/ideas/requests/{request_id}/merge": MEMBER,
    "POST /api/v1/ideas/requests/{request_id}/status": MEMBER,
    "GET /api/v1/surveys/polls/{poll_id}": PUBLIC,
    "POST /api/v1/surveys/polls/{poll_id}/vote": MEMBER,
    "POST /api/v1/surveys/topics/{topic_id}/poll": MEMBER,
    "GET /api/v1/surveys/me": MEMBER,
    "GET /api/v1/surveys/{survey_id}": MEMBER,
    "POST /api/v1/surveys/{survey_id}/responses": MEMBER,
    "GET /api/v1/surveys/{survey_id}/results": MEMBER,
    "GET /api/v1/events": PUBLIC,
    "GET /api/v1/events/{event_id}": PUBLIC,
    "PUT /api/v1/events/{event_id}/registration": MEMBER,
    "DELETE /api/v1/events/{event_id}/registration": MEMBER,
    "POST /api/v1/events/{event_id}/check-in": MEMBER,
    "GET /api/v1/events/{event_id}/questions": PUBLIC,
    "POST /api/v1/events/{event_id}/questions": MEMBER,
    "POST /api/v1/events/questions/{question_id}/vote": MEMBER,
    "POST /api/v1/events/questions/{question_id}/answer": MEMBER,
}
# Member operations that are for the brand team only: a plain member's token is refused.
API_STAFF_ONLY = [
    "GET /api/v1/moderation/queue",
    "POST /api/v1/moderation/queue/{item_id}/decision",
    "POST /api/v1/ideas/{idea_id}/status",
    "POST /api/v1/ideas/requests/{request_id}/merge",
    "POST /api/v1/ideas/requests/{request_id}/status",
    "GET /api/v1/surveys/{survey_id}/results",
]


def _api_operations(client) -> list[str]:
    document = client.get("/api/v1/openapi.json").json()
    return [
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method in operations
    ]


def _fill(path: str, world: World) -> str:
    if path.startswith("/api/v1/badges/"):
        path = path.replace("{slug}", world.badge.slug)
    values = {
        "{slug}": world.public_space.slug,
        "{topic_id}": str(world.public_topic.pk),
        "{post_id}": str(world.reply.pk),
        "{kind}": "like",
        "{handle}": world.member.handle,
        "{token_id}": str(world.token.pk),
        "{perk_id}": str(world.perk.pk),
        "{export_id}": str(world.export.pk),
        "{item_id}": "1",
    }
    if "{product_id}" in path:
        from flywheel.commerce.models import Product, Store

        store, _created = Store.objects.get_or_create(
            domain="matrix.example.com", defaults={"platform": "shopify", "webhook_secret": "s"}
        )
        product, _created = Product.objects.get_or_create(store=store, external_id="p1")
        path = path.replace("{product_id}", str(product.pk))
    values["{review_id}"] = "999999"
    if path.startswith("/api/v1/ideas"):
        from flywheel.ideas.models import FeatureRequest, FeedbackBoard, Idea

        board, _created = FeedbackBoard.objects.get_or_create(slug="matrix", defaults={"name": "M"})
        idea = Idea.objects.filter(title="Matrix idea").first() or Idea.objects.create(
            author=world.member,
            title="Matrix idea",
            description="d",
            status_changed_at=timezone.now(),
            created_at=timezone.now(),
            updated_at=timezone.now(),
        )
        request = FeatureRequest.objects.filter(
            board=board
        ).first() or FeatureRequest.objects.create(
            board=board,
            title="Matrix request",
            created_at=timezone.now(),
            updated_at=timezone.now(),
        )
        path = path.replace("{slug}", board.slug).replace("{idea_id}", str(idea.pk))
        path = path.replace("{request_id}", str(request.pk))
    values["{survey_id}"] = "999999"
    if "{poll_id}" in path:
        from flywheel.surveys import services as surveys_services
        from flywheel.surveys.models import Poll

        poll = Poll.objects.filter(topic=world.public_topic).first() or surveys_services.add_poll(
            topic=world.public_topic, by=world.member, question="Which?", options=["A", "B"]
        )
        path = path.replace("{poll_id}", str(poll.pk))
    values["{question_id}"] = "999999"
    if "{event_id}" in path:
        values["{event_id}"] = str(_event(world).pk)
    for placeholder, value in values.items():
        path = path.replace(placeholder, value)
    return path


def test_every_api_operation_is_in_the_matrix(client):
    operations = _api_operations(client)  # builds the OpenAPI document: once, not per entry
    unclassified = [op for op in operations if op not in API_MATRIX]
    stale = [op for op in API_MATRIX if op not in operations]
    assert unclassified == [], f"Add these operations to API_MATRIX: {unclassified}"
    assert stale == []


def test_the_openapi_security_of_each_operation_matches_the_matrix(client):
    """Public reads list the empty "no credentials" alternative ({}), member operations do
    not: the document tells client authors the same thing the behaviour tests check."""
    document = client.get("/api/v1/openapi.json").json()
    wrong = {}
    for operation, access in API_MATRIX.items():
        method, path = operation.split(" ", 1)
        security = document["paths"][path][method.lower()].get("security", [])
        if (access == PUBLIC) != ({} in security):
            wrong[operation] = security
    assert wrong == {}


def test_member_operations_refuse_anonymous_callers_with_401(world, client):
    wrong = {}
    for operation, access in API_MATRIX.items():
        if access != MEMBER:
            continue
        method, path = operation.split(" ", 1)
        response = client.generic(
            method, _fill(path, world), data="{}", content_type="application/json"
        )
        if response.status_code != 401:
            wrong[operation] = response.status_code
    assert wrong == {}


def test_public_reads_answer_anonymous_callers(world, client):
    wrong = {}
    for operation, access in API_MATRIX.items():
        if access != PUBLIC:
            continue
        method, path = operation.split(" ", 1)
        query = "?q=topic" if path.endswith("/search") else ""
        response = client.generic(method, _fill(path, world) + query)
        # No community guidelines are published in this world: nothing to read is a 404.
        allowed = (200, 404) if path.endswith("/guidelines") else (200,)
        if response.status_code not in allowed:
            wrong[operation] = response.status_code
    assert wrong == {}


def _api_as(world: World, role: str):
    from tests.api.conftest import ApiClient, token_for

    return ApiClient(token=token_for(getattr(world, role)))


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("member", "/topics/{gated_topic}"),
        ("member", "/topics/{gated_topic}/replies"),
        ("member", "/posts/{gated_post}"),
        ("member", "/spaces/vip"),
        ("other", "/privacy/exports/{export}/download"),
        ("admin", "/privacy/exports/{export}/download"),
        ("other", "/rewards/members/owner/ledger"),
        ("moderator", "/rewards/members/owner/ledger"),
    ],
)
def test_api_objects_the_caller_may_not_see_are_refused(world, role, path):
    path = (
        path.replace("{gated_topic}", str(world.gated_topic.pk))
        .replace("{gated_post}", str(_opening(world.gated_topic)))
        .replace("{export}", str(world.export.pk))
    )

    response = _api_as(world, role).get(path)

    assert response.status_code in (403, 404), (path, response.status_code)
    assert "Gated topic" not in response.content.decode()


def test_anonymous_api_callers_cannot_see_members_only_topics(world, client):
    response = client.get(f"/api/v1/topics/{world.members_topic.pk}")
    listing = client.get("/api/v1/topics").json()["items"]

    assert response.status_code in (401, 403, 404)
    assert world.members_topic.pk not in [item["id"] for item in listing]


def test_api_cannot_revoke_another_members_token(world):
    response = _api_as(world, "other").delete(f"/me/tokens/{world.token.pk}")

    assert response.status_code == 404
    world.token.refresh_from_db()
    assert world.token.revoked_at is None


def test_api_cannot_mark_another_members_notifications_read(world):
    response = _api_as(world, "other").post("/notifications/read", {"ids": [world.notification.pk]})

    assert response.status_code in (200, 404)
    world.notification.refresh_from_db()
    assert world.notification.read_at is None


def test_api_cannot_edit_or_delete_another_members_post(world):
    api = _api_as(world, "other")
    post_id = _opening(world.public_topic)

    edit = api.patch(f"/posts/{post_id}", {"body": "Hijacked"})
    delete = api.delete(f"/posts/{post_id}")

    assert edit.status_code in (403, 404) and delete.status_code in (403, 404)
    post = world.public_topic.posts.get(number=1)
    assert post.body != "Hijacked" and post.deleted_at is None


def test_staff_only_operations_refuse_a_members_token(world):
    api = _api_as(world, "member")
    wrong = {}
    for operation in API_STAFF_ONLY:
        method, path = operation.split(" ", 1)
        # No body: permission is checked before the body is read, so a member gets 403, not 422.
        response = api.request(method, _fill(path, world).removeprefix("/api/v1"))
        if response.status_code not in (403, 404):
            wrong[operation] = response.status_code
    assert wrong == {}
