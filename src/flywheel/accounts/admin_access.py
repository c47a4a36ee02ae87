"""Who may use the Django admin: owners and admins (staff by role) and superusers.

Roles, not Django's per-model permission rows, decide access, so promoting a member with
accounts.services.change_member_role is all it takes to open the admin to them.
"""

from django.contrib import admin


def is_admin_user(request) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and user.is_community_admin)


class RoleBasedAdmin(admin.ModelAdmin):
    """Full access for owners and admins; list pages fetch related rows up front."""

    list_per_page = 50
    show_full_result_count = False

    def has_module_permission(self, request) -> bool:
        return is_admin_user(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_admin_user(request)

    def has_add_permission(self, request) -> bool:
        return is_admin_user(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_admin_user(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_admin_user(request)


class ReadOnlyAdmin(RoleBasedAdmin):
    """Records written only by the application (logs, notifications): look, don't touch."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class RoleBasedInline:
    """Mixin for inlines with the same role-based access."""

    def has_view_permission(self, request, obj=None) -> bool:
        return is_admin_user(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return is_admin_user(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_admin_user(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_admin_user(request)
