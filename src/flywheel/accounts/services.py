"""Every write about members: sign-up bookkeeping, profiles, roles, language and access tokens."""

import hashlib
import re
import secrets
import zoneinfo

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from flywheel.accounts.models import (
    ADMIN_ROLES,
    PersonalAccessToken,
    Role,
    User,
    validate_handle,
)
from flywheel.core import member_cache
from flywheel.core.exceptions import Conflict, InvalidInput
from flywheel.core.images import AVATAR, process_image
from flywheel.core.models import Verb
from flywheel.core.ratelimit import check_action_rate_limit
from flywheel.core.services import record_activity

TOKEN_PREFIX = "fw_"  # noqa: S105 (a public prefix, not a secret)
MAX_ACTIVE_TOKENS = 20


def unique_handle_for(seed: str) -> str:
    """A free handle derived from an e-mail address or name (anna.k@… → annak, annak2…)."""
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


def sign_up_payload(request, member: User) -> dict:
    """The entries the apps built on accounts add to a sign-up's activity from its request
    (hooks.sign_up_payloads: the referral link's cookie, for one)."""
    from flywheel.core import hooks

    payload: dict = {}
    for contribute in hooks.sign_up_payloads:
        payload.update(contribute(request, member) or {})
    return payload


def record_member_signed_up(*, member: User, payload: dict | None = None) -> None:
    """Log the sign-up once per member; rewards and analytics count new members from it.
    `payload` holds what hooks.sign_up_payloads gathered from the sign-up request."""
    record_activity(
        actor=member,
        verb=Verb.MEMBER_SIGNED_UP,
        target=member,
        payload=payload or None,
        dedupe_key=f"member_signed_up:{member.pk}",
        at=member.date_joined,
    )


# Profiles ------------------------------------------------------------------------------------


def _clean_handle(handle: str, *, member: User) -> str:
    handle = (handle or "").strip().lstrip("@")
    if not handle:
        raise InvalidInput(_("Choose a handle."), field="handle")
    try:
        validate_handle(handle)
    except ValidationError as error:
        raise InvalidInput(error.messages[0], field="handle") from error
    taken = User.objects.filter(handle__iexact=handle).exclude(pk=member.pk).exists()
    if taken:
        raise Conflict(
            _("The handle @%(handle)s is taken; choose another.") % {"handle": handle},
            field="handle",
        )
    return handle


def _clean_language(language: str) -> str:
    if language not in dict(settings.LANGUAGES):
        raise InvalidInput(_("Choose one of the offered languages."), field="language")
    return language


def _clean_timezone(name: str) -> str:
    if name not in zoneinfo.available_timezones():
        raise InvalidInput(_("Choose a time zone from the list."), field="timezone")
    return name


def _limited_text(value: str, *, field: str, limit: int, label: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise InvalidInput(
            _("%(label)s can have at most %(limit)d characters.")
            % {"label": label, "limit": limit},
            field=field,
        )
    return value


def process_avatar(upload: UploadedFile) -> ContentFile:
    """Check an upload is a real image within the avatar limits; a 256×256 WebP, no metadata."""
    return process_image(upload, use=AVATAR).file


def update_profile(
    *,
    member: User,
    display_name: str,
    handle: str,
    bio: str,
    language: str,
    timezone_name: str,
    digest_enabled: bool,
    mention_emails_enabled: bool,
    avatar: UploadedFile | None = None,
    remove_avatar: bool = False,
) -> User:
    """Save a member's profile and preferences; everything is checked before anything is written.

    Handles are unique regardless of case. Saves count against the "profile" rate limit (an
    avatar costs a decode). The avatar is processed before the row is locked; a new file
    replaces the old once the change has committed, and is deleted again if the save fails.
    """
    check_action_rate_limit(member=member, action="profile")
    new_avatar = process_avatar(avatar) if avatar else None
    storage = member._meta.get_field("avatar").storage
    stored_name = ""
    try:
        with transaction.atomic():
            member = User.objects.select_for_update().get(pk=member.pk)
            cleaned = {
                "display_name": _limited_text(
                    display_name, field="display_name", limit=80, label=_("The display name")
                ),
                "handle": _clean_handle(handle, member=member),
                "bio": _limited_text(bio, field="bio", limit=1000, label=_("The bio")),
                "language": _clean_language(language),
                "timezone": _clean_timezone(timezone_name),
                "digest_enabled": bool(digest_enabled),
                "mention_emails_enabled": bool(mention_emails_enabled),
            }
            for field, value in cleaned.items():
                setattr(member, field, value)
            changed_fields = list(cleaned)
            old_avatar_name = member.avatar.name if member.avatar else ""
            if new_avatar is not None:
                member.avatar.save(new_avatar.name, new_avatar, save=False)
                stored_name = member.avatar.name
                changed_fields.append("avatar")
            elif remove_avatar and old_avatar_name:
                member.avatar = ""
                changed_fields.append("avatar")
            member.save(update_fields=changed_fields)
            if "avatar" in changed_fields and old_avatar_name:
                transaction.on_commit(lambda: storage.delete(old_avatar_name))
    except BaseException:
        # The row was not saved: the file written for it must not stay behind.
        if stored_name:
            storage.delete(stored_name)
        raise
    return member


def set_member_language(*, member: User, language: str) -> None:
    """Remember the language a member picked in the switcher (pages and e-mails use it)."""
    language = _clean_language(language)
    if member.language != language:
        member.language = language
        member.save(update_fields=["language"])


# Roles ---------------------------------------------------------------------------------------


def check_role_change_permission(*, member: User, role: str, by: User) -> None:
    """Owners and admins manage roles; only an owner hands out or takes away admin powers."""
    if role not in Role.values:
        raise InvalidInput(_("Unknown role."), field="role")
    if not by.is_community_admin:
        raise InvalidInput(_("Only owners and admins can change roles."), field="role")
    by_owner = by.role == Role.OWNER or by.is_superuser
    touches_admin_powers = role in ADMIN_ROLES or member.role in ADMIN_ROLES
    if touches_admin_powers and not by_owner:
        raise InvalidInput(_("Only an owner can appoint or remove admins."), field="role")
    if member.pk == by.pk and role != member.role:
        raise InvalidInput(_("You cannot change your own role."), field="role")


@transaction.atomic
def change_member_role(*, member: User, role: str, by: User) -> User:
    """Give a member a role. Owners and admins are staff (they can open the admin); others not."""
    member = User.objects.select_for_update().get(pk=member.pk)
    check_role_change_permission(member=member, role=role, by=by)
    member.role = role
    member.is_staff = role in ADMIN_ROLES
    member.save(update_fields=["role", "is_staff"])
    return member


# Personal access tokens ----------------------------------------------------------------------


def hash_token(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


@transaction.atomic
def create_access_token(*, user: User, name: str) -> tuple[PersonalAccessToken, str]:
    """Issue a personal access token; the raw value is returned once and never stored."""
    name = " ".join((name or "").split())
    if len(name) > 80:
        raise InvalidInput(_("A token name can have at most 80 characters."), field="name")
    User.objects.select_for_update().filter(pk=user.pk).first()
    active = PersonalAccessToken.objects.filter(user=user, revoked_at__isnull=True).count()
    if active >= MAX_ACTIVE_TOKENS:
        raise Conflict(
            _("You can have at most %(count)d active tokens; revoke one first.")
            % {"count": MAX_ACTIVE_TOKENS},
            field="name",
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PersonalAccessToken.objects.create(
        user=user, name=name or "API", token_hash=hash_token(raw), prefix=raw[:10]
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
        token.last_used_at = now
    # Until last_used_at is due again, core.member_cache may answer this token from its cache.
    fresh_for = 300 - int((now - token.last_used_at).total_seconds())
    if fresh_for > 0:
        cache.set(token_used_key(member_cache.token_digest(raw_token)), 1, fresh_for)
    return token.user


def token_used_key(digest: str) -> str:
    return f"accounts:token-used:{digest}"


def token_used_guard(identity, member_id: int) -> list[tuple[str, bool]]:
    """A cached API answer only while the token's last_used_at needs no update."""
    if not identity.token_digest:
        return []
    return [(token_used_key(identity.token_digest), True)]
