"""Who plans the content calendar: the brand team (owners, admins, moderators), as the console.

Publishing itself goes through community's rules as the item's author (create_topic), so a
moderator's item in a space they may not post in fails visibly instead of slipping past."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def can_plan_calendar(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.is_brand_team)
    )


def check_calendar_permission(user) -> None:
    if not can_plan_calendar(user):
        raise PermissionDenied(_("The content calendar is for the brand team."))
