"""`flywheel moderation evaluate`: precision, recall and F1 of the toxicity classifier."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from flywheel.moderation.classifiers import get_classifier
from flywheel.moderation.evaluation import DATASET, evaluate, load_dataset
from flywheel.moderation.services import toxicity_flag_threshold


class Command(BaseCommand):
    help = "Moderation tools. `evaluate` measures the text classifier on the labelled set."

    def add_arguments(self, parser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        evaluate_parser = subcommands.add_parser(
            "evaluate", help="Precision/recall/F1 per language and overall."
        )
        evaluate_parser.add_argument(
            "--classifier",
            default="",
            help="Dotted path of a classifier class (default: FLYWHEEL_TEXT_CLASSIFIER).",
        )
        evaluate_parser.add_argument(
            "--threshold",
            type=float,
            default=None,
            help="Toxicity that counts as toxic (default: FLYWHEEL_TOXICITY_FLAG).",
        )
        evaluate_parser.add_argument("--dataset", default=str(DATASET))
        evaluate_parser.add_argument(
            "--show-misses", action="store_true", help="List the texts it got wrong."
        )

    def handle(self, *args, **options) -> None:
        if options["subcommand"] == "evaluate":
            self.evaluate(options)

    def evaluate(self, options) -> None:
        from pathlib import Path

        try:
            classifier = (
                import_string(options["classifier"])()
                if options["classifier"]
                else get_classifier()
            )
        except ImportError as error:
            raise CommandError(f"Cannot import {options['classifier']}: {error}") from error
        threshold = (
            options["threshold"] if options["threshold"] is not None else toxicity_flag_threshold()
        )
        try:
            rows = load_dataset(Path(options["dataset"]))
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        report = evaluate(classifier, rows, threshold=threshold)
        name = type(classifier).__name__
        self.stdout.write(
            f"{name} on {report.overall.total} labelled texts, toxic at >= {threshold:.2f}\n"
        )
        self.stdout.write(
            f"{'language':<10}{'n':>5}{'precision':>11}{'recall':>9}{'F1':>7}{'accuracy':>10}"
        )
        for language, counts in [*report.by_language.items(), ("overall", report.overall)]:
            self.stdout.write(
                f"{language:<10}{counts.total:>5}{counts.precision:>11.3f}{counts.recall:>9.3f}"
                f"{counts.f1:>7.3f}{counts.accuracy:>10.3f}"
            )
        if options["show_misses"]:
            self.stdout.write("\nMisses:")
            for miss in report.misses:
                label = "toxic" if miss.actual else "clean"
                self.stdout.write(
                    f"  [{miss.language}] {label} scored {miss.toxicity:.2f}: {miss.text}"
                )
