"""Chat fixtures: rooms, members, and the REAL Redis channel layer for consumer tests
(FLYWHEEL_TEST_REDIS_URL, as the suite's other Redis tests)."""

import os
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser

from flywheel.chat import services
from flywheel.community.models import SpaceAccessGrant, Visibility
from tests.factories import AdminFactory, SpaceFactory, UserFactory

REDIS_URL = os.environ.get("FLYWHEEL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_channel_layer(settings):
    """The channels_redis layer on the test Redis, with a prefix of its own per test so no
    group outlives its test."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail(
            f"Redis is not reachable at {REDIS_URL}: consumer tests run against the real "
            "channel layer (start redis-server, or set FLYWHEEL_TEST_REDIS_URL).",
            pytrace=False,
        )
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": f"test-chat-{uuid.uuid4().hex[:10]}"},
        }
    }
    from channels.layers import get_channel_layer

    return get_channel_layer()


@pytest.fixture
def staff(db):
    return AdminFactory(handle="brandteam")


@pytest.fixture
def anna(db):
    return UserFactory(handle="anna", display_name="Anna Berg")


@pytest.fixture
def ben(db):
    return UserFactory(handle="ben", display_name="Ben Okafor")


@pytest.fixture
def room(db, staff):
    space = SpaceFactory(slug="trail-talk", name="Trail talk")
    return services.open_room(name="lounge", space=space, by=staff)


@pytest.fixture
def gated_room(db, staff):
    space = SpaceFactory(slug="vip", name="VIP", visibility=Visibility.GATED)
    return services.open_room(name="insiders", space=space, by=staff)


def grant(space, member):
    SpaceAccessGrant.objects.create(space=space, member=member, reason="test")


ANONYMOUS = AnonymousUser()
