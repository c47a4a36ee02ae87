"""E-mails to members: a mention, and the weekly digest. Each goes out in the member's
language, at most once: a claim is written before sending and undone if sending fails."""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from flywheel.community import permissions
from flywheel.community.models import Follow, SpaceMembership, Topic
from flywheel.community.permissions import filter_spaces_queryset
from flywheel.core.markup import excerpt
from flywheel.notifications.models import Notification, NotificationKind
from flywheel.notifications.queries import notifications_for

logger = logging.getLogger(__name__)

DIGEST_PERIOD = timedelta(days=7)
# The weekly beat can fire a little early; half a day of slack still sends at most once a week.
DIGEST_MIN_INTERVAL = DIGEST_PERIOD - timedelta(hours=12)
DIGEST_TOPICS = 5


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(*, member, template: str, context: dict) -> None:
    """Render <template>_subject.txt, .txt and .html in the member's language and send."""
    with translation.override(member.language or settings.LANGUAGE_CODE):
        context = {
            **context,
            "member": member,
            "brand_name": settings.BRAND_NAME,
            "settings_url": absolute_url(reverse("accounts:settings")),
        }
        subject = render_to_string(f"notifications/email/{template}_subject.txt", context)
        text = render_to_string(f"notifications/email/{template}.txt", context)
        html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body=text,
        to=[member.email],
    )
    message.attach_alternative(html, "text/html")
    message.send()


def send_mention_emails(notification_ids: list[int]) -> int:
    """E-mail each mentioned member who wants mention e-mails, once. Returns e-mails sent.

    Skipped: already e-mailed or read, mention e-mails switched off, and posts the member may
    not see (deleted, held, hidden, in a space closed to them: community.permissions).
    """
    notifications = (
        Notification.objects.filter(
            pk__in=notification_ids,
            kind=NotificationKind.MENTION,
            emailed_at__isnull=True,
            read_at__isnull=True,
            recipient__is_active=True,
            recipient__mention_emails_enabled=True,
            # Mentions in a post; a chat mention (no post) reaches the bell live instead.
            post__isnull=False,
            post__deleted_at__isnull=True,
            topic__deleted_at__isnull=True,
        )
        .exclude(recipient__email="")
        .select_related("recipient", "actor", "topic", "post")
    )
    sent = 0
    for notification in notifications:
        # Held, hidden or rejected since it was written, or the topic is: its text stays out.
        if not permissions.can_view_post(notification.recipient, notification.post):
            continue
        # The claim: whoever sets emailed_at first sends; a retry or a twin task finds it set.
        claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            continue
        try:
            _send(
                member=notification.recipient,
                template="mention",
                context={
                    "notification": notification,
                    "actor_name": notification.actor.name if notification.actor else "",
                    "topic": notification.topic,
                    "excerpt": excerpt(notification.post.body, 400),
                    "url": absolute_url(notification.get_absolute_url()),
                },
            )
        except Exception:
            Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
            raise
        sent += 1
    return sent


@dataclass
class Digest:
    member: object
    since: datetime
    topics: list[Topic] = field(default_factory=list)
    new_topic_count: int = 0
    new_notification_count: int = 0
    unread_count: int = 0

    @property
    def has_news(self) -> bool:
        return bool(self.new_topic_count or self.new_notification_count)


def build_digest(member, *, now: datetime) -> Digest:
    """What is new for the member since their last digest (or the past week)."""
    since = member.last_digest_at or now - DIGEST_PERIOD
    followed = Follow.objects.filter(follower=member, space__isnull=False).values("space_id")
    joined = SpaceMembership.objects.filter(member=member).values("space_id")
    spaces = filter_spaces_queryset(member).filter(Q(pk__in=followed) | Q(pk__in=joined))
    # The same rules as every list (held, hidden and rejected topics never make a digest).
    new_topics = permissions.filter_topics_queryset(
        member,
        Topic.objects.filter(created_at__gt=since, created_at__lte=now).exclude(author=member),
        readable_spaces=spaces.values("pk"),
    )
    unread = notifications_for(member).filter(read_at__isnull=True)
    return Digest(
        member=member,
        since=since,
        topics=list(
            new_topics.select_related("space", "author").order_by(
                "-reply_count", "-reaction_count", "-created_at", "-id"
            )[:DIGEST_TOPICS]
        ),
        new_topic_count=new_topics.count(),
        new_notification_count=unread.filter(created_at__gt=since).count(),
        unread_count=unread.count(),
    )


def members_due_a_digest(*, now: datetime, handle: str | None = None):
    members = get_user_model().objects.filter(is_active=True, digest_enabled=True).exclude(email="")
    if handle:
        members = members.filter(handle__iexact=handle)
    return members.filter(
        Q(last_digest_at__isnull=True) | Q(last_digest_at__lte=now - DIGEST_MIN_INTERVAL)
    ).order_by("pk")


def send_weekly_digests(
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    handle: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Send each member who wants it a digest of the week, at most once a week.

    Members with nothing new are skipped (and asked again next run). Returns digests sent,
    or on a dry run the number that would be sent; a dry run writes nothing.
    """
    now = now or timezone.now()
    report = progress or (lambda message: None)
    user_model = get_user_model()
    sent = 0
    for member in members_due_a_digest(now=now, handle=handle).iterator(chunk_size=200):
        digest = build_digest(member, now=now)
        if not digest.has_news:
            report(f"@{member.handle}: nothing new, skipped")
            continue
        summary = f"{digest.new_topic_count} new topics, {digest.unread_count} unread"
        if dry_run:
            report(f"@{member.handle}: would send ({summary})")
            sent += 1
            continue
        previous = member.last_digest_at
        # Compare-and-set, so two runs at once cannot both send this member's digest.
        claim = user_model.objects.filter(pk=member.pk)
        claim = (
            claim.filter(last_digest_at=previous)
            if previous
            else claim.filter(last_digest_at__isnull=True)
        )
        claimed = claim.update(last_digest_at=now)
        if not claimed:
            continue
        try:
            _send(
                member=member,
                template="digest",
                context={
                    "digest": digest,
                    "topics": [
                        {"topic": topic, "url": absolute_url(topic.get_absolute_url())}
                        for topic in digest.topics
                    ],
                    "more_topics": max(0, digest.new_topic_count - len(digest.topics)),
                    "notifications_url": absolute_url(reverse("notifications:list")),
                },
            )
        except Exception:
            user_model.objects.filter(pk=member.pk).update(last_digest_at=previous)
            logger.exception("Weekly digest to member %s failed; will retry next run", member.pk)
            report(f"@{member.handle}: sending failed")
            continue
        sent += 1
        report(f"@{member.handle}: sent ({summary})")
    return sent
