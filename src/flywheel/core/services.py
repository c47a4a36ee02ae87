from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from flywheel.core.models import Activity


def record_activity(
    *,
    actor: Any,
    verb: str,
    target: models.Model | None = None,
    space: Any = None,
    payload: dict | None = None,
    dedupe_key: str | None = None,
    at=None,
) -> Activity:
    """Log what a member did, once; consumers (notifications, rewards…) run after commit."""
    fields = {
        "actor": actor,
        "verb": verb,
        "space": space,
        "payload": payload or {},
        "created_at": at or timezone.now(),
    }
    if target is not None:
        fields["target_type"] = ContentType.objects.get_for_model(target)
        fields["target_id"] = target.pk
    if dedupe_key:
        try:
            with transaction.atomic():
                activity = Activity.objects.create(dedupe_key=dedupe_key, **fields)
        except IntegrityError:
            return Activity.objects.get(dedupe_key=dedupe_key)
    else:
        activity = Activity.objects.create(**fields)
    transaction.on_commit(lambda: dispatch_activity(activity.pk))
    return activity


def dispatch_activity(activity_id: int) -> None:
    from flywheel.core.tasks import fan_out_activity

    fan_out_activity.delay(activity_id)


def activity_consumers() -> dict[str, Callable[[Activity], None]]:
    """Every consumer of the Activity log: stable name → function, in the order they run.

    Apps register their consumer in hooks.activity_consumers from AppConfig.ready(), named by
    its dotted path (the name delivery rows store). settings.FLYWHEEL_ACTIVITY_CONSUMERS, when
    set, overrides the registry with exactly the names it lists, in its order (a registered
    name, or a dotted path to import: tests and switching a consumer off)."""
    from flywheel.core import hooks

    override = settings.FLYWHEEL_ACTIVITY_CONSUMERS
    if override is None:
        return dict(hooks.activity_consumers.items())
    return {name: hooks.activity_consumers.get(name) or import_string(name) for name in override}
