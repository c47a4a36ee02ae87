"""Badge criteria over the Activity log.

Each kind answers two questions the same way:

* ``evaluate(badge, activity)``: does this one new activity earn someone the badge? Counts are
  taken "as of" the activity (rows with id ≤ its id), so the answer does not depend on when
  the consumer runs, and running it twice changes nothing.
* ``scan(badge)``: replay the whole log in id order and yield every award. ``flywheel badges
  recompute`` uses it; it yields exactly the awards evaluate() would have made, at the same
  activity, so the two paths produce the same grants.

A criterion names verbs declared in ``core.models.Verb``; one declared for an app still to come
(``event_attended`` before events exist) is valid and simply never fires.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from flywheel.core.models import Activity, Verb

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}\Z")
MAX_COUNT = 1_000_000
REACTION_ADDED = Verb.REACTION_ADDED
REACTION_REMOVED = Verb.REACTION_REMOVED
SCAN_CHUNK = 2000


@dataclass(frozen=True)
class Award:
    member_id: int
    activity_id: int
    granted_at: datetime
    occasion: str = ""


# ---------------------------------------------------------------- validation


def _fail(message: str) -> ValidationError:
    return ValidationError({"criterion_params": message})


def _count(params: dict) -> int:
    count = params.get("count")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        raise _fail(_("“count” must be a whole number from 1 to %(max)d.") % {"max": MAX_COUNT})
    return count


def _verb(value: Any) -> str:
    if not isinstance(value, str) or value not in Verb.values:
        raise _fail(_("“%(verb)s” is not a declared activity verb.") % {"verb": value})
    return value


def _payload_filter(params: dict) -> dict:
    payload = params.get("payload", {})
    if not isinstance(payload, dict):
        raise _fail(_("“payload” must be an object of field: value."))
    for key, value in payload.items():
        if not KEY_PATTERN.match(str(key)):
            raise _fail(_("“%(key)s” is not a payload field name.") % {"key": key})
        if not isinstance(value, str | int | bool):
            raise _fail(_("Payload values must be text, numbers or true/false."))
    return payload


def _only_keys(params: dict, allowed: set[str]) -> None:
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise _fail(_("Unknown settings: %(keys)s.") % {"keys": ", ".join(unknown)})


def validate_criterion(kind: str, params: Any) -> dict:
    """The params, checked for `kind`; ValidationError naming criterion_params otherwise."""
    if kind not in CRITERIA:
        raise ValidationError({"criterion_kind": _("Unknown criterion.")})
    if not isinstance(params, dict):
        raise _fail(_("The settings must be a JSON object."))
    return CRITERIA[kind].validate(params)


# ---------------------------------------------------------------- shared helpers


def _matches(payload: dict, wanted: dict) -> bool:
    return all(payload.get(key) == value for key, value in wanted.items())


def _lookups(wanted: dict) -> dict:
    return {f"payload__{key}": value for key, value in wanted.items()}


def _as_member_id(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return None
    return value


# ---------------------------------------------------------------- kinds


class VerbCount:
    """The actor did one of `verbs` (optionally with payload fields) `count` times.

    params: {"verbs": ["topic_created", "reply_created"], "count": 1, "payload": {...}}
    """

    @staticmethod
    def validate(params: dict) -> dict:
        _only_keys(params, {"verbs", "count", "payload"})
        verbs = params.get("verbs")
        if not isinstance(verbs, list) or not verbs:
            raise _fail(_("“verbs” must be a non-empty list of verb names."))
        return {
            "verbs": [_verb(verb) for verb in verbs],
            "count": _count(params),
            "payload": _payload_filter(params),
        }

    @staticmethod
    def evaluate(badge, activity: Activity) -> list[Award]:
        params = badge.criterion_params
        if activity.actor_id is None or activity.verb not in params["verbs"]:
            return []
        if not _matches(activity.payload or {}, params.get("payload", {})):
            return []
        if params["count"] > 1:
            done = Activity.objects.filter(
                actor_id=activity.actor_id,
                verb__in=params["verbs"],
                id__lte=activity.id,
                **_lookups(params.get("payload", {})),
            ).count()
            if done < params["count"]:
                return []
        return [Award(activity.actor_id, activity.id, activity.created_at)]

    @staticmethod
    def scan(badge) -> Iterator[Award]:
        params = badge.criterion_params
        rows = (
            Activity.objects.filter(
                verb__in=params["verbs"],
                actor__isnull=False,
                **_lookups(params.get("payload", {})),
            )
            .order_by("id")
            .values_list("id", "created_at", "actor_id")
        )
        done: dict[int, int] = {}
        for activity_id, created_at, actor_id in rows.iterator(chunk_size=SCAN_CHUNK):
            done[actor_id] = done.get(actor_id, 0) + 1
            if done[actor_id] == params["count"]:
                yield Award(actor_id, activity_id, created_at)


class ReceivedCount:
    """Someone else's `verb` named the member in payload[`member_key`] `count` times
    (an accepted answer names its answerer: {"verb": "answer_accepted",
    "member_key": "answerer_id", "count": 10}). Accepting your own answer does not count."""

    @staticmethod
    def validate(params: dict) -> dict:
        _only_keys(params, {"verb", "member_key", "count", "payload"})
        member_key = params.get("member_key")
        if not isinstance(member_key, str) or not KEY_PATTERN.match(member_key):
            raise _fail(_("“member_key” must name the payload field holding the member's id."))
        return {
            "verb": _verb(params.get("verb")),
            "member_key": member_key,
            "count": _count(params),
            "payload": _payload_filter(params),
        }

    @staticmethod
    def evaluate(badge, activity: Activity) -> list[Award]:
        params = badge.criterion_params
        if activity.verb != params["verb"]:
            return []
        payload = activity.payload or {}
        member_id = _as_member_id(payload.get(params["member_key"]))
        if member_id is None or member_id == activity.actor_id:
            return []
        if not _matches(payload, params.get("payload", {})):
            return []
        received = (
            Activity.objects.filter(
                verb=params["verb"],
                id__lte=activity.id,
                **{f"payload__{params['member_key']}": member_id},
                **_lookups(params.get("payload", {})),
            )
            .exclude(actor_id=member_id)
            .count()
        )
        if received < params["count"]:
            return []
        return [Award(member_id, activity.id, activity.created_at)]

    @staticmethod
    def scan(badge) -> Iterator[Award]:
        params = badge.criterion_params
        rows = (
            Activity.objects.filter(verb=params["verb"], **_lookups(params.get("payload", {})))
            .order_by("id")
            .values_list("id", "created_at", "actor_id", f"payload__{params['member_key']}")
        )
        received: dict[int, int] = {}
        for activity_id, created_at, actor_id, named in rows.iterator(chunk_size=SCAN_CHUNK):
            member_id = _as_member_id(named)
            if member_id is None or member_id == actor_id:
                continue
            received[member_id] = received.get(member_id, 0) + 1
            if received[member_id] == params["count"]:
                yield Award(member_id, activity_id, created_at)


class ReactionsOnPost:
    """One of the member's posts holds `count` reactions of `kind` from others (reactions
    taken back do not count). A multi-grant badge is earned once per such post.

    params: {"kind": "like", "count": 25}
    """

    @staticmethod
    def validate(params: dict) -> dict:
        from flywheel.community.models import ReactionKind

        _only_keys(params, {"kind", "count"})
        if params.get("kind") not in ReactionKind.values:
            raise _fail(
                _("“kind” must be one of: %(kinds)s.") % {"kinds": ", ".join(ReactionKind.values)}
            )
        return {"kind": params["kind"], "count": _count(params)}

    @staticmethod
    def _occasion(badge, post_id: int) -> str:
        return f"post:{post_id}" if badge.is_multi_grant else ""

    @classmethod
    def evaluate(cls, badge, activity: Activity) -> list[Award]:
        params = badge.criterion_params
        payload = activity.payload or {}
        if activity.verb != REACTION_ADDED or payload.get("kind") != params["kind"]:
            return []
        author_id = _as_member_id(payload.get("author_id"))
        if author_id is None or author_id == activity.actor_id or activity.target_id is None:
            return []
        totals = (
            Activity.objects.filter(
                verb__in=[REACTION_ADDED, REACTION_REMOVED],
                target_type_id=activity.target_type_id,
                target_id=activity.target_id,
                payload__kind=params["kind"],
                id__lte=activity.id,
            )
            .exclude(actor_id=author_id)
            .aggregate(
                added=Count("id", filter=Q(verb=REACTION_ADDED)),
                removed=Count("id", filter=Q(verb=REACTION_REMOVED)),
            )
        )
        if totals["added"] - totals["removed"] < params["count"]:
            return []
        occasion = cls._occasion(badge, activity.target_id)
        return [Award(author_id, activity.id, activity.created_at, occasion)]

    @classmethod
    def scan(cls, badge) -> Iterator[Award]:
        from flywheel.community.models import Post

        params = badge.criterion_params
        rows = (
            Activity.objects.filter(
                verb__in=[REACTION_ADDED, REACTION_REMOVED],
                target_type=ContentType.objects.get_for_model(Post),
                payload__kind=params["kind"],
            )
            .order_by("id")
            .values_list("id", "created_at", "verb", "actor_id", "target_id", "payload__author_id")
        )
        net: dict[int, int] = {}
        fired: set[int] = set()
        for activity_id, created_at, verb, actor_id, post_id, author in rows.iterator(
            chunk_size=SCAN_CHUNK
        ):
            author_id = _as_member_id(author)
            if author_id is None or author_id == actor_id or post_id is None:
                continue
            net[post_id] = net.get(post_id, 0) + (1 if verb == REACTION_ADDED else -1)
            if verb == REACTION_ADDED and net[post_id] >= params["count"] and post_id not in fired:
                fired.add(post_id)
                yield Award(author_id, activity_id, created_at, cls._occasion(badge, post_id))


CRITERIA = {
    "verb_count": VerbCount,
    "received_count": ReceivedCount,
    "reactions_on_post": ReactionsOnPost,
}


def evaluate(badge, activity: Activity) -> list[Award]:
    return CRITERIA[badge.criterion_kind].evaluate(badge, activity)


def scan(badge) -> Iterator[Award]:
    return CRITERIA[badge.criterion_kind].scan(badge)
