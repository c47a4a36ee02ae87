from allauth.account.adapter import DefaultAccountAdapter

from flywheel.accounts.services import unique_handle_for


class AccountAdapter(DefaultAccountAdapter):
    def populate_username(self, request, user) -> None:
        if not user.handle:
            user.handle = unique_handle_for(user.email)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        if not user.handle:
            user.handle = unique_handle_for(user.email)
        language = getattr(request, "LANGUAGE_CODE", None)
        if language:
            user.language = language
        if commit:
            user.save()
        return user
