from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sites.shortcuts import get_current_site
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
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
        # Page 1 keeps the bare address; the section is named even when it is empty.
        pages = sitemap.page_numbers() or [1]
        items.extend(
            sitemap_views.SitemapIndexItem(
                location if page == 1 else f"{location}?p={page}", lastmod
            )
            for page in pages
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


def urlset_xml(urls: list[dict]) -> str:
    """The <urlset> of one sitemap page, written directly: Django's sitemap.xml template spent
    seconds on a page of 10,000 addresses (docs/benchmarks.md, "Sitemap"). Same elements and
    escaping as that template, for the fields our sections set."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    ]
    append = parts.append
    for url in urls:
        append("<url><loc>")
        append(escape(url["location"]))
        append("</loc>")
        lastmod = url.get("lastmod")
        if lastmod:
            if hasattr(lastmod, "tzinfo") and timezone.is_aware(lastmod):
                lastmod = timezone.localtime(lastmod)
            append(f"<lastmod>{lastmod:%Y-%m-%d}</lastmod>")
        if url.get("changefreq"):
            append(f"<changefreq>{escape(url['changefreq'])}</changefreq>")
        if url.get("priority"):
            append(f"<priority>{escape(str(url['priority']))}</priority>")
        append("</url>")
    append("</urlset>\n")
    return "".join(parts)


@require_GET
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    if section not in SECTIONS:
        raise Http404("No sitemap section of that name.")
    sitemap = SECTIONS[section]()
    page = request.GET.get("p", 1)
    try:
        urls = sitemap.get_urls(page=page, site=get_current_site(request), protocol=request.scheme)
    except (EmptyPage, PageNotAnInteger) as missing:
        raise Http404("No such sitemap page.") from missing
    headers = {"X-Robots-Tag": "noindex, noodp, noarchive"}
    latest = getattr(sitemap, "latest_lastmod", None)
    if latest is not None:
        headers["Last-Modified"] = http_date(
            sitemap_views._get_latest_lastmod(None, latest).timestamp()
        )
    return HttpResponse(urlset_xml(urls), content_type="application/xml", headers=headers)
