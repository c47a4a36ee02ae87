"""Sitemap sections: only what an anonymous visitor may read.

Topics come from permissions.filter_topics_queryset(AnonymousUser()), the one home of the
visibility rules (deleted, held, hidden, rejected, members-only and gated spaces), so a rule
added there reaches the sitemap too. Each section is paged by ``limit`` (the sitemaps
protocol allows 50,000 URLs a file; smaller pages keep each response quick) and every page
costs the same few queries however many topics there are.

Large sections (topics, product reviews, showcases) are paged by key range, not by OFFSET:
page N holds the rows whose primary key lies in ((N-1)·limit, N·limit], read with an index
range scan, so page 100 of a million topics costs what page 1 does (an OFFSET skips and
throws away every earlier row). A page's address therefore always lists the same rows
(new topics never push old ones onto the next page), and the index names only the pages that
hold something; a page may hold fewer than ``limit`` addresses where keys are sparse.
"""

from urllib.parse import quote, urlsplit

from django.conf import settings
from django.contrib import sitemaps
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import F, Max
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS

from flywheel.commerce.models import Product
from flywheel.community import permissions
from flywheel.reviews.models import ReviewState
from flywheel.showcases.models import Showcase
from flywheel.showcases.permissions import filter_public_showcases_queryset


class SiteUrlSitemap(sitemaps.Sitemap):
    """Addresses on SITE_URL, not on whatever Host the crawler sent or the Sites framework's
    placeholder domain."""

    limit = 10_000

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def latest(self):
        """The newest lastmod in one aggregate (Django's default walks every item)."""
        return None

    def get_latest_lastmod(self):
        return self.latest()

    def page_numbers(self) -> list[int]:
        """The pages the index names."""
        return list(self.paginator.page_range)


class KeyRangePage:
    def __init__(self, object_list):
        self.object_list = object_list


class KeyRangePaginator:
    """What Django's Sitemap asks of its paginator (page(n).object_list), by primary-key
    ranges: page N is ((N-1)·limit, N·limit]."""

    def __init__(self, sitemap: "KeyRangeSitemap"):
        self.sitemap = sitemap
        self.per_page = sitemap.limit

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        low = (number - 1) * self.per_page
        rows = list(self.sitemap.items().filter(pk__gt=low, pk__lte=low + self.per_page))
        if not rows and number > 1:
            raise EmptyPage("That page contains no results")
        return KeyRangePage(rows)

    def page_numbers(self) -> list[int]:
        """Pages holding at least one row: one grouped pass over the section's keys."""
        buckets = (
            self.sitemap.keys()
            .order_by()
            .annotate(bucket=(F("pk") - 1) / self.per_page)
            .values_list("bucket", flat=True)
            .distinct()
        )
        return sorted(int(bucket) + 1 for bucket in buckets) or [1]


class KeyRangeSitemap(SiteUrlSitemap):
    """Paged by primary-key range (the module's docstring); items() must be ordered by pk."""

    @property
    def paginator(self):
        return KeyRangePaginator(self)

    def keys(self):
        """The rows to page, without annotations that would group them (items() may add)."""
        return self.items()

    def page_numbers(self) -> list[int]:
        return self.paginator.page_numbers()


# Stand-ins reverse() fills into the topic address once per sitemap page; each topic's own
# slug and id then replace them (see TopicSitemap.location).
SLUG_STAND_IN, ID_STAND_IN = "slug-stand-in", 987654321987


class TopicSitemap(KeyRangeSitemap):
    changefreq = "daily"

    def location(self, topic):
        """Topic.get_absolute_url() without a reverse() per topic: one reverse per page with
        stand-ins, then the slug quoted exactly as reverse() quotes it. A page of 10,000
        addresses spent most of its time in reverse() (docs/benchmarks.md, "Sitemap")."""
        template = getattr(self, "_topic_path", None)
        if template is None:
            template = reverse(
                "community:topic", kwargs={"topic_id": ID_STAND_IN, "slug": SLUG_STAND_IN}
            )
            self._topic_path = template
        slug = quote(topic.slug or "-", safe=RFC3986_SUBDELIMS + "/~:@")
        return template.replace(SLUG_STAND_IN, slug).replace(str(ID_STAND_IN), str(topic.pk))

    def _public(self):
        return permissions.filter_topics_queryset(AnonymousUser())

    def items(self):
        return self._public().only("pk", "slug", "last_posted_at").order_by("pk")

    def lastmod(self, topic):
        return topic.last_posted_at

    def latest(self):
        return self._public().aggregate(latest=Max("last_posted_at"))["latest"]


class SpaceSitemap(SiteUrlSitemap):
    changefreq = "daily"

    def items(self):
        return (
            permissions.filter_spaces_queryset(AnonymousUser())
            .only("pk", "slug")
            .order_by("position", "pk")
        )

    def location(self, space):
        return reverse("community:space", kwargs={"slug": space.slug})


class ProductReviewsSitemap(KeyRangeSitemap):
    """The public review page of every product with a published review."""

    changefreq = "weekly"

    def _reviewed(self):
        return Product.objects.filter(deleted=False, reviews__state=ReviewState.PUBLISHED)

    def keys(self):
        return self._reviewed()

    def items(self):
        return (
            self._reviewed()
            .annotate(reviewed_at=Max("reviews__published_at"))
            .only("pk")
            .order_by("pk")
        )

    def location(self, product):
        return reverse("reviews:product", kwargs={"product_id": product.pk})

    def lastmod(self, product):
        return product.reviewed_at

    def latest(self):
        return self._reviewed().aggregate(latest=Max("reviews__published_at"))["latest"]


class ShowcaseSitemap(KeyRangeSitemap):
    """Published showcases (pending and rejected ones never: the showcases app's one rule)."""

    changefreq = "weekly"

    def _public(self):
        return filter_public_showcases_queryset(Showcase.objects.all())

    def items(self):
        return self._public().only("pk", "updated_at").order_by("pk")

    def lastmod(self, showcase):
        return showcase.updated_at

    def latest(self):
        return self._public().aggregate(latest=Max("updated_at"))["latest"]


SECTIONS = {
    "spaces": SpaceSitemap,
    "topics": TopicSitemap,
    "reviews": ProductReviewsSitemap,
    "showcases": ShowcaseSitemap,
}
