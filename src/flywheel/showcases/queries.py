"""Reads shared by the gallery, the showcase page, the home page section and the sitemap."""

from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string

from flywheel.showcases import permissions
from flywheel.showcases.models import Showcase, ShowcaseComment, ShowcasePhoto, ShowcaseReaction

HOME_FEATURED = 4


def _with_related(queryset: QuerySet[Showcase]) -> QuerySet[Showcase]:
    # Three queries whatever the number of showcases: the showcases (with authors), their
    # photos, their products.
    return queryset.select_related("author").prefetch_related(
        Prefetch("photos", queryset=ShowcasePhoto.objects.order_by("position", "id")),
        "products",
    )


def gallery(viewer, *, kind: str = "", featured_only: bool = False) -> QuerySet[Showcase]:
    queryset = permissions.filter_public_showcases_queryset(Showcase.objects.all())
    if kind:
        queryset = queryset.filter(kind=kind)
    if featured_only:
        queryset = queryset.filter(featured_at__isnull=False).order_by("-featured_at", "-id")
    else:
        queryset = queryset.order_by("-created_at", "-id")
    return _with_related(queryset)


def pending_for_brand_team() -> QuerySet[Showcase]:
    return _with_related(Showcase.objects.filter(state="pending").order_by("created_at", "id"))


def showcase_for_viewer(viewer, showcase_id: int) -> Showcase | None:
    """The one getter for a single showcase: None when the viewer may not see it."""
    return (
        _with_related(
            permissions.filter_showcases_queryset(viewer, Showcase.objects.filter(pk=showcase_id))
        )
        .prefetch_related(
            Prefetch(
                "comments",
                queryset=ShowcaseComment.objects.select_related("author").order_by(
                    "created_at", "id"
                ),
            )
        )
        .first()
    )


def has_reacted(member, showcase: Showcase) -> bool:
    if member is None or not member.is_authenticated:
        return False
    return ShowcaseReaction.objects.filter(showcase=showcase, member=member).exists()


def member_showcases(member) -> QuerySet[Showcase]:
    return _with_related(Showcase.objects.filter(author=member).order_by("-created_at", "-id"))


def featured_for_home(request) -> str:
    """hooks.home_sections: the featured showcases under the home page's lists (2 queries)."""
    featured = list(gallery(request.user, featured_only=True)[:HOME_FEATURED])
    if not featured:
        return ""
    return render_to_string(
        "showcases/_home_section.html", {"showcases": featured}, request=request
    )
