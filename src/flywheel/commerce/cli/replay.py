"""`flywheel commerce replay`: queue stored webhook deliveries again."""

from django.core.management.base import CommandError

from flywheel.commerce.models import DeliveryStatus, WebhookDelivery
from flywheel.commerce.services import replay_deliveries


def register(subparsers) -> None:
    parser = subparsers.add_parser("replay", help="Process stored deliveries again.")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--id", type=int, action="append", help="A delivery id (repeatable).")
    which.add_argument("--dead", action="store_true", help="Every dead delivery.")
    parser.set_defaults(handler=handle)


def handle(command, options) -> None:
    if options["dead"]:
        deliveries = WebhookDelivery.objects.filter(status=DeliveryStatus.DEAD)
    else:
        deliveries = WebhookDelivery.objects.filter(pk__in=options["id"])
        missing = set(options["id"]) - set(deliveries.values_list("pk", flat=True))
        if missing:
            raise CommandError(f"No delivery with id {', '.join(map(str, sorted(missing)))}.")
    count = replay_deliveries(deliveries)
    command.stdout.write(f"Queued {count} deliveries again.")
