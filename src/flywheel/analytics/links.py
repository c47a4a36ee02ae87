"""Product links in the community: a first-party redirect that records the click.

Links in member posts that point at the brand's shop (a connected store's domain, or one of
FLYWHEEL_PRODUCT_LINK_DOMAINS) are rendered as `/go/<signed token>/` instead (the
`link_rewriters` hook of core.markup). Following one records a `ProductLinkClick` on our own
domain (the signed-in member, or nobody for a guest) and redirects to the shop: no cookie of
ours goes to the shop and no third-party cookie is read. Orders the clicking member places
within FLYWHEEL_ATTRIBUTION_WINDOW_DAYS after a click are community-attributed revenue
(queries.attributed_revenue).

The token is signed, so the redirect goes only where a rendered post pointed (no open
redirect), and it carries the URL itself, so old posts keep working without a lookup.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.urls import reverse

SALT = "flywheel.analytics.product-link"
DOMAINS_CACHE_KEY = "analytics:product-link-domains"
DOMAINS_CACHE_SECONDS = 60 * 60  # refreshed every 5 minutes; kept an hour if the task stops


def refresh_shop_domains() -> list[str]:
    """Cache the active stores' domains (the periodic rollup calls this every run)."""
    from flywheel.commerce.models import Store

    domains = sorted(
        {
            domain.strip().lower()
            for domain in Store.objects.filter(active=True).values_list("domain", flat=True)
            if domain.strip()
        }
    )
    cache.set(DOMAINS_CACHE_KEY, domains, DOMAINS_CACHE_SECONDS)
    return domains


def shop_domains() -> frozenset[str]:
    """The hosts whose links count as product links: the stores' domains as last cached by
    the periodic rollup, and FLYWHEEL_PRODUCT_LINK_DOMAINS. Rendering Markdown never queries
    the database for them, so a store connected a moment ago is picked up by the next run."""
    domains = cache.get(DOMAINS_CACHE_KEY) or []
    extra = {
        domain.strip().lower()
        for domain in (settings.FLYWHEEL_PRODUCT_LINK_DOMAINS or "").split(",")
        if domain.strip()
    }
    return frozenset(domains) | frozenset(extra)


def is_product_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return False
    return any(host == domain or host.endswith("." + domain) for domain in shop_domains())


def product_link_href(href: str) -> str | None:
    """The link_rewriters hook: a product link becomes our signed redirect."""
    if not is_product_url(href):
        return None
    return reverse("analytics_links:product_link", kwargs={"token": signing.dumps(href, salt=SALT)})


def url_for_token(token: str) -> str | None:
    """The product URL a genuine token carries, else None."""
    try:
        url = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return url if isinstance(url, str) and url.startswith(("http://", "https://")) else None
