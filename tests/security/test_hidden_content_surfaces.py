"""Hidden content leaking through a side path (docs/security.md).

A reply and a topic are hidden on members' flags, another reply and topic are rejected by a
moderator; then every surface that can show member text is walked as a signed-out visitor
and as another member, and none may show the hidden words: pages, htmx fragments, API
operations, search, notifications, profiles, edit history, quotes, and the e-mails.
Moderators see them where they are meant to (the topic page, the history, the queue).

Every URL pattern and every API operation must be classified below, as WALKED (with the
requests that walk it) or as NO_MEMBER_TEXT (with why): adding a surface without deciding
fails test_every_url_pattern_is_classified / test_every_api_operation_is_classified. The
enumeration is the authorisation matrix's (tests/security/test_authorization_matrix.py).
"""

from dataclasses import dataclass

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from flywheel.community import services as community_services
from flywheel.community.models import Post, Reaction, TopicKind
from flywheel.moderation import services as moderation_services
from flywheel.moderation.models import ReviewItem
from flywheel.notifications import emails
from flywheel.notifications.models import Notification
from tests.api.conftest import ApiClient, token_for
from tests.factories import ModeratorFactory, SpaceFactory, UserFactory, make_reply, make_topic
from tests.security.test_authorization_matrix import DELEGATED_PREFIXES, walk_patterns

pytestmark = pytest.mark.django_db

# The hidden words. Each text also holds the plain word "zebra", so one search finds them all.
FLAGGED_REPLY = "zebraflaggedreply"
OLD_TEXT = "zebraoldrevision"
REJECTED_REPLY = "zebrarejectedreply"
FLAGGED_TOPIC = "zebraflaggedtopic"
REPLY_IN_FLAGGED_TOPIC = "zebrareplyinflaggedtopic"
REJECTED_TOPIC = "zebrarejectedtopic"
HIDDEN_WORDS = (
    FLAGGED_REPLY,
    OLD_TEXT,
    REJECTED_REPLY,
    FLAGGED_TOPIC,
    REPLY_IN_FLAGGED_TOPIC,
    REJECTED_TOPIC,
)


@dataclass
class Scene:
    writer: object  # wrote everything that gets hidden
    reader: object  # another member: follows the writer, is mentioned, asked the question
    staff: object  # a brand-team moderator
    space: object
    question: object  # a visible question by the reader, with the two hidden replies
    flagged_reply: object
    rejected_reply: object
    visible_reply: object
    flagged_topic: object
    reply_in_flagged_topic: object
    rejected_topic: object
    reader_notification: object  # the reader's notification about the flagged topic


def _hide_on_flags(target, settings) -> None:
    settings.FLYWHEEL_FLAG_HIDE_THRESHOLD = 0.01
    moderation_services.raise_flag(flagger=UserFactory(), target=target, reason="spam")


def _reject(target, *, by) -> None:
    item = moderation_services.open_review_item(target=target, reason="moderator review")
    moderation_services.reject(item=item, by=by, reason="Off topic")


@pytest.fixture
def scene(settings, django_capture_on_commit_callbacks) -> Scene:
    with django_capture_on_commit_callbacks(execute=True):  # notifications, search index
        writer = UserFactory(handle="writer")
        reader = UserFactory(handle="reader")
        staff = ModeratorFactory()
        space = SpaceFactory(slug="open")
        community_services.join_space(member=reader, space=space)
        community_services.follow(follower=reader, member=writer)
        question = make_topic(
            space=space, author=reader, title="Stove question", kind=TopicKind.QUESTION
        )
        flagged_reply = make_reply(
            topic=question, author=writer, body=f"zebra {OLD_TEXT} first words"
        )
        community_services.edit_post(
            post=flagged_reply, editor=writer, body=f"zebra {FLAGGED_REPLY} @reader look"
        )
        community_services.accept_answer(reply=flagged_reply, by=reader)
        rejected_reply = make_reply(topic=question, author=writer, body=f"zebra {REJECTED_REPLY}")
        visible_reply = make_reply(topic=question, author=UserFactory(), body="zebra visible")
        flagged_topic = make_topic(
            space=space,
            author=writer,
            title=f"zebra {FLAGGED_TOPIC}",
            body=f"zebra {FLAGGED_TOPIC}",
        )
        reply_in_flagged_topic = make_reply(
            topic=flagged_topic,
            author=UserFactory(),
            body=f"zebra {REPLY_IN_FLAGGED_TOPIC} @reader",
        )
        rejected_topic = make_topic(
            space=space,
            author=writer,
            title=f"zebra {REJECTED_TOPIC}",
            body=f"zebra {REJECTED_TOPIC}",
        )
        make_topic(space=space, author=UserFactory(), title="Tent talk", body="zebra tents")
    # Hidden after the notifications and the search index were written, as in life.
    with django_capture_on_commit_callbacks(execute=True):
        _hide_on_flags(flagged_reply, settings)
        _hide_on_flags(flagged_topic, settings)
        _reject(rejected_reply, by=staff)
        _reject(rejected_topic, by=staff)
    return Scene(
        writer=writer,
        reader=reader,
        staff=staff,
        space=space,
        question=question,
        flagged_reply=flagged_reply,
        rejected_reply=rejected_reply,
        visible_reply=visible_reply,
        flagged_topic=flagged_topic,
        reply_in_flagged_topic=reply_in_flagged_topic,
        rejected_topic=rejected_topic,
        reader_notification=Notification.objects.filter(
            recipient=reader, topic=flagged_topic
        ).first(),
    )


def _opening(topic) -> int:
    return topic.posts.get(number=1).pk


def _hidden_posts(s: Scene) -> list[int]:
    return [
        s.flagged_reply.pk,
        s.rejected_reply.pk,
        _opening(s.flagged_topic),
        s.reply_in_flagged_topic.pk,
        _opening(s.rejected_topic),
    ]


def _hidden_topics(s: Scene) -> list:
    return [s.flagged_topic, s.rejected_topic]


HTMX = {"HX-Request": "true"}
CHALLENGES = "challenges and members' check-ins, never community posts; a challenge in a space follows the space's rule (tests/challenges/test_pages.py)"
CALENDAR = "content calendar: brand team only (members and visitors refused, tests/programming), the team's own planned posts, never members' text"


@dataclass(frozen=True)
class Req:
    method: str
    path: str
    data: dict | None = None
    headers: dict | None = None


def _get(path, **kwargs):
    return Req("GET", path, **kwargs)


def _post(path, data=None, htmx=False):
    return Req("POST", path, data or {}, HTMX if htmx else None)


def _per_post(template: str, method: str = "GET", data=None, htmx=False):
    def requests(s: Scene):
        return [
            Req(method, template.format(post_id=pk), data, HTMX if htmx else None)
            for pk in _hidden_posts(s)
        ]

    return requests


def _per_topic(template: str, method: str = "GET", data=None, htmx=False, extra=()):
    def requests(s: Scene):
        topics = [*_hidden_topics(s), s.question]
        return [
            Req(
                method,
                template.format(topic_id=topic.pk, url=topic.get_absolute_url()),
                data,
                HTMX if htmx else None,
            )
            for topic in topics
        ] + [Req(method, path.format(s=s), data) for path in extra]

    return requests


# Pages -------------------------------------------------------------------------------------

WALKED_PAGES = {
    "": lambda s: [_get("/")],
    "spaces/": lambda s: [_get("/spaces/")],
    "s/<slug:slug>/": lambda s: [_get("/s/open/"), _get("/s/open/?kind=question")],
    "s/<slug:slug>/unanswered/": lambda s: [_get("/s/open/unanswered/")],
    # By id with a stand-in slug: the hidden title is in the real slug, and the walk must not
    # count the address it asked for as a leak.
    "t/<str:slug>/<int:topic_id>/": lambda s: (
        [_get(f"/t/-/{topic.pk}/") for topic in [*_hidden_topics(s), s.question]]
        # Quoting: the reply form must not be filled with a hidden post's text.
        + [_get(f"{s.question.get_absolute_url()}?reply_to={pk}") for pk in _hidden_posts(s)]
    ),
    # An invalid reply re-renders the topic page; a reply in a hidden topic is a 404.
    "t/<int:topic_id>/reply/": _per_topic("/t/{topic_id}/reply/", "POST", {"body": ""}),
    "t/<int:topic_id>/follow/": _per_topic("/t/{topic_id}/follow/", "POST", htmx=True),
    "t/<int:topic_id>/moderate/": _per_topic("/t/{topic_id}/moderate/", "POST", {"action": "pin"}),
    "p/<int:post_id>/": _per_post("/p/{post_id}/"),
    "p/<int:post_id>/react/": _per_post("/p/{post_id}/react/", "POST", {"kind": "like"}, True),
    # The reaction picker and the flag form, as pages and as the fragments htmx fetches.
    "p/<int:post_id>/react/picker/": lambda s: (
        _per_post("/p/{post_id}/react/picker/")(s)
        + _per_post("/p/{post_id}/react/picker/", htmx=True)(s)
    ),
    "p/<int:post_id>/flag/": lambda s: (
        _per_post("/p/{post_id}/flag/")(s) + _per_post("/p/{post_id}/flag/", htmx=True)(s)
    ),
    "p/<int:post_id>/edit/": _per_post("/p/{post_id}/edit/"),
    "p/<int:post_id>/delete/": _per_post("/p/{post_id}/delete/"),
    "p/<int:post_id>/accept/": _per_post("/p/{post_id}/accept/", "POST"),
    "p/<int:post_id>/history/": _per_post("/p/{post_id}/history/"),
    "members/<str:handle>/": lambda s: [_get("/members/writer/")],
    "notifications/": lambda s: [_get("/notifications/")],
    "notifications/bell/": lambda s: [_get("/notifications/bell/", headers=HTMX)],
    "notifications/read/": lambda s: [_post("/notifications/read/", htmx=True)],
    "notifications/<int:notification_id>/read/": lambda s: [
        _post(f"/notifications/{s.reader_notification.pk}/read/", htmx=True)
    ],
    "search/": lambda s: [_get("/search/?q=zebra")],
    # Hidden topics' addresses carry their titles (the slug): the sitemap must not list them.
    "sitemap.xml": lambda s: [_get("/sitemap.xml")],
    "sitemap-<slug:section>.xml": lambda s: [
        _get(f"/sitemap-{section}.xml") for section in ("spaces", "topics", "reviews", "showcases")
    ],
    "moderation/flag/post/<int:post_id>/": _per_post(
        "/moderation/flag/post/{post_id}/", "POST", {"reason": "spam"}, True
    ),
    "moderation/queue/": lambda s: [_get("/moderation/queue/")],
    "moderation/topics/<int:topic_id>/": _per_topic("/moderation/topics/{topic_id}/"),
}

# Events show event descriptions and AMA questions, their own texts (tests/events).
# Product trials: the brand team's trial texts; members see only their own application.
TRIALS_TEXT = "product trials written by the brand team and the member's own application, never community posts (tests/trials)"
TRIALS_STAFF = "trial applications and the testers' published reviews (reviews' public filter), brand team only (tests/trials)"
EVENTS_TEXT = "events and AMA questions, never community posts (dismissed questions: tests/events)"

NO_MEMBER_TEXT_PAGES = {
    # Images in posts: bytes, not text; an image of a hidden post is refused like the post
    # (test_images_of_hidden_posts_are_not_served below).
    "images/upload/": "answers with the uploaded image's own id and URL only",
    "images/<str:key>.webp": "image bytes; hidden posts' images: test_images_of_hidden_posts_are_not_served",
    "images/<str:key>/full.webp": "image bytes; hidden posts' images: test_images_of_hidden_posts_are_not_served",
    # Ideas and feedback boards (docs/ideas.md): their own text, hidden by their own rules.
    "ideas/": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "ideas/new/": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "ideas/similar/": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "ideas/<int:idea_id>/": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "ideas/<int:idea_id>/support/": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "ideas/<int:idea_id>/withdraw/": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "ideas/<int:idea_id>/comment/": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "ideas/<int:idea_id>/flag/": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "ideas/comments/<int:comment_id>/flag/": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "ideas/<int:idea_id>/status/": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "ideas/<int:idea_id>/reward/": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "ideas/<int:idea_id>/visibility/": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "feedback/": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "feedback/<slug:slug>/": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "feedback/<slug:slug>/new/": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "feedback/requests/<int:request_id>/": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "feedback/requests/<int:request_id>/vote/": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "feedback/requests/<int:request_id>/unvote/": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "feedback/requests/<int:request_id>/merge/": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "feedback/requests/<int:request_id>/status/": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "roadmap/": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "events/": EVENTS_TEXT,
    "events/new/": EVENTS_TEXT,
    "events/mine/": EVENTS_TEXT,
    "events/feed.ics": EVENTS_TEXT,
    "events/<int:event_id>/event.ics": EVENTS_TEXT,
    "events/<int:event_id>/rsvp/": EVENTS_TEXT,
    "events/<int:event_id>/check-in/": EVENTS_TEXT,
    "events/<int:event_id>/questions/": EVENTS_TEXT,
    "events/<int:event_id>/manage/": EVENTS_TEXT,
    "events/<int:event_id>/<str:slug>/": EVENTS_TEXT,
    "events/questions/<int:question_id>/vote/": EVENTS_TEXT,
    "events/questions/<int:question_id>/answer/": EVENTS_TEXT,
    "events/questions/<int:question_id>/dismiss/": EVENTS_TEXT,
    "chapters/": EVENTS_TEXT,
    "chapters/new/": EVENTS_TEXT,
    "chapters/<slug:slug>/": EVENTS_TEXT,
    "chapters/<slug:slug>/membership/": EVENTS_TEXT,
    "chapters/<slug:slug>/organisers/": EVENTS_TEXT,
    "trials/": TRIALS_TEXT,
    "trials/<int:trial_id>/": TRIALS_TEXT,
    "trials/<int:trial_id>/apply/": TRIALS_TEXT,
    "trials/<int:trial_id>/withdraw/": TRIALS_TEXT,
    "trials/<int:trial_id>/received/": TRIALS_TEXT,
    "manage/trials/": TRIALS_STAFF,
    "manage/trials/new/": TRIALS_STAFF,
    "manage/trials/<int:trial_id>/": TRIALS_STAFF,
    "manage/trials/<int:trial_id>/select/": TRIALS_STAFF,
    "manage/trials/<int:trial_id>/draw/": TRIALS_STAFF,
    "manage/trials/<int:trial_id>/ship/": TRIALS_STAFF,
    "challenges/": CHALLENGES,
    "challenges/<int:challenge_id>/": CHALLENGES,
    "challenges/<int:challenge_id>/join/": CHALLENGES,
    "challenges/<int:challenge_id>/check-in/": CHALLENGES,
    "manage/challenges/": CHALLENGES,
    "manage/challenges/new/": CHALLENGES,
    "manage/challenges/<int:challenge_id>/": CHALLENGES,
    "manage/calendar/": CALENDAR,
    "manage/calendar/new/": CALENDAR,
    "manage/calendar/<int:item_id>/": CALENDAR,
    "manage/calendar/<int:item_id>/delete/": CALENDAR,
    "manage/": "staff console: brand team only (members and visitors refused, tests/analytics), figures and member names",
    "manage/retention/": "staff console: brand team only (members and visitors refused, tests/analytics), figures and member names",
    "manage/commerce/": "staff console: brand team only (members and visitors refused, tests/analytics), figures and member names",
    "manage/members/": "staff console: brand team only (members and visitors refused, tests/analytics), figures and member names",
    "manage/members/<str:handle>/": "staff console: brand team only (members and visitors refused, tests/analytics), figures and member names",
    "manage/segments/<str:name>.csv": "staff console: brand team only (members and visitors refused, tests/analytics), figures and member names",
    "manage/voice/": "staff console: brand team only (members and visitors refused, tests/analytics/test_voice.py); themes and requests quote posts to staff, who moderate them",
    "manage/segments/<str:name>/push/": "staff console POST: sends a segment to the brand's webhook, owners and admins only (tests/analytics/test_segment_webhook.py)",
    "manage/pushes/<int:push_id>/resend/": "staff console POST: sends a dead-lettered segment again, owners and admins only",
    "go/<str:token>/": "a redirect to the shop URL a rendered post pointed to; shows no member text",
    # Showcases (docs/showcases.md) show showcase text only; their own states are tested there.
    "showcases/": "members' showcases, never community posts (pending/rejected showcases: tests/showcases)",
    "showcases/share/": "members' showcases, never community posts (pending/rejected showcases: tests/showcases)",
    "showcases/<int:showcase_id>/": "members' showcases, never community posts (pending/rejected showcases: tests/showcases)",
    "showcases/<int:showcase_id>/react/": "members' showcases, never community posts (pending/rejected showcases: tests/showcases)",
    "showcases/<int:showcase_id>/comment/": "members' showcases, never community posts (pending/rejected showcases: tests/showcases)",
    "showcases/<int:showcase_id>/flag/": "members' showcases, never community posts (pending/rejected showcases: tests/showcases)",
    "showcases/<int:showcase_id>/feature/": "members' showcases, never community posts (pending/rejected showcases: tests/showcases)",
    "showcases/<int:showcase_id>/unfeature/": "members' showcases, never community posts (pending/rejected showcases: tests/showcases)",
    "showcases/<int:showcase_id>/publish/": "members' showcases, never community posts (pending/rejected showcases: tests/showcases)",
    "showcases/<int:showcase_id>/reject/": "members' showcases, never community posts (pending/rejected showcases: tests/showcases)",
    # Reviews (docs/reviews.md) show review text only; their own states are tested there.
    "products/<int:product_id>/reviews/": "product reviews, never community posts (pending/rejected reviews: tests/reviews)",
    "products/<int:product_id>/reviews/write/": "product reviews, never community posts (pending/rejected reviews: tests/reviews)",
    "reviews/<int:review_id>/edit/": "product reviews, never community posts (pending/rejected reviews: tests/reviews)",
    "reviews/<int:review_id>/helpful/": "product reviews, never community posts (pending/rejected reviews: tests/reviews)",
    "reviews/<int:review_id>/reply/": "product reviews, never community posts (pending/rejected reviews: tests/reviews)",
    "reviews/<int:review_id>/flag/": "product reviews, never community posts (pending/rejected reviews: tests/reviews)",
    "reviews/<int:review_id>/publish/": "product reviews, never community posts (pending/rejected reviews: tests/reviews)",
    "reviews/<int:review_id>/reject/": "product reviews, never community posts (pending/rejected reviews: tests/reviews)",
    "me/reviews/": "product reviews, never community posts (pending/rejected reviews: tests/reviews)",
    "reviews/request/<str:token>/": "product reviews, never community posts (pending/rejected reviews: tests/reviews)",
    "reviews/unsubscribe/<str:token>/": "product reviews, never community posts (pending/rejected reviews: tests/reviews)",
    "widget/products/<int:product_id>/reviews/": "product reviews, never community posts (pending/rejected reviews: tests/reviews)",
    "widget/reviews.js": "product reviews, never community posts (pending/rejected reviews: tests/reviews)",
    "chat/": "chat messages, never community posts (room and conversation access: tests/chat and the authorization matrix)",
    "chat/r/<int:room_id>/": "chat messages, never community posts (room and conversation access: tests/chat and the authorization matrix)",
    "chat/r/<int:room_id>/messages/": "chat messages, never community posts (room and conversation access: tests/chat and the authorization matrix)",
    "chat/r/<int:room_id>/read/": "chat messages, never community posts (room and conversation access: tests/chat and the authorization matrix)",
    "chat/r/<int:room_id>/online/": "chat messages, never community posts (room and conversation access: tests/chat and the authorization matrix)",
    "chat/r/<int:room_id>/moderate/": "chat messages, never community posts (room and conversation access: tests/chat and the authorization matrix)",
    "chat/m/<int:message_id>/edit/": "chat messages, never community posts (room and conversation access: tests/chat and the authorization matrix)",
    "chat/m/<int:message_id>/delete/": "chat messages, never community posts (room and conversation access: tests/chat and the authorization matrix)",
    "chat/m/<int:message_id>/react/": "chat messages, never community posts (room and conversation access: tests/chat and the authorization matrix)",
    "chat/m/<int:message_id>/flag/": "chat messages, never community posts (room and conversation access: tests/chat and the authorization matrix)",
    "chat/search/": "chat messages, never community posts (room and conversation access: tests/chat and the authorization matrix)",
    "chat/direct/": "chat messages, never community posts (room and conversation access: tests/chat and the authorization matrix)",
    "chat/settings/": "chat messages, never community posts (room and conversation access: tests/chat and the authorization matrix)",
    "spaces.css": "space colours",
    "s/<slug:slug>/members/": "member names and roles",
    "s/<slug:slug>/new/": "an empty topic form",
    "s/<slug:slug>/membership/": "a join button",
    "s/<slug:slug>/follow/": "a follow button naming the space",
    "members/<str:handle>/follow/": "a follow button naming the member",
    "members/<str:handle>/unfollow/": "a follow button naming the member",
    "settings/profile/": "the member's own settings",
    "settings/tokens/": "the member's own tokens",
    "settings/tokens/<int:token_id>/revoke/": "the member's own tokens",
    "settings/language/": "a redirect",
    "settings/privacy/": "the member's own privacy settings",
    "settings/privacy/consent/": "the member's own consent",
    "settings/privacy/exports/": "the member's own export request",
    "settings/privacy/exports/<int:export_id>/download/": "the member's own data, to them only",
    "settings/privacy/delete/": "the member's own account",
    "settings/trust/": "the member's own trust level",
    "webhooks/shopify/": "store webhooks",
    "webhooks/woocommerce/": "store webhooks",
    "webhooks/bigcommerce/": "store webhooks",
    "healthz": "a health check",
    "robots.txt": "crawler rules",
    "bench/bare": "a benchmark endpoint",
    "csrf-token": "a CSRF token for the visitor, no content",
    "rewards/wallet/": "the member's own points",
    "r/<str:code>": "a redirect",
    "referrals/": "the member's own link and referred members' names",
    "referrals/ambassadors/apply/": "a form",
    "referrals/ambassadors/dashboard/": "the ambassador's own figures",
    "referrals/ambassadors/dashboard.csv": "the ambassador's own figures",
    "referrals/staff/review/": "referrals for staff review",
    "referrals/staff/review/<int:pk>/<str:decision>/": "a staff decision",
    "referrals/staff/ambassadors/": "ambassadors' figures and applications",
    "referrals/staff/applications/<int:pk>/<str:decision>/": "a staff decision",
    "referrals/staff/ambassadors/<int:pk>/code/": "a staff action",
    "referrals/staff/ambassadors/<int:pk>/retire/": "a staff action",
    "referrals/staff/payouts.csv": "ambassadors' figures",
    "s/<slug:slug>/new/poll/": "a form",
    "t/<int:topic_id>/poll/add/": "a form, for a topic reached through access_topic",
    "polls/<int:poll_id>/vote/": "a poll: question and options of a topic reached through access_topic, so a poll in a hidden topic is a 404 (tests/surveys)",
    "polls/<int:poll_id>/close/": "a poll: question and options of a topic reached through access_topic, so a poll in a hidden topic is a 404 (tests/surveys)",
    "surveys/": "the titles of surveys the member was invited to",
    "surveys/<int:survey_id>/": "a survey's questions, written by the brand team",
    "manage/surveys/": "surveys for the brand team",
    "manage/surveys/new/": "a form",
    "manage/surveys/<int:survey_id>/": "survey answers for the brand team, never community posts",
    "manage/surveys/<int:survey_id>/open/": "a staff action",
    "manage/surveys/<int:survey_id>/close/": "a staff action",
    "manage/surveys/<int:survey_id>/answers.csv": "survey answers for the brand team",
    "rewards/members/<str:handle>/ledger/": "points",
    "rewards/leaderboard/": "member names and points",
    "rewards/perks/": "perks the brand lists",
    "rewards/perks/<int:perk_id>/redeem/": "a redemption",
    "rewards/member-of-the-month/": "a member's name and the brand's citation",
    "badges/": "badges",
    "badges/<slug:slug>/": "badges and their holders",
    "badges/<slug:slug>/award/": "a badge award",
    "guidelines/": "the brand's guidelines",
    "guidelines/accept/": "a redirect",
    "moderation/guidelines/": "the brand's guidelines (staff)",
    "moderation/flag/member/<str:handle>/": "a flag on a member",
    "moderation/queue/<int:item_id>/": "a redirect after a decision (moderators)",
    "moderation/notices/": "moderators' messages to the member about their own posts",
    "moderation/sanctions/<int:sanction_id>/appeal/": "the member's own sanction",
    "moderation/blocked/": "the member's own sanction",
    "moderation/members/<str:handle>/sanctions/": "sanctions (staff)",
    "moderation/appeals/": "appeals (staff: moderators see everything)",
    "moderation/appeals/<int:appeal_id>/": "a redirect after a decision (staff)",
    "moderation/audit/": "the audit log (staff: moderators see everything)",
    "moderation/audit/export.csv": "the audit log (staff: moderators see everything)",
}


# The API -----------------------------------------------------------------------------------


def _api_per_post(template: str, method: str = "GET", data=None):
    def requests(s: Scene):
        return [Req(method, template.format(post_id=pk), data) for pk in _hidden_posts(s)]

    return requests


def _api_per_topic(template: str, method: str = "GET", data=None):
    def requests(s: Scene):
        topics = [*_hidden_topics(s), s.question]
        return [Req(method, template.format(topic_id=t.pk), data) for t in topics]

    return requests


WALKED_API = {
    "GET /api/v1/topics": lambda s: [_get("/topics"), _get("/topics?space=open&kind=question")],
    "GET /api/v1/topics/{topic_id}": _api_per_topic("/topics/{topic_id}"),
    "PATCH /api/v1/topics/{topic_id}": _api_per_topic("/topics/{topic_id}", "PATCH", {}),
    "GET /api/v1/topics/{topic_id}/replies": _api_per_topic("/topics/{topic_id}/replies"),
    "POST /api/v1/topics/{topic_id}/replies": lambda s: (
        _api_per_topic("/topics/{topic_id}/replies", "POST", {"body": "Me too"})(s)
        + [
            Req("POST", f"/topics/{s.question.pk}/replies", {"body": "Quote", "reply_to": pk})
            for pk in _hidden_posts(s)
        ]
    ),
    "DELETE /api/v1/topics/{topic_id}/accepted-answer": _api_per_topic(
        "/topics/{topic_id}/accepted-answer", "DELETE"
    ),
    "POST /api/v1/topics/{topic_id}/follow": _api_per_topic("/topics/{topic_id}/follow", "POST"),
    "GET /api/v1/posts/{post_id}": _api_per_post("/posts/{post_id}"),
    "PATCH /api/v1/posts/{post_id}": _api_per_post("/posts/{post_id}", "PATCH", {"body": "x"}),
    "POST /api/v1/posts/{post_id}/accept": _api_per_post("/posts/{post_id}/accept", "POST"),
    "POST /api/v1/posts/{post_id}/reactions": _api_per_post(
        "/posts/{post_id}/reactions", "POST", {"kind": "like"}
    ),
    "DELETE /api/v1/posts/{post_id}/reactions/{kind}": _api_per_post(
        "/posts/{post_id}/reactions/like", "DELETE"
    ),
    "POST /api/v1/posts/{post_id}/reactions/{kind}/toggle": _api_per_post(
        "/posts/{post_id}/reactions/like/toggle", "POST"
    ),
    "GET /api/v1/members/{handle}": lambda s: [_get("/members/writer")],
    "GET /api/v1/notifications": lambda s: [_get("/notifications")],
    "GET /api/v1/search": lambda s: [_get("/search?q=zebra")],
    "POST /api/v1/moderation/flags": lambda s: [
        Req("POST", "/moderation/flags", {"target_type": "post", "target_id": pk, "reason": "spam"})
        for pk in _hidden_posts(s)
    ],
    "GET /api/v1/moderation/queue": lambda s: [_get("/moderation/queue")],
}

NO_MEMBER_TEXT_API = {
    "GET /api/v1/ideas": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "POST /api/v1/ideas": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "GET /api/v1/ideas/roadmap": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "GET /api/v1/ideas/{idea_id}": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "POST /api/v1/ideas/{idea_id}/support": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "DELETE /api/v1/ideas/{idea_id}/support": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "POST /api/v1/ideas/{idea_id}/comments": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "POST /api/v1/ideas/{idea_id}/status": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "GET /api/v1/ideas/boards/{slug}/requests": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "POST /api/v1/ideas/boards/{slug}/requests": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "POST /api/v1/ideas/requests/{request_id}/vote": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "DELETE /api/v1/ideas/requests/{request_id}/vote": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "POST /api/v1/ideas/requests/{request_id}/merge": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "POST /api/v1/ideas/requests/{request_id}/status": "ideas and feature requests, never community posts (hidden ideas and comments: tests/ideas)",
    "GET /api/v1/events": EVENTS_TEXT,
    "GET /api/v1/events/{event_id}": EVENTS_TEXT,
    "PUT /api/v1/events/{event_id}/registration": EVENTS_TEXT,
    "DELETE /api/v1/events/{event_id}/registration": EVENTS_TEXT,
    "POST /api/v1/events/{event_id}/check-in": EVENTS_TEXT,
    "GET /api/v1/events/{event_id}/questions": EVENTS_TEXT,
    "POST /api/v1/events/{event_id}/questions": EVENTS_TEXT,
    "POST /api/v1/events/questions/{question_id}/vote": EVENTS_TEXT,
    "POST /api/v1/events/questions/{question_id}/answer": EVENTS_TEXT,
    "GET /api/v1/reviews/products/{product_id}": "product reviews, never community posts (pending/rejected reviews: tests/reviews)",
    "POST /api/v1/reviews/products/{product_id}": "product reviews, never community posts (pending/rejected reviews: tests/reviews)",
    "POST /api/v1/reviews/{review_id}/helpful": "product reviews, never community posts (pending/rejected reviews: tests/reviews)",
    "GET /api/v1/surveys/polls/{poll_id}": "a poll: question and options of a topic reached through access_topic, so a poll in a hidden topic is a 404 (tests/surveys)",
    "POST /api/v1/surveys/polls/{poll_id}/vote": "a poll: question and options of a topic reached through access_topic, so a poll in a hidden topic is a 404 (tests/surveys)",
    "POST /api/v1/surveys/topics/{topic_id}/poll": "a poll: question and options of a topic reached through access_topic, so a poll in a hidden topic is a 404 (tests/surveys)",
    "GET /api/v1/surveys/me": "the titles of surveys the member was invited to",
    "GET /api/v1/surveys/{survey_id}": "a survey's questions, written by the brand team",
    "POST /api/v1/surveys/{survey_id}/responses": "the member's own answers",
    "GET /api/v1/surveys/{survey_id}/results": "survey answers for the brand team, never community posts",
    "GET /api/v1/spaces": "spaces",
    "GET /api/v1/spaces/{slug}": "a space",
    "POST /api/v1/spaces/{slug}/join": "a space",
    "POST /api/v1/spaces/{slug}/leave": "nothing",
    "GET /api/v1/spaces/{slug}/members": "member names and roles",
    "POST /api/v1/spaces/{slug}/follow": "nothing",
    "DELETE /api/v1/spaces/{slug}/follow": "nothing",
    "POST /api/v1/topics": "the caller's own new topic",
    "DELETE /api/v1/topics/{topic_id}": "nothing (204)",
    "DELETE /api/v1/topics/{topic_id}/follow": "nothing",
    "DELETE /api/v1/posts/{post_id}": "nothing (204)",
    "GET /api/v1/members": "member names",
    "POST /api/v1/members/{handle}/follow": "nothing",
    "DELETE /api/v1/members/{handle}/follow": "nothing",
    "GET /api/v1/me": "the caller's own profile",
    "PATCH /api/v1/me": "the caller's own profile",
    "GET /api/v1/me/tokens": "the caller's own tokens",
    "POST /api/v1/me/tokens": "the caller's own tokens",
    "DELETE /api/v1/me/tokens/{token_id}": "the caller's own tokens",
    "GET /api/v1/notifications/unread-count": "a number",
    "POST /api/v1/notifications/read": "numbers",
    "GET /api/v1/rewards/me": "the caller's own points",
    "GET /api/v1/referrals/me": "the caller's own code and figures",
    "GET /api/v1/referrals/me/referrals": "the caller's own referrals",
    "GET /api/v1/rewards/me/ledger": "the caller's own points",
    "GET /api/v1/rewards/members/{handle}/ledger": "points",
    "GET /api/v1/rewards/me/redemptions": "the caller's own redemptions",
    "GET /api/v1/rewards/leaderboard": "member names and points",
    "GET /api/v1/rewards/perks": "perks the brand lists",
    "POST /api/v1/rewards/perks/{perk_id}/redeem": "a redemption",
    "GET /api/v1/trust/me": "the caller's own trust level",
    "GET /api/v1/badges": "badges",
    "GET /api/v1/badges/members/{handle}": "badges",
    "GET /api/v1/badges/{slug}": "a badge",
    "POST /api/v1/badges/{slug}/grants": "a badge grant",
    "GET /api/v1/privacy/exports": "the caller's own exports",
    "POST /api/v1/privacy/exports": "the caller's own exports",
    "GET /api/v1/privacy/exports/{export_id}/download": "the caller's own data",
    "GET /api/v1/privacy/consents": "the caller's own consents",
    "PUT /api/v1/privacy/consents/marketing_email": "the caller's own consents",
    "POST /api/v1/privacy/erasure": "the caller's own account",
    "POST /api/v1/moderation/queue/{item_id}/decision": "a queue item (moderators)",
    "GET /api/v1/moderation/guidelines": "the brand's guidelines",
    "POST /api/v1/moderation/guidelines/accept": "nothing",
    "POST /api/v1/moderation/appeals": "the caller's own appeal",
}


# Classification ----------------------------------------------------------------------------


def test_every_url_pattern_is_classified():
    routes = [r for r in walk_patterns() if not r.startswith(tuple(DELEGATED_PREFIXES))]
    classified = set(WALKED_PAGES) | set(NO_MEMBER_TEXT_PAGES)
    unclassified = [route for route in routes if route not in classified]
    assert unclassified == [], (
        f"Walk these URL patterns (WALKED_PAGES) or say why they show no member text "
        f"(NO_MEMBER_TEXT_PAGES): {unclassified}"
    )
    assert sorted(classified - set(routes)) == []
    assert set(WALKED_PAGES) & set(NO_MEMBER_TEXT_PAGES) == set()


def test_every_api_operation_is_classified(client):
    document = client.get("/api/v1/openapi.json").json()
    operations = {
        f"{method.upper()} {path}"
        for path, methods in document["paths"].items()
        for method in methods
    }
    classified = set(WALKED_API) | set(NO_MEMBER_TEXT_API)
    assert sorted(operations - classified) == [], "Walk these API operations or say why not"
    assert sorted(classified - operations) == []
    assert set(WALKED_API) & set(NO_MEMBER_TEXT_API) == set()


# The walk ----------------------------------------------------------------------------------


def _page_client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _send(client: Client, request: Req, *, api: ApiClient | None = None):
    if api is not None:
        if request.method == "GET":
            return api.get(request.path)
        return api.request(request.method, request.path, request.data or {})
    if request.method == "GET":
        return client.get(request.path, headers=request.headers or {}, follow=True)
    return client.post(request.path, request.data or {}, headers=request.headers or {}, follow=True)


def _leaks(response) -> list[str]:
    body = response.content.decode()
    return [word for word in HIDDEN_WORDS if word in body]


def _walk_pages(scene: Scene, user) -> dict:
    leaks = {}
    for route, requests in WALKED_PAGES.items():
        for request in requests(scene):
            response = _send(_page_client(user), request)
            assert response.status_code < 500, (route, request, response.status_code)
            found = _leaks(response)
            if found:
                leaks[f"{request.method} {request.path}"] = found
    return leaks


def _walk_api(scene: Scene, user) -> dict:
    api = ApiClient(token=token_for(user)) if user is not None else ApiClient()
    leaks = {}
    for operation, requests in WALKED_API.items():
        for request in requests(scene):
            response = _send(Client(), request, api=api)
            assert response.status_code < 500, (operation, request, response.status_code)
            found = _leaks(response)
            if found:
                leaks[f"{request.method} {request.path}"] = found
    return leaks


@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_no_page_or_fragment_shows_hidden_words(scene, who):
    user = scene.reader if who == "reader" else None

    assert _walk_pages(scene, user) == {}


@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_no_api_operation_shows_hidden_words(scene, who):
    user = scene.reader if who == "reader" else None

    assert _walk_api(scene, user) == {}


def test_nothing_was_written_into_hidden_content_on_the_walk(scene):
    community_services.unaccept_answer(topic=scene.question, by=scene.reader)
    _walk_pages(scene, scene.reader)
    _walk_api(scene, scene.reader)

    for topic in _hidden_topics(scene):
        topic.refresh_from_db()
        assert topic.posts.filter(author=scene.reader).count() == 0
        assert not topic.is_pinned
    hidden = _hidden_posts(scene)
    assert not ReviewItem.objects.filter(post_id__in=hidden, flags__flagger=scene.reader).exists()
    assert not Reaction.objects.filter(post_id__in=hidden).exists()
    assert not Post.objects.filter(reply_to_id__in=hidden, author=scene.reader).exists()
    scene.question.refresh_from_db()
    assert scene.question.accepted_answer_id is None  # no hidden reply became the answer


def test_moderators_see_hidden_content_where_they_are_meant_to(scene):
    client = _page_client(scene.staff)
    flagged_topic = client.get(scene.flagged_topic.get_absolute_url()).content.decode()
    question = client.get(scene.question.get_absolute_url()).content.decode()
    history = client.get(f"/p/{scene.flagged_reply.pk}/history/").content.decode()
    queue = client.get("/moderation/queue/").content.decode()
    api = ApiClient(token=token_for(scene.staff)).get(f"/posts/{scene.rejected_reply.pk}")

    assert FLAGGED_TOPIC in flagged_topic and REPLY_IN_FLAGGED_TOPIC in flagged_topic
    assert FLAGGED_REPLY in question and REJECTED_REPLY in question
    assert "Rejected by moderators" in question
    assert OLD_TEXT in history
    assert FLAGGED_REPLY in queue
    assert api.json()["moderation_state"] == "rejected"


def test_images_of_hidden_posts_are_not_served(scene, settings, tmp_path):
    """An image in a reply hidden on flags, a rejected reply or a hidden topic's opening post
    is a 404 for visitors and other members, as the post is; moderators still see it."""
    from django.core.files.base import ContentFile

    from flywheel.community.models import PostImage
    from tests.core.image_files import image_bytes

    settings.MEDIA_ROOT = tmp_path / "media"
    urls = []
    for number, post_id in enumerate(
        [scene.flagged_reply.pk, scene.rejected_reply.pk, _opening(scene.flagged_topic)]
    ):
        post = Post.objects.get(pk=post_id)
        image = PostImage(
            key=f"{number:032d}", uploader=post.author, post=post, created_at=timezone.now()
        )
        image.image.save(f"{image.key}.webp", ContentFile(image_bytes()), save=False)
        image.width, image.height = 500, 300
        image.save()
        urls.append(image.get_absolute_url())
    for client in (Client(), _page_client(scene.reader)):
        assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    staff = _page_client(scene.staff)
    assert [staff.get(url).status_code for url in urls] == [200, 200, 200]


def test_the_author_sees_their_own_flagged_words_marked_but_not_rejected_ones(scene):
    client = _page_client(scene.writer)
    question = client.get(scene.question.get_absolute_url()).content.decode()
    own_topic = client.get(scene.flagged_topic.get_absolute_url())
    rejected_topic = client.get(scene.rejected_topic.get_absolute_url())

    assert FLAGGED_REPLY in question and "Hidden by moderators" in question
    assert REJECTED_REPLY not in question
    assert own_topic.status_code == 200 and FLAGGED_TOPIC in own_topic.content.decode()
    assert rejected_topic.status_code == 404


def test_no_mention_email_or_digest_carries_hidden_words(scene):
    # The mention e-mails went out when the posts were written; send again as if the task
    # had run only after moderation hid them.
    Notification.objects.update(emailed_at=None)
    mail.outbox.clear()
    emails.send_mention_emails(list(Notification.objects.values_list("pk", flat=True)))
    emails.send_weekly_digests(now=timezone.now(), handle="reader")

    texts = [message.body for message in mail.outbox] + [
        str(alternative[0]) for message in mail.outbox for alternative in message.alternatives
    ]
    assert [word for word in HIDDEN_WORDS if any(word in text for text in texts)] == []
    assert any("Tent talk" in text for text in texts)  # the digest went out


def _get_every_page(scene: Scene, user) -> dict:
    """The GET requests of the walk only (nothing written), as `user`; leaks by path."""
    leaks = {}
    client = _page_client(user)
    for requests in WALKED_PAGES.values():
        for request in requests(scene):
            if request.method != "GET":
                continue
            found = _leaks(_send(client, request))
            if found:
                leaks[request.path] = found
    return leaks


@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_pages_cached_for_a_moderator_never_reach_a_reader_or_a_signed_out_visitor(scene, who):
    """core.member_cache keeps whole pages per session and one copy for everyone signed out:
    with every page first cached as staff saw it (hidden posts shown), the others' walks, the
    second one served from the cache, still show nothing hidden."""
    assert _get_every_page(scene, scene.staff) != {}  # staff do see hidden words
    _get_every_page(scene, scene.staff)
    user = scene.reader if who == "reader" else None
    assert _get_every_page(scene, user) == {}
    assert _get_every_page(scene, user) == {}
