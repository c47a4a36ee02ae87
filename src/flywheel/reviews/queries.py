"""Reads shared by the review pages, the JSON API and the widget."""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, Prefetch, QuerySet

from flywheel.reviews import permissions
from flywheel.reviews.models import FitAnswer, FitQuestion, HelpfulVote, Review, ReviewPhoto

SORTS = {
    "helpful": ["-helpful_count", "-created_at", "-id"],
    "newest": ["-created_at", "-id"],
    "photos": ["-photo_count", "-helpful_count", "-created_at", "-id"],
    "rating_high": ["-rating", "-created_at", "-id"],
    "rating_low": ["rating", "-created_at", "-id"],
}
DEFAULT_SORT = "helpful"


def _with_related(queryset: QuerySet[Review]) -> QuerySet[Review]:
    # Three queries whatever the number of reviews: the reviews (with author), their photos,
    # their fit answers (with the questions).
    return queryset.select_related("author", "product").prefetch_related(
        Prefetch("photos", queryset=ReviewPhoto.objects.order_by("position", "id")),
        Prefetch(
            "fit_answers",
            queryset=FitAnswer.objects.select_related("question").order_by(
                "question__position", "question_id"
            ),
        ),
    )


def fit_questions_for(product) -> list[FitQuestion]:
    """The fit or size questions asked on reviews of this product (its product types'), one
    query."""
    return list(
        FitQuestion.objects.filter(product_type__products=product)
        .distinct()
        .order_by("position", "id")
    )


def fit_summary(product, questions: list[FitQuestion]) -> list[dict]:
    """For each question, how the product's published reviews answered it, most common first:
    [{"question", "answers": [{"choice", "count", "percent"}], "count"}]; one query."""
    if not questions:
        return []
    published = permissions.filter_public_reviews_queryset(Review.objects.filter(product=product))
    rows = (
        FitAnswer.objects.filter(review__in=published, question__in=questions)
        .values("question_id", "choice")
        .annotate(count=Count("id"))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["question_id"], {})[row["choice"]] = row["count"]
    summary = []
    for question in questions:
        by_choice = counts.get(question.pk, {})
        total = sum(by_choice.values())
        if not total:
            continue
        summary.append(
            {
                "question": question,
                "count": total,
                "answers": [
                    {
                        "choice": choice,
                        "count": by_choice.get(choice, 0),
                        "percent": round(100 * by_choice.get(choice, 0) / total),
                    }
                    for choice in question.choices
                ],
            }
        )
    return summary


def product_reviews(
    product, *, viewer=None, sort: str = DEFAULT_SORT, rating: int | None = None, public=False
) -> QuerySet[Review]:
    queryset = Review.objects.filter(product=product)
    if public or viewer is None:
        queryset = permissions.filter_public_reviews_queryset(queryset)
    else:
        queryset = permissions.filter_reviews_queryset(viewer, queryset)
    if rating:
        queryset = queryset.filter(rating=rating)
    if sort == "photos":
        queryset = queryset.filter(photo_count__gt=0)
    return _with_related(queryset.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT])))


def rating_summary(product) -> dict:
    """Count, average and the count per star of the product's published reviews (2 queries
    at most, whatever the number of reviews)."""
    published = permissions.filter_public_reviews_queryset(Review.objects.filter(product=product))
    rows = published.values("rating").annotate(count=Count("id")).order_by()
    per_star = {star: 0 for star in range(5, 0, -1)}
    for row in rows:
        per_star[row["rating"]] = row["count"]
    count = sum(per_star.values())
    total = sum(star * number for star, number in per_star.items())
    average = round(total / count, 2) if count else None
    return {
        "count": count,
        "average": average,
        "per_star": [
            {"stars": star, "count": number, "percent": round(100 * number / count) if count else 0}
            for star, number in per_star.items()
        ],
    }


def voted_review_ids(member, reviews) -> set[int]:
    if member is None or not member.is_authenticated:
        return set()
    return set(
        HelpfulVote.objects.filter(member=member, review__in=[r.pk for r in reviews]).values_list(
            "review_id", flat=True
        )
    )


def member_reviews(member) -> QuerySet[Review]:
    return _with_related(Review.objects.filter(author=member).order_by("-created_at", "-id"))


def review_for_viewer(viewer, review_id: int) -> Review | None:
    """The one getter for a single review: None when the viewer may not see it."""
    return (
        permissions.filter_reviews_queryset(viewer, Review.objects.filter(pk=review_id))
        .select_related("author", "product")
        .first()
    )


def published_reviews_by(product, member_ids) -> QuerySet[Review]:
    """The published reviews of `product` written by these members (a product trial's
    testers), newest first, with their related rows (three queries whatever their number)."""
    return _with_related(
        permissions.filter_public_reviews_queryset(
            Review.objects.filter(product=product, author_id__in=list(member_ids))
        ).order_by("-published_at", "-id")
    )


def average_for(product) -> float | None:
    return permissions.filter_public_reviews_queryset(
        Review.objects.filter(product=product)
    ).aggregate(value=Avg("rating"))["value"]


# ---------------------------------------------------------------- widget cache


def widget_cache_key(product_id: int, language: str) -> str:
    return f"reviews:widget:{product_id}:{language}:{_widget_version(product_id)}"


def _widget_version(product_id: int) -> int:
    return cache.get_or_set(f"reviews:widget-version:{product_id}", 1, None)


def forget_widget_cache(product_id: int) -> None:
    """Bump the product's version: every cached widget language is stale at once."""
    key = f"reviews:widget-version:{product_id}"
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 2, None)


def widget_cache_seconds() -> int:
    return settings.FLYWHEEL_REVIEWS_WIDGET_CACHE_SECONDS
