"""Signed-out pages cached by a CDN or caching proxy, purged by surrogate key when they change.

Pages that are the same for every signed-out visitor (topic, space and home pages) name what
they show with surrogate keys (`topic-12`, `space-3`, `home`) through `tag_response`. For a
signed-out GET with nothing personal in it, EdgeCacheMiddleware then sends

    Cache-Control: public, max-age=0, s-maxage=<FLYWHEEL_EDGE_CACHE_SECONDS>
    Surrogate-Key: topic-12 space-3        (Fastly, Varnish with the VCL in deploy/varnish)
    Cache-Tag: topic-12,space-3            (Cloudflare)

so the proxy keeps the page and browsers always ask again. Every other response of a
signed-in member (anything with a session) gets `Cache-Control: private`, so no shared cache
ever keeps it. A page given to the proxy holds no CSRF token and sets no CSRF cookie (it is
the same for everyone); the rare signed-out form on it (the language switcher) fetches a token
from /csrf-token when it is submitted (static/flywheel/flywheel.js).

When a service changes what such a page shows it calls `purge_on_commit(keys)`; after the
transaction commits, a Celery task asks the configured backend to drop every cached page
carrying one of the keys:

- `none` (default): nothing is sent (no proxy, or one that only honours s-maxage);
- `varnish`: an HTTP `BAN` to each of FLYWHEEL_EDGE_PURGE_URLS with a `Surrogate-Key` header
  (deploy/varnish/flywheel.vcl bans every object carrying one of the keys);
- `fastly`: `POST /service/<service>/purge` with the keys in `Surrogate-Key`;
- `cloudflare`: `POST /client/v4/zones/<zone>/purge_cache` with `{"tags": [...]}`.

With FLYWHEEL_EDGE_CACHE_SECONDS at 0 (default) the headers say `no-cache` for shared caches:
nothing is given to a proxy unless the deployment asks for it (docs/deploy.md).
"""

import logging
import re
from collections.abc import Iterable

import httpx
from django.conf import settings
from django.db import transaction
from django.utils.cache import patch_cache_control

logger = logging.getLogger("flywheel.edge_cache")

KEYS_ATTRIBUTE = "_flywheel_surrogate_keys"
TOKEN_IN_FORM = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
TOKEN_IN_HEADERS = re.compile(r'("X-CSRFToken": ")[^"]*(")')
FASTLY_KEYS_PER_REQUEST = 256
CLOUDFLARE_TAGS_PER_REQUEST = 30
BACKENDS = ("none", "varnish", "fastly", "cloudflare")


class PurgeFailed(Exception):
    """The proxy or CDN did not confirm the purge (the task retries)."""


# Pages -----------------------------------------------------------------------------------------


def tag_response(response, keys: Iterable[str]) -> None:
    """Name what this page shows; the middleware decides whether a shared cache may keep it."""
    setattr(response, KEYS_ATTRIBUTE, tuple(keys))


def _signed_out_and_impersonal(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES


class EdgeCacheMiddleware:
    """Sits before the session and CSRF middleware, so it sees their cookies and headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        keys = getattr(response, KEYS_ATTRIBUTE, None)
        signed_out = _signed_out_and_impersonal(request)
        if not signed_out:
            if "Cache-Control" not in response:
                patch_cache_control(response, private=True)
            return response
        if keys is None or response.status_code != 200:
            return response
        seconds = settings.FLYWHEEL_EDGE_CACHE_SECONDS
        response["Surrogate-Key"] = " ".join(keys)
        response["Cache-Tag"] = ",".join(keys)
        if seconds <= 0:
            patch_cache_control(response, no_cache=True)
            return response
        _make_impersonal(response)
        patch_cache_control(response, public=True, max_age=0, s_maxage=seconds)
        return response


def _make_impersonal(response) -> None:
    """No CSRF token in the HTML and no cookie: the proxy gives this page to everyone."""
    response.cookies.pop(settings.CSRF_COOKIE_NAME, None)
    if response.streaming:
        return
    html = response.content.decode()
    html = TOKEN_IN_FORM.sub(r"\1\2", html)
    response.content = TOKEN_IN_HEADERS.sub(r"\1\2", html).encode()
    if response.has_header("Content-Length"):  # set by CommonMiddleware on the old body
        response["Content-Length"] = str(len(response.content))


# Purges ----------------------------------------------------------------------------------------


def purging_enabled() -> bool:
    return settings.FLYWHEEL_EDGE_PURGE_BACKEND != "none"


def purge_on_commit(keys: Iterable[str]) -> None:
    """Purge pages carrying these keys once the current transaction commits (at once if none
    is open). Nothing happens with the `none` backend."""
    if not purging_enabled():
        return
    keys = sorted(set(keys))
    if not keys:
        return
    from flywheel.core.tasks import purge_edge_cache

    transaction.on_commit(lambda: purge_edge_cache.delay(keys))


def purge(keys: list[str]) -> None:
    """Send the purge now, with the configured backend (raises PurgeFailed)."""
    backend = settings.FLYWHEEL_EDGE_PURGE_BACKEND
    if backend not in BACKENDS:
        raise PurgeFailed(f"FLYWHEEL_EDGE_PURGE_BACKEND must be one of {BACKENDS}, not {backend}")
    if backend == "none" or not keys:
        return
    {"varnish": _purge_varnish, "fastly": _purge_fastly, "cloudflare": _purge_cloudflare}[backend](
        keys
    )


def _send(method: str, url: str, **kwargs) -> httpx.Response:
    try:
        response = httpx.request(
            method, url, timeout=settings.FLYWHEEL_EDGE_PURGE_TIMEOUT, **kwargs
        )
    except httpx.HTTPError as error:
        raise PurgeFailed(f"{method} {url}: {error}") from error
    if response.status_code >= 300:
        raise PurgeFailed(f"{method} {url} answered {response.status_code}: {response.text[:200]}")
    return response


def _purge_varnish(keys: list[str]) -> None:
    if not settings.FLYWHEEL_EDGE_PURGE_URLS:
        raise PurgeFailed("FLYWHEEL_EDGE_PURGE_URLS names no Varnish server")
    for url in settings.FLYWHEEL_EDGE_PURGE_URLS:
        _send("BAN", url, headers={"Surrogate-Key": " ".join(keys)})


def _purge_fastly(keys: list[str]) -> None:
    base = settings.FLYWHEEL_EDGE_PURGE_API_URL or "https://api.fastly.com"
    url = f"{base.rstrip('/')}/service/{settings.FLYWHEEL_EDGE_PURGE_SERVICE}/purge"
    for start in range(0, len(keys), FASTLY_KEYS_PER_REQUEST):
        chunk = keys[start : start + FASTLY_KEYS_PER_REQUEST]
        _send(
            "POST",
            url,
            headers={
                "Fastly-Key": settings.FLYWHEEL_EDGE_PURGE_TOKEN,
                "Surrogate-Key": " ".join(chunk),
                "Accept": "application/json",
            },
        )


def _purge_cloudflare(keys: list[str]) -> None:
    base = settings.FLYWHEEL_EDGE_PURGE_API_URL or "https://api.cloudflare.com"
    url = f"{base.rstrip('/')}/client/v4/zones/{settings.FLYWHEEL_EDGE_PURGE_SERVICE}/purge_cache"
    for start in range(0, len(keys), CLOUDFLARE_TAGS_PER_REQUEST):
        response = _send(
            "POST",
            url,
            headers={"Authorization": f"Bearer {settings.FLYWHEEL_EDGE_PURGE_TOKEN}"},
            json={"tags": keys[start : start + CLOUDFLARE_TAGS_PER_REQUEST]},
        )
        if not response.json().get("success"):
            raise PurgeFailed(f"Cloudflare refused the purge: {response.text[:200]}")
