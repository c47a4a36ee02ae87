"""Reads about members shared by pages, the API and tasks."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from flywheel.accounts.models import PersonalAccessToken, User
from flywheel.community.models import Follow, Post, Topic
from flywheel.community.permissions import (
    filter_posts_queryset,
    filter_spaces_queryset,
    filter_topics_queryset,
    hidden_post_ids,
)

RECENT_ITEMS = 10


def get_member_by_handle(handle: str) -> User:
    """The active member with this handle, whatever its case; Http404 when there is none."""
    member = User.objects.filter(handle__iexact=handle, is_active=True).first()
    if member is None:
        raise Http404(_("No such member."))
    return member


def readable_space_ids(viewer) -> QuerySet:
    """A subquery of the spaces the viewer may read. Build it once per page: it may itself ask
    the database which gated spaces let the viewer in."""
    return filter_spaces_queryset(viewer).values("pk")


def visible_topics_by(member: User, *, viewer, readable_spaces: QuerySet) -> QuerySet[Topic]:
    """Topics the member started that the viewer may see, newest first."""
    return (
        filter_topics_queryset(
            viewer, Topic.objects.filter(author=member), readable_spaces=readable_spaces
        )
        .select_related("space")
        .order_by("-created_at", "-id")
    )


def visible_replies_by(member: User, *, viewer, readable_spaces: QuerySet) -> QuerySet[Post]:
    """Replies (not opening posts) the member wrote that the viewer may see, newest first."""
    return (
        filter_posts_queryset(
            viewer,
            Post.objects.filter(author=member, number__gt=1),
            readable_spaces=readable_spaces,
        )
        .select_related("topic__space")
        .order_by("-created_at", "-id")
    )


def visible_accepted_answers_by(
    member: User, *, viewer, readable_spaces: QuerySet
) -> QuerySet[Topic]:
    """Visible questions whose accepted answer is the member's and visible too."""
    return filter_topics_queryset(
        viewer,
        Topic.objects.filter(
            accepted_answer__author=member, accepted_answer__deleted_at__isnull=True
        ).exclude(accepted_answer__in=hidden_post_ids()),
        readable_spaces=readable_spaces,
    )


@dataclass(frozen=True)
class MemberProfile:
    member: User
    topic_count: int
    reply_count: int
    accepted_answer_count: int
    recent_topics: list[Topic]
    recent_replies: list[Post]
    viewer_follows: bool
    follower_count: int


def member_profile(member: User, *, viewer) -> MemberProfile:
    """Everything the public profile shows, scoped to what the viewer may read.

    A fixed number of queries however much the member has written.
    """
    viewer_follows = bool(
        viewer.is_authenticated
        and viewer.pk != member.pk
        and Follow.objects.filter(follower=viewer, member=member).exists()
    )
    readable = readable_space_ids(viewer)
    topics = visible_topics_by(member, viewer=viewer, readable_spaces=readable)
    replies = visible_replies_by(member, viewer=viewer, readable_spaces=readable)
    return MemberProfile(
        member=member,
        topic_count=topics.count(),
        reply_count=replies.count(),
        accepted_answer_count=visible_accepted_answers_by(
            member, viewer=viewer, readable_spaces=readable
        ).count(),
        recent_topics=list(topics[:RECENT_ITEMS]),
        recent_replies=list(replies.defer("body_html")[:RECENT_ITEMS]),
        viewer_follows=viewer_follows,
        follower_count=Follow.objects.filter(member=member).count(),
    )


def active_tokens_for(user: User) -> QuerySet[PersonalAccessToken]:
    return PersonalAccessToken.objects.filter(user=user, revoked_at__isnull=True).order_by(
        "-created_at", "-id"
    )
