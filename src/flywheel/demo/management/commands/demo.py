"""`flywheel demo`: load the Northtrail Outfitters demo community (safe to run again)."""

import io
import logging
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.test.utils import override_settings

from flywheel.demo.content import people
from flywheel.demo.plan import build_plan
from flywheel.demo.seed import DemoSeeder, demo_anchor


class Command(BaseCommand):
    help = (
        "Load the Northtrail Outfitters demo community: members in five languages, spaces, "
        "topics, replies, reactions and follows. Running it again creates nothing twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed",
            type=int,
            default=2024,
            help="Random seed; the same seed always gives the same community.",
        )
        parser.add_argument(
            "--members",
            type=int,
            default=200,
            help="Members in all, the brand team included (at least 7).",
        )
        parser.add_argument("--topics", type=int, default=300)
        parser.add_argument("--replies", type=int, default=2000)
        parser.add_argument("--quiet", action="store_true", help="Print nothing.")

    def handle(self, *args, **options) -> None:
        quiet = options["quiet"]
        started = time.monotonic()

        def progress(line: str) -> None:
            if not quiet:
                self.stdout.write(f"  {line}")

        members = max(options["members"], len(people.STAFF))
        plan = build_plan(
            seed=options["seed"],
            members=members,
            topics=max(options["topics"], 0),
            replies_total=max(options["replies"], 0),
        )
        if not quiet:
            self.stdout.write(
                f"Loading the demo community: {len(plan.members)} members, "
                f"{len(plan.topics)} topics, {plan.reply_count} replies (seed {options['seed']})"
            )
        # The demo's history is backdated; nobody should get e-mail about it. Eager Celery
        # logs a line per activity (thousands here), which would drown the progress lines.
        task_log = logging.getLogger("celery.app.trace")
        task_log_level = task_log.level
        task_log.setLevel(logging.WARNING)
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                report = DemoSeeder(plan, anchor=demo_anchor(), progress=progress).run()
        finally:
            task_log.setLevel(task_log_level)
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            from flywheel.reviews.demo import seed_demo_reviews

            reviews = seed_demo_reviews(seed=options["seed"], anchor=demo_anchor())
        if reviews:
            report.created["reviews"] = reviews
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            from flywheel.demo.chat import seed_chat

            chat_messages = seed_chat(anchor=demo_anchor(), progress=progress)
        if chat_messages:
            report.created["chat messages"] = chat_messages
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            from flywheel.demo.showcases import seed_demo_showcases

            showcases = seed_demo_showcases(seed=options["seed"], anchor=demo_anchor())
        if showcases:
            report.created["showcases"] = showcases
        if report.created:
            self.recognise_history(quiet=quiet)
        if quiet:
            return
        created = ", ".join(f"{count} {stage}" for stage, count in report.created.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo community ready in {time.monotonic() - started:.1f} s. "
                f"Created: {created or 'nothing, it was already there'}."
            )
        )
        self.stdout.write(f"  Sign in with password {people.DEMO_PASSWORD!r}:")
        for staff in people.STAFF:
            self.stdout.write(f"    {staff['email']:<30} {staff['display_name']} ({staff['role']})")

    def recognise_history(self, *, quiet: bool) -> None:
        """The shipped point rules, tiers, perks and badges, applied to the demo's history,
        so wallets, leaderboards and badges show something on first run."""
        output = io.StringIO() if quiet else self.stdout
        for command in (("rewards", "install-defaults"), ("badges", "install-defaults")):
            call_command(*command, stdout=output)
        for command in (("rewards", "recompute"), ("badges", "recompute")):
            call_command(*command, stdout=output)
        # The staff console reads rollups: build them for the history just written.
        call_command("analytics", "rebuild", stdout=output)
