"""Fixed-window rate limits on writes, kept in the cache (Redis in production)."""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from flywheel.core.exceptions import RateLimited

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    count, _slash, period = rate.partition("/")
    return int(count), PERIODS[period]


def check_rate_limit(*, key: str, rate: str | None = None) -> None:
    """Count one write against `key`; raise RateLimited past the allowance."""
    limit, period = parse_rate(rate or settings.FLYWHEEL_WRITE_RATE_LIMIT)
    window = int(time.time() // period)
    cache_key = f"ratelimit:{key}:{window}"
    added = cache.add(cache_key, 1, timeout=period + 1)
    count = 1 if added else cache.incr(cache_key)
    if count > limit:
        retry_after = period - int(time.time() % period)
        raise RateLimited(
            _("You are doing that too often. Try again in %(seconds)d seconds.")
            % {"seconds": retry_after},
            retry_after=retry_after,
        )
