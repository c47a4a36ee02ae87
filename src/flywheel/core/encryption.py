"""Secrets at rest: third-party credentials are stored encrypted, with rotatable keys.

Keys (Fernet: AES-128-CBC + HMAC-SHA256, from the ``cryptography`` package, combined in a
``MultiFernet``):

* ``FLYWHEEL_ENCRYPTION_KEYS``: a comma-separated list of Fernet keys. The **first** encrypts;
  every key decrypts. To rotate: put a new key first, keep the old ones after it, run
  ``flywheel secrets rotate`` (re-encrypts every stored secret with the first key), then drop
  the old keys. ``flywheel secrets generate-key`` prints a new key.
* Without the variable (the embedded default, development, tests) the key is **derived from
  SECRET_KEY** (HKDF-SHA256). Chosen over generating a key file under the data directory:
  nothing extra to back up or lose next to the database, and every process (web, worker,
  command) agrees on it without coordination. The cost: whoever has SECRET_KEY can decrypt,
  so production should set FLYWHEEL_ENCRYPTION_KEYS (``check --deploy`` warns).
* Keys derived from SECRET_KEY and SECRET_KEY_FALLBACKS always decrypt too (after the listed
  keys), so moving from the default to FLYWHEEL_ENCRYPTION_KEYS, or rotating SECRET_KEY with
  the old one in SECRET_KEY_FALLBACKS, is: change the setting, run ``flywheel secrets rotate``.

``EncryptedTextField`` stores a Fernet token and hands Python code the plaintext, so
``store.webhook_secret`` reads and writes as before. The empty string is stored as is (so
``exclude(api_token="")`` still works); other lookups on the column are refused, since equal
plaintexts encrypt differently.
"""

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models, transaction

DERIVATION_INFO = b"flywheel secrets at rest v1"


class SecretDecryptionError(ImproperlyConfigured):
    """A stored secret fits none of the keys: a key was dropped before `secrets rotate` ran."""


def derive_key(secret_key: str) -> bytes:
    """The Fernet key that SECRET_KEY stands for when FLYWHEEL_ENCRYPTION_KEYS is not set."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=DERIVATION_INFO).derive(
        secret_key.encode()
    )
    return base64.urlsafe_b64encode(derived)


def generate_key() -> str:
    return Fernet.generate_key().decode()


@lru_cache(maxsize=8)
def _multi_fernet(listed: tuple[str, ...], secret_keys: tuple[str, ...]) -> MultiFernet:
    fernets = []
    for position, key in enumerate(listed, start=1):
        try:
            fernets.append(Fernet(key.encode()))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"FLYWHEEL_ENCRYPTION_KEYS: key {position} is not a Fernet key (32 url-safe "
                "base64-encoded bytes); make one with `flywheel secrets generate-key`."
            ) from error
    fernets.extend(Fernet(derive_key(secret)) for secret in secret_keys if secret)
    if not fernets:
        raise ImproperlyConfigured("Set SECRET_KEY or FLYWHEEL_ENCRYPTION_KEYS.")
    return MultiFernet(fernets)


def keyring() -> MultiFernet:
    """The keys as settings say now (read per call: tests and rotations change them)."""
    listed = tuple(getattr(settings, "FLYWHEEL_ENCRYPTION_KEYS", None) or ())
    secret_keys = (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ()))
    return _multi_fernet(listed, tuple(secret_keys))


def encrypt(plaintext: str) -> str:
    return keyring().encrypt(plaintext.encode()).decode()


def decrypt(token: str, *, what: str = "a stored secret") -> str:
    try:
        return keyring().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise SecretDecryptionError(
            f"Cannot decrypt {what}: none of FLYWHEEL_ENCRYPTION_KEYS (nor the key derived "
            "from SECRET_KEY) fits. Put back the key it was encrypted with."
        ) from error


def is_encrypted(value: str) -> bool:
    """True when `value` is a token one of the current keys opens."""
    try:
        keyring().decrypt(value.encode())
    except (InvalidToken, TypeError, ValueError):
        return False
    return True


class EncryptedTextField(models.TextField):
    """A text column holding a Fernet token; Python code sees and sets the plaintext."""

    ALLOWED_LOOKUPS = frozenset({"exact", "isnull"})

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value, what=f"{self.model._meta.label}.{self.name}")

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name not in self.ALLOWED_LOOKUPS:
            raise FieldError(
                f"{self.name} is encrypted: only exact (empty string) and isnull lookups work."
            )
        return super().get_lookup(lookup_name)


def encrypted_fields() -> list[tuple[type[models.Model], EncryptedTextField]]:
    """Every (model, field) stored encrypted, across the installed apps."""
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]


def rotate_all() -> dict[str, int]:
    """Re-encrypt every stored secret with the first key; {"app.Model.field": rows}.

    Reading decrypts with whichever key fits; writing encrypts with the first. Rows are
    updated in place with update() (no save(), no signals), one transaction per model.
    """
    counts: dict[str, int] = {}
    for model, field in encrypted_fields():
        rotated = 0
        with transaction.atomic():
            rows = (
                model._default_manager.select_for_update()
                .exclude(**{field.attname: ""})
                .exclude(**{f"{field.attname}__isnull": True})
                .values_list("pk", field.attname)
            )
            for pk, plaintext in rows:
                model._default_manager.filter(pk=pk).update(**{field.attname: plaintext})
                rotated += 1
        counts[f"{model._meta.label}.{field.name}"] = rotated
    return counts


@checks.register(checks.Tags.security, deploy=True)
def check_encryption_keys(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`flywheel check --deploy`: production should not lean on SECRET_KEY for secrets."""
    if getattr(settings, "FLYWHEEL_ENCRYPTION_KEYS", None):
        return []
    return [
        checks.Warning(
            "FLYWHEEL_ENCRYPTION_KEYS is not set: stored store secrets are encrypted with a key "
            "derived from SECRET_KEY.",
            hint="Set FLYWHEEL_ENCRYPTION_KEYS (flywheel secrets generate-key), then run "
            "flywheel secrets rotate. See docs/security.md.",
            id="flywheel.W001",
        )
    ]
