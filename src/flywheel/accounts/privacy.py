"""The member's account in their data export: profile (and avatar file), e-mail addresses,
access-token metadata, linked sign-in accounts (Discord). Registered in AccountsConfig.ready();
erasure of the account row itself is the privacy app's last step (the tombstone); the linked
accounts are erased before it."""

from pathlib import PurePosixPath

from flywheel.accounts.models import PersonalAccessToken
from flywheel.core.hooks import ExportFiles


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export_profile(member) -> ExportFiles:
    data = {
        "id": member.pk,
        "email": member.email,
        "handle": member.handle,
        "display_name": member.display_name,
        "bio": member.bio,
        "language": member.language,
        "timezone": member.timezone,
        "role": member.role,
        "joined_at": _iso(member.date_joined),
        "last_login": _iso(member.last_login),
        "digest_enabled": member.digest_enabled,
        "mention_emails_enabled": member.mention_emails_enabled,
        "avatar": None,
    }
    files = {}
    if member.avatar:
        try:
            with member.avatar.open("rb") as avatar:
                name = f"avatar{PurePosixPath(member.avatar.name).suffix}"
                files[name] = avatar.read()
                data["avatar"] = f"files/profile/{name}"
        except OSError:
            data["avatar"] = None  # the file is gone from storage; nothing to include
    return ExportFiles(data=data, files=files)


def export_email_addresses(member) -> list[dict]:
    from allauth.account.models import EmailAddress

    return [
        {"email": address.email, "verified": address.verified, "primary": address.primary}
        for address in EmailAddress.objects.filter(user=member).order_by("pk")
    ]


def export_tokens(member) -> list[dict]:
    """Token metadata only: the secret hash never leaves the database."""
    return [
        {
            "name": token.name,
            "prefix": token.prefix,
            "created_at": _iso(token.created_at),
            "last_used_at": _iso(token.last_used_at),
            "revoked_at": _iso(token.revoked_at),
        }
        for token in PersonalAccessToken.objects.filter(user=member).order_by("pk")
    ]


def export_linked_accounts(member) -> list[dict]:
    """Accounts elsewhere (Discord) linked for signing in, with what the provider told us."""
    from allauth.socialaccount.models import SocialAccount

    return [
        {
            "provider": account.provider,
            "uid": account.uid,
            "linked_at": _iso(account.date_joined),
            "last_login": _iso(account.last_login),
            "profile": account.extra_data,
        }
        for account in SocialAccount.objects.filter(user=member).order_by("pk")
    ]


def erase_linked_accounts(member, *, content: str) -> None:
    """The links go with the account (their tokens cascade); the tombstone keeps no trace."""
    from allauth.socialaccount.models import SocialAccount

    SocialAccount.objects.filter(user=member).delete()


def register_privacy_handlers() -> None:
    from flywheel.core import hooks

    hooks.privacy_exporters.register(export_profile, name="profile")
    hooks.privacy_exporters.register(export_email_addresses, name="email_addresses")
    hooks.privacy_exporters.register(export_tokens, name="access_tokens")
    hooks.privacy_exporters.register(export_linked_accounts, name="linked_accounts")
    hooks.privacy_erasers.register(erase_linked_accounts, name="linked_accounts")
