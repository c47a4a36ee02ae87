from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from flywheel.accounts import services
from flywheel.accounts.admin_access import RoleBasedAdmin, is_admin_user
from flywheel.accounts.models import PersonalAccessToken, Role, User
from flywheel.core.exceptions import DomainError


class MemberAdminForm(forms.ModelForm):
    """Role changes are checked by the same rule as everywhere: only owners touch admin powers."""

    # A plain file field: the image pipeline (clean_avatar) judges the upload, not Django's
    # ImageField, which would decode it first with Pillow's defaults.
    avatar = forms.FileField(label=_("avatar"), required=False, widget=forms.ClearableFileInput)

    class Meta:
        model = User
        fields = (
            "email",
            "handle",
            "display_name",
            "bio",
            "avatar",
            "role",
            "is_active",
            "language",
            "timezone",
            "digest_enabled",
            "mention_emails_enabled",
        )

    def clean_role(self):
        role = self.cleaned_data["role"]
        if self.instance.pk and role != self.instance.role:
            try:
                services.check_role_change_permission(
                    member=self.instance, role=role, by=self.request_user
                )
            except DomainError as error:
                raise ValidationError(error.message) from error
        return role

    def clean_avatar(self):
        # A new upload goes through the same pipeline as the profile page (limits, no metadata).
        avatar = self.cleaned_data.get("avatar")
        if isinstance(avatar, UploadedFile):
            try:
                return services.process_avatar(avatar)
            except DomainError as error:
                raise ValidationError(error.message) from error
        return avatar

    def clean_handle(self):
        handle = self.cleaned_data["handle"]
        taken = User.objects.filter(handle__iexact=handle).exclude(pk=self.instance.pk).exists()
        if taken:
            raise ValidationError(_("The handle @%(handle)s is taken.") % {"handle": handle})
        return handle


@admin.register(User)
class MemberAdmin(RoleBasedAdmin):
    form = MemberAdminForm
    list_display = (
        "email",
        "handle",
        "display_name",
        "role",
        "language",
        "is_active",
        "date_joined",
    )
    list_filter = ("role", "language", "is_active", "is_staff")
    search_fields = ("email", "handle", "display_name")
    ordering = ("-date_joined",)
    date_hierarchy = "date_joined"
    readonly_fields = ("is_staff", "is_superuser", "last_login", "date_joined", "last_digest_at")
    fieldsets = (
        (None, {"fields": ("email", "handle", "display_name", "bio", "avatar")}),
        (_("Role and access"), {"fields": ("role", "is_active", "is_staff", "is_superuser")}),
        (
            _("Preferences"),
            {"fields": ("language", "timezone", "digest_enabled", "mention_emails_enabled")},
        ),
        (_("Dates"), {"fields": ("date_joined", "last_login", "last_digest_at")}),
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        form_class.request_user = request.user
        return form_class

    def has_add_permission(self, request) -> bool:
        # Members join through sign-up (or `flywheel createsuperuser`), which sets passwords
        # and verifies e-mail addresses.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        user = request.user
        return is_admin_user(request) and (user.role == Role.OWNER or user.is_superuser)

    def save_model(self, request, obj, form, change):
        new_role = obj.role
        role_changed = change and "role" in form.changed_data
        if role_changed:
            # The role (and is_staff with it) is written by the service, not by the form.
            obj.role = form.initial["role"]
        super().save_model(request, obj, form, change)
        if role_changed:
            try:
                updated = services.change_member_role(member=obj, role=new_role, by=request.user)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                obj.role, obj.is_staff = updated.role, updated.is_staff


@admin.register(PersonalAccessToken)
class PersonalAccessTokenAdmin(RoleBasedAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    list_select_related = ("user",)
    search_fields = ("name", "prefix", "user__email", "user__handle")
    readonly_fields = ("user", "prefix", "token_hash", "created_at", "last_used_at")
    fields = ("user", "name", "prefix", "token_hash", "created_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request) -> bool:
        return False  # Tokens are issued to members on their own tokens page.
