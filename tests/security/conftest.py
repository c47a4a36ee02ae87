"""A small community with something of everything, for the authorisation and CSRF tests."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from flywheel.accounts.services import create_access_token
from flywheel.badges.models import Badge
from flywheel.community.models import SpaceAccessGrant, TopicKind, Visibility
from flywheel.notifications.models import Notification, NotificationKind
from flywheel.privacy.models import DataExport, ExportStatus
from flywheel.privacy.storage import private_storage
from flywheel.rewards.models import Perk
from tests.factories import (
    AdminFactory,
    ModeratorFactory,
    SpaceFactory,
    UserFactory,
    make_reply,
    make_topic,
)


@dataclass
class World:
    member: object
    other: object
    moderator: object
    admin: object
    public_space: object
    members_space: object
    gated_space: object
    public_topic: object
    members_topic: object
    gated_topic: object
    question: object
    reply: object
    token: object
    notification: object
    export: object
    badge: object
    perk: object


@pytest.fixture
def world(settings, tmp_path) -> World:
    settings.FLYWHEEL_PRIVATE_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    member, other = UserFactory(handle="owner"), UserFactory(handle="stranger")
    moderator, admin = ModeratorFactory(), AdminFactory()
    public_space = SpaceFactory(slug="open")
    members_space = SpaceFactory(slug="inner", visibility=Visibility.MEMBERS)
    gated_space = SpaceFactory(slug="vip", visibility=Visibility.GATED)
    SpaceAccessGrant.objects.create(space=gated_space, member=admin, reason="staff")
    public_topic = make_topic(space=public_space, author=member, title="Public topic")
    question = make_topic(
        space=public_space, author=member, title="A question", kind=TopicKind.QUESTION
    )
    reply = make_reply(topic=question, author=other, body="An answer")
    token, _raw = create_access_token(user=member, name="mine")
    now = timezone.now()
    return World(
        member=member,
        other=other,
        moderator=moderator,
        admin=admin,
        public_space=public_space,
        members_space=members_space,
        gated_space=gated_space,
        public_topic=public_topic,
        members_topic=make_topic(space=members_space, author=member, title="Members topic"),
        gated_topic=make_topic(space=gated_space, author=admin, title="Gated topic"),
        question=question,
        reply=reply,
        token=token,
        notification=Notification.objects.create(
            recipient=member, kind=NotificationKind.NEW_FOLLOWER, actor=other, created_at=now
        ),
        export=_ready_export(member, now),
        badge=Badge.objects.create(slug="helper", name="Helper", description="Helps"),
        perk=Perk.objects.create(name="Sticker", slug="sticker", kind="custom", cost_points=10),
    )


def _ready_export(member, now) -> DataExport:
    name = private_storage().save("exports/test.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
    return DataExport.objects.create(
        member=member,
        status=ExportStatus.READY,
        file_name=name,
        requested_at=now,
        ready_at=now,
        expires_at=now + timedelta(days=7),
    )
