"""Settings for the test suite: the normal settings with FLYWHEEL_TESTING on."""

import os

os.environ.setdefault("FLYWHEEL_TESTING", "1")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from flywheel.config.settings import *  # noqa: E402, F403

# Tests serve static files through the finders; there is no collected STATIC_ROOT to warn about.
STATIC_ROOT = None
