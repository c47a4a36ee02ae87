"""`flywheel commerce connect`: connect a shop or update the one under that domain.

Secrets never travel as arguments (anyone on the machine can read a process's arguments in
`ps`, and shells keep them in history). They come from the environment
(FLYWHEEL_STORE_WEBHOOK_SECRET, FLYWHEEL_STORE_API_TOKEN) or from standard input: typed at
hidden prompts in a terminal, or piped as two lines (webhook secret, then API token; a blank
or missing second line keeps the stored token).
"""

import getpass
import os
import sys

from django.core.management.base import CommandError

from flywheel.commerce.models import Platform
from flywheel.commerce.services import connect_store
from flywheel.core.exceptions import DomainError

SECRET_VARIABLE = "FLYWHEEL_STORE_WEBHOOK_SECRET"  # noqa: S105 (a variable name)
TOKEN_VARIABLE = "FLYWHEEL_STORE_API_TOKEN"  # noqa: S105 (a variable name)
REFUSED_FLAG = (
    "{flag} is no longer accepted: a secret given as an argument shows in the process list. "
    "Pipe it on standard input (first line the webhook secret, second line the API token) "
    f"or set {SECRET_VARIABLE} / {TOKEN_VARIABLE}. See docs/stores.md."
)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "connect",
        help="Connect a shop (idempotent per domain). Secrets: standard input or environment.",
        description=__doc__.split("\n\n", 1)[1],
    )
    parser.add_argument("--platform", required=True, help=" | ".join(Platform.values))
    parser.add_argument("--domain", required=True, help="e.g. example.myshopify.com")
    # Kept only to answer old scripts with where the secret goes now.
    parser.add_argument("--secret", default=None, help="Refused: use stdin or the environment.")
    parser.add_argument("--api-token", default=None, help="Refused: use stdin or environment.")
    parser.add_argument(
        "--store-hash", default="", help="BigCommerce store hash (from stores/{hash})."
    )
    parser.add_argument("--currency", default=None, help="ISO currency, e.g. EUR.")
    parser.set_defaults(handler=handle)


def read_secrets(stdin=None, environ=None) -> tuple[str, str | None]:
    """(webhook secret, API token or None to keep the stored one)."""
    stdin = sys.stdin if stdin is None else stdin
    environ = os.environ if environ is None else environ
    secret = environ.get(SECRET_VARIABLE, "")
    token = environ.get(TOKEN_VARIABLE)
    if secret:
        return secret, token or None
    if stdin.isatty():
        secret = getpass.getpass("Webhook secret: ")
        token = getpass.getpass("API token (blank keeps the stored one): ")
    else:
        secret = stdin.readline().rstrip("\r\n")
        token = stdin.readline().rstrip("\r\n")
    return secret, token or None


def handle(command, options) -> None:
    for flag, key in (("--secret", "secret"), ("--api-token", "api_token")):
        if options.get(key) is not None:
            raise CommandError(REFUSED_FLAG.format(flag=flag))
    webhook_secret, api_token = read_secrets()
    try:
        store, created = connect_store(
            platform=options["platform"],
            domain=options["domain"],
            webhook_secret=webhook_secret,
            api_token=api_token,
            platform_store_id=options["store_hash"],
            currency=options["currency"],
        )
    except DomainError as error:
        message = f"{error.field}: {error.message}" if error.field else error.message
        if error.field == "secret":
            message += f" Pipe it on standard input or set {SECRET_VARIABLE}."
        raise CommandError(message) from error
    verb = "Connected" if created else "Updated"
    command.stdout.write(
        f"{verb} {store.get_platform_display()} shop {store.domain} (id {store.pk}). "
        f"Webhook address: /webhooks/{store.platform}/"
    )
