"""JSON API for reviews: a product's published reviews with the rating summary (public),
writing one, and a helpful vote. Never exposes e-mail addresses: authors appear by the name
shown on the page."""

from datetime import datetime

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from flywheel.api.auth import PUBLIC_READ_OPENAPI, anyone, member_required, viewer
from flywheel.api.pagination import PageParams, paginate
from flywheel.api.schemas import READ_ERRORS, WRITE_ERRORS, CleanStr
from flywheel.commerce.models import Product
from flywheel.reviews import queries, services
from flywheel.reviews.models import Review

router = Router(tags=["reviews"])


class StarCount(Schema):
    stars: int
    count: int
    percent: int


class SummaryOut(Schema):
    count: int
    average: float | None
    per_star: list[StarCount]


class PhotoOut(Schema):
    url: str
    thumbnail_url: str | None
    width: int
    height: int


class FitAnswerOut(Schema):
    question: str
    answer: str


class ReviewOut(Schema):
    id: int
    rating: int
    title: str
    body_html: str = Field(description="Sanitised HTML rendered from the author's Markdown.")
    author_name: str = Field(description="The name shown on the page; never an e-mail.")
    verified_buyer: bool
    helpful_count: int
    photos: list[PhotoOut]
    fit: list[FitAnswerOut] = Field(description="Answers to the product type's fit questions.")
    reply_html: str
    created_at: datetime
    updated_at: datetime


class ProductReviewsOut(Schema):
    product_id: int
    product_title: str
    summary: SummaryOut
    items: list[ReviewOut]
    next_cursor: str | None


class ReviewIn(Schema):
    rating: int = Field(ge=1, le=5)
    title: CleanStr = Field(max_length=150)
    body: CleanStr = Field(max_length=5000)


class ListParams(PageParams):
    sort: str = Field(
        "helpful", description="`helpful`, `newest`, `photos`, `rating_high`, `rating_low`."
    )
    rating: int | None = Field(None, ge=1, le=5, description="Only reviews with this rating.")


def review_out(review: Review) -> dict:
    return {
        "id": review.pk,
        "rating": review.rating,
        "title": review.title,
        "body_html": review.body_html,
        "author_name": review.display_name,
        "verified_buyer": review.verified_buyer,
        "helpful_count": review.helpful_count,
        "photos": [
            {
                "url": photo.image.url,
                "thumbnail_url": photo.thumbnail.url if photo.thumbnail else None,
                "width": photo.width,
                "height": photo.height,
            }
            for photo in review.photos.all()
        ],
        "fit": [
            {"question": answer.question.prompt, "answer": answer.choice}
            for answer in review.fit_answers.all()
        ],
        "reply_html": review.reply_html,
        "created_at": review.created_at,
        "updated_at": review.updated_at,
    }


def _product_or_404(product_id: int) -> Product:
    product = Product.objects.filter(pk=product_id, deleted=False).first()
    if product is None:
        raise Http404(_("No such product."))
    return product


@router.get(
    "/products/{product_id}",
    response={200: ProductReviewsOut, **READ_ERRORS},
    auth=anyone,
    openapi_extra=PUBLIC_READ_OPENAPI,
    summary="List a product's reviews",
)
def product_reviews(request: HttpRequest, product_id: int, params: Query[ListParams]):
    """Published reviews with the rating summary; sorted and filtered like the page."""
    product = _product_or_404(product_id)
    sort = params.sort if params.sort in queries.SORTS else queries.DEFAULT_SORT
    queryset = queries.product_reviews(product, public=True, sort=sort, rating=params.rating)
    result = paginate(
        queryset, ordering=queries.SORTS[sort], cursor=params.cursor, limit=params.limit
    )
    return {
        "product_id": product.pk,
        "product_title": product.title,
        "summary": queries.rating_summary(product),
        "items": [review_out(review) for review in result.items],
        "next_cursor": result.next_cursor,
    }


@router.post(
    "/products/{product_id}",
    response={201: ReviewOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Review a product",
)
def write_review(request: HttpRequest, product_id: int, payload: ReviewIn):
    """Text only (photos through the page). Refused for a product the member never bought
    when FLYWHEEL_REVIEWS_BUYERS_ONLY is on, and for a second review of the same product."""
    product = _product_or_404(product_id)
    review = services.write_review(
        product=product,
        author=viewer(request),
        rating=payload.rating,
        title=payload.title,
        body=payload.body,
    )
    return Status(201, review_out(review))


@router.post(
    "/{review_id}/helpful",
    response={200: ReviewOut, **WRITE_ERRORS},
    auth=member_required,
    summary="Mark a review helpful",
)
def vote_helpful(request: HttpRequest, review_id: int):
    member = viewer(request)
    review = queries.review_for_viewer(member, review_id)
    if review is None:
        raise Http404(_("No such review."))
    return services.vote_helpful(review=review, member=member) and review_out(
        get_object_or_404(Review.objects.select_related("author"), pk=review_id)
    )
