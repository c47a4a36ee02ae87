"""`flywheel trust update`: the periodic promotion/demotion pass, by hand."""

from django.core.management.base import BaseCommand

from flywheel.trust import services


class Command(BaseCommand):
    help = "Promote members who earned a trust level; demote regulars whose figures lapsed."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        update = actions.add_parser("update", help="Run the promotion/demotion pass now.")
        update.add_argument(
            "--everyone",
            action="store_true",
            help="Evaluate every active member, not just those seen in the last two days.",
        )

    def handle(self, *args, action: str, **options):
        def progress(index, total):
            if index % 500 == 0 or index == total:
                self.stdout.write(f"[{index}/{total}] members evaluated")

        counts = services.update_trust_levels(everyone=options["everyone"], progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts['evaluated']} evaluated, {counts['promoted']} promoted, "
                f"{counts['demoted']} demoted."
            )
        )
