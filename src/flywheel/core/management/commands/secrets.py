"""`flywheel secrets generate-key | rotate`: keys for the secrets stored encrypted.

See flywheel.core.encryption and docs/security.md ("Secrets at rest").
"""

from django.core.management.base import BaseCommand, CommandError

from flywheel.core.encryption import SecretDecryptionError, generate_key, rotate_all


class Command(BaseCommand):
    help = "Encryption keys for stored secrets: generate a key, or re-encrypt with the first."

    def add_arguments(self, parser) -> None:
        subparsers = parser.add_subparsers(dest="action", metavar="action")
        subparsers.required = True
        subparsers.add_parser("generate-key", help="Print a new key for FLYWHEEL_ENCRYPTION_KEYS.")
        subparsers.add_parser(
            "rotate",
            help="Re-encrypt every stored secret with the first key of FLYWHEEL_ENCRYPTION_KEYS.",
        )

    def handle(self, *args, action: str, **options) -> None:
        if action == "generate-key":
            self.stdout.write(generate_key())
            return
        try:
            counts = rotate_all()
        except SecretDecryptionError as error:
            raise CommandError(str(error)) from error
        for name, rows in counts.items():
            self.stdout.write(f"{name}: {rows} re-encrypted")
        self.stdout.write(self.style.SUCCESS("Every stored secret now uses the first key."))
