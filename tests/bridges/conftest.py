import pytest

from flywheel.bridges.models import Bridge, Platform
from tests.bridges.fake_platforms import TELEGRAM_TOKEN, FakePlatforms
from tests.factories import ModeratorFactory, SpaceFactory, UserFactory, make_topic


@pytest.fixture
def fake(settings):
    with FakePlatforms() as platforms:
        settings.FLYWHEEL_BRIDGE_API_BASE_URLS = platforms.base_urls
        settings.SITE_URL = "https://community.northtrail.example"
        settings.BRAND_NAME = "Northtrail Outfitters"
        yield platforms


@pytest.fixture
def space(db):
    return SpaceFactory(name="Trail running", slug="trail-running")


@pytest.fixture
def bridges(fake, space):
    discord = Bridge.objects.create(
        name="Discord #trail", platform=Platform.DISCORD, webhook_url=fake.discord_webhook()
    )
    slack = Bridge.objects.create(
        name="Slack #community", platform=Platform.SLACK, webhook_url=fake.slack_webhook()
    )
    telegram = Bridge.objects.create(
        name="Telegram channel",
        platform=Platform.TELEGRAM,
        bot_token=TELEGRAM_TOKEN,
        chat_id="@northtrail",
    )
    for bridge in (discord, slack, telegram):
        bridge.full_clean()
        bridge.spaces.add(space)
    return {"discord": discord, "slack": slack, "telegram": telegram}


@pytest.fixture
def post_topic(django_capture_on_commit_callbacks):
    """Create a topic as members do and run what happens after commit (the activity's
    consumers, then the outbound messages they queue), as a worker would."""

    def post(**kwargs):
        kwargs.setdefault("author", UserFactory(display_name="Giulia"))
        with django_capture_on_commit_callbacks(execute=True):
            return make_topic(**kwargs)

    return post


@pytest.fixture
def moderator(space):
    return ModeratorFactory()


@pytest.fixture
def queue_topic(django_capture_on_commit_callbacks):
    """Create a topic and store its outbound messages, without sending them yet (the worker
    has not come to them)."""
    from flywheel.bridges import services

    def queue(**kwargs):
        kwargs.setdefault("author", UserFactory(display_name="Giulia"))
        with django_capture_on_commit_callbacks(execute=False):
            topic = make_topic(**kwargs)
            services.bridge_new_topic(topic=topic)
        return topic

    return queue
