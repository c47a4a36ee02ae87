"""`flywheel commerce connect`: connect a shop or update the one under that domain."""

from django.core.management.base import CommandError

from flywheel.commerce.models import Platform
from flywheel.commerce.services import connect_store
from flywheel.core.exceptions import DomainError


def register(subparsers) -> None:
    parser = subparsers.add_parser("connect", help="Connect a shop (idempotent per domain).")
    parser.add_argument("--platform", required=True, help=" | ".join(Platform.values))
    parser.add_argument("--domain", required=True, help="e.g. example.myshopify.com")
    parser.add_argument("--secret", required=True, help="The webhook signing secret.")
    parser.add_argument("--api-token", default=None, help="Admin API token (optional).")
    parser.add_argument(
        "--store-hash", default="", help="BigCommerce store hash (from stores/{hash})."
    )
    parser.add_argument("--currency", default=None, help="ISO currency, e.g. EUR.")
    parser.set_defaults(handler=handle)


def handle(command, options) -> None:
    try:
        store, created = connect_store(
            platform=options["platform"],
            domain=options["domain"],
            webhook_secret=options["secret"],
            api_token=options["api_token"],
            platform_store_id=options["store_hash"],
            currency=options["currency"],
        )
    except DomainError as error:
        message = f"{error.field}: {error.message}" if error.field else error.message
        raise CommandError(message) from error
    verb = "Connected" if created else "Updated"
    command.stdout.write(
        f"{verb} {store.get_platform_display()} shop {store.domain} (id {store.pk}). "
        f"Webhook address: /webhooks/{store.platform}/"
    )
