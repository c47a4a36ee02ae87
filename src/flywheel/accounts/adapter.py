from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import gettext_lazy as _

from flywheel.accounts.services import (
    record_member_signed_up,
    sign_up_payload,
    unique_handle_for,
)


class AccountAdapter(DefaultAccountAdapter):
    """Fills in what allauth does not know about: the @handle, the language, the sign-up log.

    A locked-out sign-in (ACCOUNT_RATE_LIMITS "login_failed") says what to do next. New
    addresses are checked by the forms in flywheel.privacy.forms (settings.ACCOUNT_FORMS).
    """

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": _(
            "Too many failed login attempts. For your safety, signing in to this account is "
            "paused for a few minutes. Try again later, or reset your password."
        ),
    }

    def populate_username(self, request, user) -> None:
        if not user.handle:
            user.handle = unique_handle_for(user.email)

    def save_user(self, request, user, form, commit=True):
        # save_user is allauth's one hook that runs for every new account (e-mail and social
        # sign-ups alike), so the sign-up is logged here instead of in a user_signed_up receiver.
        user = super().save_user(request, user, form, commit=False)
        if not user.handle:
            user.handle = unique_handle_for(user.email)
        language = getattr(request, "LANGUAGE_CODE", None)
        if language:
            user.language = language
        if commit:
            user.save()
            # What the sign-up request tells the apps built on accounts (the referral link's
            # attribution cookie, for one) rides in the sign-up activity: hooks.sign_up_payloads.
            record_member_signed_up(member=user, payload=sign_up_payload(request, user))
        return user

    def pre_login(self, request, user, **kwargs):
        # A suspended or banned member gets the moderation page (reason, end, appeal) instead:
        # moderation registers that check in hooks.sign_in_checks.
        from flywheel.core import hooks

        for check in hooks.sign_in_checks:
            refusal = check(request, user)
            if refusal is not None:
                return refusal
        return super().pre_login(request, user, **kwargs)
