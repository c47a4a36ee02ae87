"""`flywheel activity replay --id N | --dead` and `flywheel activity sweep`: the Activity
log's deliveries to its consumers (docs/architecture.md, "The Activity log")."""

from django.core.management.base import BaseCommand, CommandError

from flywheel.core import services
from flywheel.core.models import ActivityDelivery, DeliveryState


class Command(BaseCommand):
    help = "Activity deliveries: replay dead (or chosen) ones, or sweep for due ones now."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        replay = actions.add_parser(
            "replay", help="Deliver again, with a fresh set of attempts (consumers are idempotent)."
        )
        which = replay.add_mutually_exclusive_group(required=True)
        which.add_argument("--id", type=int, action="append", help="A delivery id (repeatable).")
        which.add_argument("--dead", action="store_true", help="Every dead delivery.")
        actions.add_parser(
            "sweep",
            help="Hand out deliveries never dispatched or due for a retry (what beat runs "
            "every minute); without a broker they are attempted here.",
        )

    def handle(self, *args, action: str, **options) -> None:
        if action == "sweep":
            from flywheel.core.tasks import sweep_activity_deliveries

            count = sweep_activity_deliveries.apply().get()
            self.stdout.write(f"Handed out {count} due deliveries.")
            return
        if options["dead"]:
            deliveries = ActivityDelivery.objects.filter(state=DeliveryState.DEAD)
        else:
            deliveries = ActivityDelivery.objects.filter(pk__in=options["id"])
            missing = set(options["id"]) - set(deliveries.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"No delivery with id {', '.join(map(str, sorted(missing)))}.")
        count = services.replay_deliveries(deliveries)
        self.stdout.write(f"Queued {count} deliveries again.")
