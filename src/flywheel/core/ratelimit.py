"""Fixed-window rate limits on writes, kept in the cache (Redis in production).

Two layers:

* ``check_rate_limit(key=..., rate=...)``: one counter, one allowance (the short burst limit
  every write already had, FLYWHEEL_WRITE_RATE_LIMIT).
* ``check_action_rate_limit(member=..., action=...)``: the allowance for a business action
  ("topic", "reply", "reaction", "flag", "message") depends on the member's trust level, from
  settings.FLYWHEEL_RATE_LIMITS = {"topic": {0: "3/h", 1: "10/h", ...}, ...}. A level missing
  from the table uses the nearest lower level listed; ``None`` means no limit.

Trust levels (0–4) come from the function named in settings.FLYWHEEL_TRUST_LEVEL_RESOLVER
(when set), else from the resolver registered in ``hooks.trust_level_resolvers`` (the trust
app's ``trust_level_for``), else from account age and role (``level_from_account_age``). The brand team
(owner, admin, moderator) and superusers are never limited by level.
"""

import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from flywheel.core.exceptions import RateLimited

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
TOP_LEVEL = 4

# Account-age fallback while no trust app answers: a day-old account is level 1, a month-old
# account level 2. Levels 3 and 4 are earned (trust app) or given (brand team).
ACCOUNT_AGE_LEVELS = ((timedelta(days=30), 2), (timedelta(days=1), 1))


def parse_rate(rate: str) -> tuple[int, int]:
    """ "10/h" → (10, 3600); "5/15m" → (5, 900)."""
    count, _slash, period = rate.strip().partition("/")
    multiplier = period[:-1] or "1"
    return int(count), int(multiplier) * PERIODS[period[-1]]


def _too_often(retry_after: int) -> RateLimited:
    return RateLimited(
        _("You are doing that too often. Try again in %(seconds)d seconds.")
        % {"seconds": retry_after},
        retry_after=retry_after,
    )


def _window_key(key: str, period: int, now: float) -> str:
    return f"ratelimit:{key}:{int(now // period)}"


def _count(key: str, period: int, cost: int = 1) -> tuple[int, int]:
    """Count `cost` hits in the current window of `period` seconds; (count, seconds left)."""
    now = time.time()
    cache_key = _window_key(key, period, now)
    added = cache.add(cache_key, cost, timeout=period + 1)
    count = cost if added else cache.incr(cache_key, cost)
    return count, max(1, period - int(now % period))


def _give_back(key: str, period: int, cost: int) -> None:
    try:
        cache.decr(_window_key(key, period, time.time()), cost)
    except ValueError:
        pass  # the window just ended: nothing left to give back


def check_rate_limit(*, key: str, rate: str | None = None) -> None:
    """Count one write against `key`; raise RateLimited past the allowance."""
    limit, period = parse_rate(rate or settings.FLYWHEEL_WRITE_RATE_LIMIT)
    count, retry_after = _count(key, period)
    if count > limit:
        raise _too_often(retry_after)


def level_from_account_age(member) -> int:
    """The fallback trust level: the brand team is top level, others by account age."""
    if getattr(member, "is_brand_team", False) or getattr(member, "is_superuser", False):
        return TOP_LEVEL
    joined = getattr(member, "date_joined", None)
    if joined is None:
        return 0
    age = timezone.now() - joined
    for minimum_age, level in ACCOUNT_AGE_LEVELS:
        if age >= minimum_age:
            return level
    return 0


def _trust_level_resolver() -> Callable[[object], int]:
    path = settings.FLYWHEEL_TRUST_LEVEL_RESOLVER
    if path:
        return import_string(path)
    from flywheel.core import hooks

    return next(iter(hooks.trust_level_resolvers), level_from_account_age)


def trust_level_of(member) -> int:
    """The member's trust level 0–4 as rate limits see it."""
    if getattr(member, "is_brand_team", False) or getattr(member, "is_superuser", False):
        return TOP_LEVEL
    level = _trust_level_resolver()(member)
    return max(0, min(TOP_LEVEL, int(level or 0)))


def rates_for(*, action: str, level: int) -> list[str]:
    """The rate strings that apply to `action` at `level` ([] means unlimited)."""
    table = settings.FLYWHEEL_RATE_LIMITS.get(action)
    if not table:
        return []
    # Keys may be ints (settings.py) or strings (JSON from the environment).
    by_level = {int(key): value for key, value in table.items()}
    listed = [known for known in by_level if known <= level]
    if not listed:
        return []
    spec = by_level[max(listed)]
    if not spec:
        return []
    return [part for part in str(spec).split(",") if part.strip()]


def check_action_rate_limit(*, member, action: str, cost: int = 1) -> None:
    """Count one `action` by `member` (`cost` of them: photos in one upload); raise RateLimited
    past their trust level's allowance. A refused attempt is given back, so a batch larger than
    what is left does not use up the rest.

    Every window is counted (so "3/h,10/d" counts against both) before deciding, and the
    longest wait is reported, so Retry-After is honest.
    """
    rates = rates_for(action=action, level=trust_level_of(member))
    waits = []
    counted = []
    for rate in rates:
        limit, period = parse_rate(rate)
        key = f"action:{action}:{member.pk}:{period}"
        count, retry_after = _count(key, period, cost)
        counted.append((key, period))
        if count > limit:
            waits.append(retry_after)
    if waits:
        for key, period in counted:
            _give_back(key, period, cost)
        raise _too_often(max(waits))


def check_upload_allowance(*, member, count: int) -> None:
    """Photos count against the member's trust level's upload allowance
    (FLYWHEEL_RATE_LIMITS["photo_upload"], per photo); a refused batch uses up nothing. A
    customer writing through a review-request link has no member: the link's order bounds it.
    Counted before decoding, so the allowance also bounds the work a member can make us do."""
    if not count or member is None:
        return
    try:
        check_action_rate_limit(member=member, action="photo_upload", cost=count)
    except RateLimited as limited:
        minutes = max(1, round(limited.retry_after / 60))
        raise RateLimited(
            ngettext(
                "You have uploaded as many photos as your trust level allows for now. "
                "Try again in %(minutes)d minute, or post without photos.",
                "You have uploaded as many photos as your trust level allows for now. "
                "Try again in %(minutes)d minutes, or post without photos.",
                minutes,
            )
            % {"minutes": minutes},
            retry_after=limited.retry_after,
            field="photos",
        ) from limited
