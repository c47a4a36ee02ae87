"""The WebSocket routes and the stack around them (asgi.py serves it; tests drive it)."""

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from flywheel.chat.consumers import LiveConsumer

websocket_urlpatterns = [path("ws/live/", LiveConsumer.as_asgi())]


def websocket_application():
    """Only pages of our own hosts may open a connection (a cross-site page cannot ride a
    member's session cookie); the session signs the member in, as on the pages."""
    return AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
