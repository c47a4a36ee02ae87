"""The Django admin as the brand's configuration screens: its name, grouped by task.

Staff come here from the console to configure spaces and gates, point rules, tiers, perks,
stores, badges and trust requirements. They think in tasks ("rewards"), not in Django app
labels, so the index and the sidebar group models by task. The grouping is data (app labels
and "app_label.model_name" keys), so this module imports none of the apps above accounts.
A model no task names lands under "Other": every registered model stays reachable.
"""

from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

# (key, label, members): a member is an app label or an "app_label.model_name"; a model's own
# key wins over its app's, so one model can sit with the task it serves (a space's gate is set
# up with the space, although the gate lives in commerce).
TASK_GROUPS = (
    (
        "community",
        _("Community"),
        (
            "community",
            "commerce.spacegate",
            "bridges",
            "chat",
            "events",
            "ideas",
            "programming",
            "showcases",
            "surveys",
            "trials",
        ),
    ),
    ("store", _("Store"), ("commerce",)),
    ("rewards", _("Rewards"), ("rewards", "badges")),
    ("moderation", _("Moderation and trust"), ("moderation", "trust")),
    ("analytics", _("Analytics"), ("analytics",)),
    ("members", _("Members and access"), ("accounts", "account", "auth", "privacy")),
    ("system", _("System"), ("core", "notifications", "sites")),
)
OTHER_GROUP = ("other", _("Other"))


def _brand_name() -> str:
    # Read per request, never at import time, so a test or a deploy can change it.
    return settings.BRAND_NAME


_lazy_brand = lazy(_brand_name, str)


def task_group_of(app_label: str, model_name: str) -> str:
    """The task group key of a model: its own entry first, then its app's, else "other"."""
    model_key = f"{app_label}.{model_name}"
    for key, _label, members in TASK_GROUPS:
        if model_key in members:
            return key
    for key, _label, members in TASK_GROUPS:
        if app_label in members:
            return key
    return OTHER_GROUP[0]


class FlywheelAdminSite(admin.AdminSite):
    site_header = _lazy_brand()
    site_title = _lazy_brand()
    index_title = _("Configuration")

    def get_app_list(self, request, app_label=None):
        # An app's own index page (/admin/<app_label>/) keeps Django's per-app listing.
        if app_label is not None:
            return super().get_app_list(request, app_label)
        labels = {key: label for key, label, _members in TASK_GROUPS}
        labels[OTHER_GROUP[0]] = OTHER_GROUP[1]
        groups: dict[str, dict] = {}
        for app in super().get_app_list(request):
            for model in app["models"]:
                key = task_group_of(app["app_label"], model["object_name"].lower())
                group = groups.setdefault(
                    key,
                    {
                        "name": labels[key],
                        "app_label": key,
                        "app_url": f"{reverse('admin:index', current_app=self.name)}#{key}",
                        "has_module_perms": True,
                        "models": [],
                    },
                )
                group["models"].append(model)
        order = [key for key, _label, _members in TASK_GROUPS] + [OTHER_GROUP[0]]
        task_list = [groups[key] for key in order if key in groups]
        for group in task_list:
            group["models"].sort(key=lambda model: str(model["name"]).lower())
        return task_list
