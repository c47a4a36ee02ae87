"""The badges `flywheel badges install-defaults` creates (by slug; existing ones are kept).

Verbs another app will record (event_attended, review_published, referral_converted) are
declared in core.models.Verb ahead of time: until that app records them, those badges never
fire.
"""

from django.utils.translation import gettext_noop as _noop

from flywheel.badges.models import BadgeGrade
from flywheel.core.models import Verb

DEFAULT_BADGES = [
    {
        "slug": "first-post",
        "name": _noop("First post"),
        "description": _noop("Started a topic or wrote a reply for the first time."),
        "grade": BadgeGrade.BRONZE,
        "icon": "chat-left-text",
        "criterion_kind": "verb_count",
        "criterion_params": {"verbs": [Verb.TOPIC_CREATED, Verb.REPLY_CREATED], "count": 1},
    },
    {
        "slug": "first-accepted-answer",
        "name": _noop("Problem solver"),
        "description": _noop("Wrote an answer the asker accepted."),
        "grade": BadgeGrade.BRONZE,
        "icon": "check-circle",
        "criterion_kind": "received_count",
        "criterion_params": {"verb": Verb.ANSWER_ACCEPTED, "member_key": "answerer_id", "count": 1},
    },
    {
        "slug": "accepted-answers-10",
        "name": _noop("Helpful"),
        "description": _noop("Ten answers accepted."),
        "grade": BadgeGrade.SILVER,
        "icon": "patch-check",
        "criterion_kind": "received_count",
        "criterion_params": {
            "verb": Verb.ANSWER_ACCEPTED,
            "member_key": "answerer_id",
            "count": 10,
        },
    },
    {
        "slug": "accepted-answers-50",
        "name": _noop("Guru"),
        "description": _noop("Fifty answers accepted."),
        "grade": BadgeGrade.GOLD,
        "icon": "mortarboard",
        "criterion_kind": "received_count",
        "criterion_params": {
            "verb": Verb.ANSWER_ACCEPTED,
            "member_key": "answerer_id",
            "count": 50,
        },
    },
    {
        "slug": "great-post",
        "name": _noop("Great post"),
        "description": _noop("A post liked by 25 members. Earned once per post."),
        "grade": BadgeGrade.SILVER,
        "icon": "heart",
        "criterion_kind": "reactions_on_post",
        "criterion_params": {"kind": "like", "count": 25},
        "is_multi_grant": True,
    },
    {
        "slug": "event-goer",
        "name": _noop("Event goer"),
        "description": _noop("Attended three community events."),
        "grade": BadgeGrade.BRONZE,
        "icon": "calendar-check",
        "criterion_kind": "verb_count",
        "criterion_params": {"verbs": [Verb.EVENT_ATTENDED], "count": 3},
    },
    {
        "slug": "photo-reviewer",
        "name": _noop("Photo reviewer"),
        "description": _noop("Published a product review with photos."),
        "grade": BadgeGrade.BRONZE,
        "icon": "camera",
        "criterion_kind": "verb_count",
        "criterion_params": {
            "verbs": [Verb.REVIEW_PUBLISHED],
            "count": 1,
            "payload": {"has_photos": True},
        },
    },
    {
        "slug": "first-purchase",
        "name": _noop("Verified customer"),
        "description": _noop("Bought from the store with the e-mail address of this account."),
        "grade": BadgeGrade.BRONZE,
        "icon": "bag-check",
        "criterion_kind": "verb_count",
        "criterion_params": {"verbs": [Verb.ORDER_PLACED], "count": 1},
    },
    {
        "slug": "top-referrer",
        "name": _noop("Top referrer"),
        "description": _noop("Ten friends joined and bought through your referral link."),
        "grade": BadgeGrade.GOLD,
        "icon": "people",
        "criterion_kind": "verb_count",
        "criterion_params": {"verbs": [Verb.REFERRAL_CONVERTED], "count": 10},
    },
    {
        "slug": "community-champion",
        "name": _noop("Community champion"),
        "description": _noop("Given by the brand team for going above and beyond."),
        "grade": BadgeGrade.GOLD,
        "icon": "star-fill",
        "is_manual": True,
    },
]
