"""Who is online now: a short-lived key per member in the cache (Redis in production, so
every ASGI worker agrees), set when a live connection opens and on its heartbeat, dropped
when it closes. A member with two tabs open who closes one shows offline until the other's
next heartbeat (at most HEARTBEAT_SECONDS)."""

from django.core.cache import cache

HEARTBEAT_SECONDS = 30
# A member whose connection stopped beating (a laptop lid closed) leaves the list after this.
ONLINE_TTL_SECONDS = 75


def _key(member_id: int) -> str:
    return f"chat:online:{member_id}"


def mark_online(member_id: int) -> None:
    cache.set(_key(member_id), 1, timeout=ONLINE_TTL_SECONDS)


def mark_offline(member_id: int) -> None:
    cache.delete(_key(member_id))


def online_ids(member_ids) -> set[int]:
    """Those of `member_ids` online now (one cache round trip)."""
    keys = {_key(member_id): member_id for member_id in member_ids}
    if not keys:
        return set()
    return {keys[key] for key in cache.get_many(list(keys))}
