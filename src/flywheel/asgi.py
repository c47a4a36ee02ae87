import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flywheel.config.settings")
application = get_asgi_application()

# On the embedded default (no broker) the periodic work runs in the web process.
from flywheel.core.scheduler import start_embedded_scheduler  # noqa: E402

start_embedded_scheduler()
