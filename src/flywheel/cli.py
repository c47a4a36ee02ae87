"""The `flywheel` command: Django's management commands under the project's name."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flywheel.config.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["flywheel", *sys.argv[1:]])
    except ImproperlyConfigured as error:
        sys.stderr.write(
            f"flywheel: {error}\n"
            "For local development set DEBUG=1; for production see docs/deploy.md.\n"
        )
        sys.exit(2)


if __name__ == "__main__":
    main()
