from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.http import require_GET

from flywheel.seo.sitemaps import SECTIONS

# Pages with nothing worth indexing, or that are endless (search results) or private.
DISALLOWED = ("/admin/", "/manage/", "/api/", "/accounts/", "/search/", "/settings/")


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {path}" for path in DISALLOWED]
    lines.append(f"Sitemap: {_absolute(reverse('seo:sitemap_index'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def sitemap_index(request: HttpRequest) -> HttpResponse:
    """Django's index view names sections on the request's Host; ours uses SITE_URL."""
    items, latest = [], []
    for section, sitemap_class in SECTIONS.items():
        sitemap = sitemap_class()
        location = _absolute(reverse("seo:sitemap_section", kwargs={"section": section}))
        lastmod = sitemap.get_latest_lastmod()
        latest.append(lastmod)
        items.append(sitemap_views.SitemapIndexItem(location, lastmod))
        items.extend(
            sitemap_views.SitemapIndexItem(f"{location}?p={page}", lastmod)
            for page in range(2, sitemap.paginator.num_pages + 1)
        )
    headers = None
    if latest and None not in latest:
        headers = {"Last-Modified": http_date(max(latest).timestamp())}
    return TemplateResponse(
        request,
        "sitemap_index.xml",
        {"sitemaps": items},
        content_type="application/xml",
        headers=headers,
    )


@require_GET
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    if section not in SECTIONS:
        raise Http404("No sitemap section of that name.")
    return sitemap_views.sitemap(request, sitemaps={section: SECTIONS[section]}, section=section)
