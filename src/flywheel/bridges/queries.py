from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from flywheel.bridges.models import Bridge
from flywheel.community.models import Topic, TopicKind
from flywheel.community.permissions import can_view_topic


def bridges_for_topic(topic: Topic) -> QuerySet[Bridge]:
    """Active bridges that carry this topic: its space is bridged, or it is an announcement
    and the bridge carries announcements."""
    carries = Q(spaces=topic.space_id)
    if topic.kind == TopicKind.ANNOUNCEMENT:
        carries |= Q(post_announcements=True)
    return Bridge.objects.filter(carries, is_active=True).distinct().order_by("pk")


def is_public(topic: Topic) -> bool:
    """Only what a signed-out visitor may read leaves the community: not a members-only or
    gated space, not a topic held or hidden by moderation, not a deleted one."""
    return can_view_topic(AnonymousUser(), topic)
