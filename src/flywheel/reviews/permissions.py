"""Who may write, edit, vote on, answer and moderate reviews; who sees which reviews.

Pages, the API and the widget all go through these, so one rule cannot be forgotten in one
place. Denials raise PermissionDenied (403) or Http404 (a review the viewer may not see)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from flywheel.commerce.queries import is_verified_buyer
from flywheel.core import hooks
from flywheel.reviews.models import Review, ReviewState


def can_moderate_reviews(user) -> bool:
    return bool(user.is_authenticated and (user.is_brand_team or user.is_superuser))


def check_can_review_product(user, product) -> bool:
    """Raise unless `user` may review `product`; answer whether they are a verified buyer."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to review this product."))
    if product.deleted:
        raise PermissionDenied(_("This product is no longer sold."))
    verified = is_verified_buyer(user, product=product)
    if not verified and settings.FLYWHEEL_REVIEWS_BUYERS_ONLY and not _granted(user, product):
        raise PermissionDenied(
            _(
                "Only customers who bought this product can review it. Sign in with the e-mail "
                "address you ordered with."
            )
        )
    return verified


def _granted(user, product) -> bool:
    """A product another app lets this member review without buying it (a trial's tester)."""
    return any(grant(user, product) for grant in hooks.product_review_grants)


def check_edit_review_permission(user, review: Review) -> None:
    if not user.is_authenticated or review.author_id != user.pk:
        raise PermissionDenied(_("Only the author can edit this review."))


def check_vote_permission(user, review: Review) -> None:
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to vote."))
    if review.state != ReviewState.PUBLISHED:
        raise PermissionDenied(_("This review is not published."))
    if review.author_id == user.pk:
        raise PermissionDenied(_("You cannot vote for your own review."))


def check_moderate_review_permission(user) -> None:
    if not can_moderate_reviews(user):
        raise PermissionDenied(_("Only the brand team can do this."))


def filter_reviews_queryset(user, queryset: QuerySet[Review]) -> QuerySet[Review]:
    """Published reviews for everyone; their own pending/rejected ones for authors; all for
    the brand team."""
    if can_moderate_reviews(user):
        return queryset
    if user is not None and user.is_authenticated:
        return queryset.filter(Q(state=ReviewState.PUBLISHED) | Q(author=user))
    return queryset.filter(state=ReviewState.PUBLISHED)


def filter_public_reviews_queryset(queryset: QuerySet[Review]) -> QuerySet[Review]:
    """What anonymous readers, the widget, the JSON API and search engines get."""
    return queryset.filter(state=ReviewState.PUBLISHED, product__deleted=False)
