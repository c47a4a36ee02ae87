"""Counts the days each signed-in member visits, for trust levels."""

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

VISIT_CACHE_SECONDS = 60 * 60 * 26  # a little over a day: the key's date changes first


def visit_key(member_id: int, day) -> str:
    return f"trust:visit:{member_id}:{day.isoformat()}"


def visit_counted_guard(identity, member_id: int) -> list[tuple[str, bool]]:
    """core.member_cache serves a cached page only once today's visit is counted; the first
    request of the day goes through this middleware."""
    if identity.member_id is None:  # a token: the API never counts visits
        return []
    return [(visit_key(member_id, timezone.now().date()), True)]


class MemberVisitMiddleware:
    """Records one MemberVisit per member per UTC day.

    The cache remembers who was already counted today, so a member's requests after their
    first of the day cost nothing; the first one hands the write to a task after the request's
    database work commits (one query in-process without Redis, none in the request with it).
    Signed-out requests cost nothing. Runs after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            today = timezone.now().date()
            if cache.add(visit_key(user.pk, today), 1, VISIT_CACHE_SECONDS):
                member_id = user.pk
                transaction.on_commit(
                    lambda: _dispatch_visit(member_id, today.isoformat()), robust=True
                )
        return self.get_response(request)


def _dispatch_visit(member_id: int, day: str) -> None:
    from flywheel.trust.tasks import record_visit

    record_visit.delay(member_id, day)
