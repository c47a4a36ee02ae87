"""`flywheel badges install-defaults` and `flywheel badges recompute`."""

from django.core.management.base import BaseCommand, CommandError

from flywheel.badges import services
from flywheel.badges.models import Badge


class Command(BaseCommand):
    help = "Install the default badges, or recompute every badge from the Activity log."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser(
            "install-defaults",
            help="Create the default badges that are missing; existing ones are left as they are.",
        )
        recompute = actions.add_parser(
            "recompute",
            help="Replay the Activity log and grant every badge earned but not yet held.",
        )
        recompute.add_argument("--badge", action="append", default=[], help="Only this slug.")
        recompute.add_argument(
            "--notify", action="store_true", help="Notify members of badges granted now."
        )

    def handle(self, *args, action: str, **options):
        if action == "install-defaults":
            created, existing = services.install_default_badges()
            for badge in created:
                self.stdout.write(f"  created {badge.slug}")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Default badges: {len(created)} created, {len(existing)} already there."
                )
            )
            return
        badges = Badge.objects.filter(is_active=True).exclude(criterion_kind="")
        if options["badge"]:
            badges = badges.filter(slug__in=options["badge"])
            missing = set(options["badge"]) - set(badges.values_list("slug", flat=True))
            if missing:
                raise CommandError(
                    f"No active badge with a criterion: {', '.join(sorted(missing))}"
                )
        badges = list(badges)
        done = 0

        def progress(badge, granted):
            nonlocal done
            done += 1
            self.stdout.write(f"[{done}/{len(badges)}] {badge.slug}: {granted} granted")

        counts = services.recompute_badges(
            badges=badges, notify=options["notify"], progress=progress
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Recomputed {counts['badges']} badges; {counts['granted']} new grants."
            )
        )
