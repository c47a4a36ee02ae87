import hashlib
import re
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from flywheel.accounts.models import PersonalAccessToken, User

TOKEN_PREFIX = "fw_"


def unique_handle_for(seed: str) -> str:
    """A free handle derived from an e-mail address or name (anna.k@… → anna.k, anna.k2…)."""
    base = slugify(seed.split("@", 1)[0]).replace("-", "_") or "member"
    base = re.sub(r"[^a-z0-9_.]", "", base.lower())[:24].strip("._") or "member"
    if len(base) < 3:
        base = f"{base}_member"[:24]
    candidate = base
    suffix = 1
    while User.objects.filter(handle__iexact=candidate).exists():
        suffix += 1
        candidate = f"{base}{suffix}"
    return candidate


def hash_token(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


@transaction.atomic
def create_access_token(*, user: User, name: str) -> tuple[PersonalAccessToken, str]:
    """Issue a personal access token; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PersonalAccessToken.objects.create(
        user=user, name=name.strip()[:80] or "API", token_hash=hash_token(raw), prefix=raw[:10]
    )
    return token, raw


def revoke_access_token(*, token: PersonalAccessToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def user_for_token(raw_token: str) -> User | None:
    token = (
        PersonalAccessToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw_token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
