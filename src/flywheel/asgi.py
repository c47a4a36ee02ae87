"""The ASGI application: pages over HTTP, the live connection (/ws/live/) over WebSockets.

`make run` serves it through daphne's runserver; production runs an ASGI server (daphne or
uvicorn workers, docs/deploy.md) with the Redis channel layer."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flywheel.config.settings")
# Django first: the routing below imports models.
django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from flywheel.chat.routing import websocket_application  # noqa: E402

# ProtocolTypeRouter + AllowedHostsOriginValidator + AuthMiddlewareStack (chat.routing).
application = ProtocolTypeRouter({"http": django_application, "websocket": websocket_application()})

# On the embedded default (no broker) the periodic work runs in the web process.
from flywheel.core.scheduler import start_embedded_scheduler  # noqa: E402

start_embedded_scheduler()
