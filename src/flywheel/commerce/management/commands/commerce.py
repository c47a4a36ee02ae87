"""`flywheel commerce <subcommand>`: the store integration's command line.

Subcommands live in flywheel.commerce.cli.* (see that package's docstring)."""

import importlib

from django.core.management.base import BaseCommand, CommandError

from flywheel.commerce.cli import SUBCOMMAND_MODULES


class Command(BaseCommand):
    help = "Store integration: connect shops, replay webhook deliveries, import and sync."

    def add_arguments(self, parser) -> None:
        subparsers = parser.add_subparsers(dest="subcommand", metavar="subcommand")
        subparsers.required = True
        for path in SUBCOMMAND_MODULES:
            try:
                module = importlib.import_module(path)
            except ModuleNotFoundError as error:
                if error.name == path:
                    continue  # a subcommand module that has not landed yet
                raise
            module.register(subparsers)

    def handle(self, *args, **options) -> None:
        handler = options.get("handler")
        if handler is None:
            raise CommandError("Name a subcommand; see --help.")
        handler(self, options)
