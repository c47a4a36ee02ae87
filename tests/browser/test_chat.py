"""Live chat in Chromium: two members in two browsers, on a live ASGI server (daphne in a
thread, serving pages and WebSockets, on the real Redis channel layer). Member A writes,
member B sees it appear without reload, and A sees B's read marker; screenshots of a room at
desktop and phone widths (test-artifacts/)."""

import os
import re
import socket
import threading
import time
import uuid
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from flywheel.chat import services
from tests.browser.conftest import screenshot, sign_in, verified_member
from tests.factories import AdminFactory, SpaceFactory

pytestmark = [pytest.mark.browser, pytest.mark.redis]

REDIS_URL = os.environ.get("FLYWHEEL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth + 1"
_SERVER = {}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_daphne() -> str:
    """daphne serving flywheel's ASGI stack (static files too) in a daemon thread. Twisted's
    reactor cannot restart, so one server serves the whole test process."""
    if "url" in _SERVER:
        return _SERVER["url"]
    from channels.routing import ProtocolTypeRouter
    from daphne.endpoints import build_endpoint_description_strings
    from daphne.server import Server
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.asgi import get_asgi_application

    from flywheel.chat.routing import websocket_application

    application = ProtocolTypeRouter(
        {
            "http": ASGIStaticFilesHandler(get_asgi_application()),
            "websocket": websocket_application(),
        }
    )
    port = _free_port()
    server = Server(
        application=application,
        endpoints=build_endpoint_description_strings(host="127.0.0.1", port=port),
        signal_handlers=False,
        verbosity=0,
    )
    threading.Thread(target=server.run, name="daphne", daemon=True).start()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        pytest.fail("daphne did not start", pytrace=False)
    _SERVER["url"] = f"http://127.0.0.1:{port}"
    return _SERVER["url"]


@pytest.fixture
def asgi_live_server(transactional_db, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": f"test-browser-{uuid.uuid4().hex[:10]}"},
        }
    }
    return SimpleNamespace(url=_start_daphne())


def _context(browser, *, phone: bool = False):
    if phone:
        context = browser.new_context(
            viewport={"width": 390, "height": 844},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale="en-US",
        )
    else:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(15_000)
    return context


def test_a_message_appears_for_the_other_member_and_their_read_marker_comes_back(
    browser, asgi_live_server
):
    staff = AdminFactory(handle="maya", display_name="Maya Staff")
    anna = verified_member(handle="anna", display_name="Anna Berg")
    ben = verified_member(handle="ben", display_name="Ben Okafor")
    space = SpaceFactory(slug="trail-talk", name="Trail talk")
    room = services.open_room(name="lounge", space=space, by=staff, topic="Say hi")
    for number in range(3):
        services.post_message(
            author=staff, room=room, body=f"Welcome note {number}", enforce_rate_limit=False
        )
    url = f"{asgi_live_server.url}/chat/r/{room.pk}/"

    writer_context, reader_context = _context(browser), _context(browser, phone=True)
    writer, reader = writer_context.new_page(), reader_context.new_page()
    sign_in(writer, asgi_live_server, email=anna.email)
    sign_in(reader, asgi_live_server, email=ben.email)
    writer.goto(url)
    reader.goto(url)
    expect(writer.locator("[data-chat-status]")).to_have_text("Live")
    expect(reader.locator("[data-chat-status]")).to_have_text("Live")

    # B starts typing: A is told.
    reader.locator("#fw-chat-body").press_sequentially("hm")
    expect(writer.locator("[data-chat-typing]")).to_have_text("Ben Okafor is typing…")
    reader.locator("#fw-chat-body").fill("")

    composer = writer.locator("#fw-chat-body")
    composer.fill("Anyone up for the **ridge loop** on Saturday? @ben")
    composer.press("Enter")

    arrived = reader.locator(".fw-chat-message", has_text="ridge loop")
    expect(arrived).to_be_visible()
    expect(arrived.locator("strong", has_text="ridge loop")).to_be_visible()
    expect(composer).to_have_value("")
    # B's page has it on screen, so B's read marker moves and A sees it on the message.
    mine = writer.locator(".fw-chat-message", has_text="ridge loop")
    expect(mine.locator(".fw-chat-readers")).to_have_text(re.compile(r"Seen by Ben Okafor"))
    message = room.messages.order_by("-id").first()
    assert ben.chat_memberships.get(room=room).last_read_message_id == message.pk
    # B's bell rang over the same connection (mentioned).
    expect(reader.locator("#notification-bell [data-unread-count]")).to_have_attribute(
        "data-unread-count", "1"
    )

    # B answers; A sees it without reload.
    reply = reader.locator("#fw-chat-body")
    reply.fill("Count me in!")
    reply.press("Enter")
    expect(writer.locator(".fw-chat-message", has_text="Count me in!")).to_be_visible()

    screenshot(writer, "chat-room-desktop")
    screenshot(reader, "chat-room-phone")
    assert reader.evaluate(NO_SIDEWAYS_SCROLL)
    assert writer.evaluate(NO_SIDEWAYS_SCROLL)
    writer_context.close()
    reader_context.close()
