"""Review pages: the product's reviews (public), writing and editing, helpful votes (htmx),
the brand's reply and decisions, a member's reviews, the review-request landing page and the
embeddable widget. Thin: parse, call a service or query, render."""

import functools

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST

from flywheel.commerce.models import Product, Store
from flywheel.core.exceptions import DomainError
from flywheel.core.security import CSP_HEADER, build_csp
from flywheel.reviews import permissions, queries, services
from flywheel.reviews.models import Review, ReviewState
from flywheel.reviews.schema_org import json_ld, product_json_ld

PAGE_SIZE = 20


def _error(request, *, message: str, status: int) -> HttpResponse:
    template = "reviews/_error.html" if request.htmx else "reviews/error.html"
    return render(request, template, {"message": message, "status": status}, status=status)


def reviews_view(view):
    """403/404 and refused input as a page (or an htmx fragment), never a 500."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as denied:
            return _error(request, message=str(denied) or _("Not allowed."), status=403)
        except Http404 as missing:
            return _error(request, message=str(missing) or _("Not found."), status=404)
        except DomainError as error:
            return _error(request, message=error.message, status=error.status)

    return wrapper


def _sign_in_first(request):
    if request.method != "GET" or request.htmx:
        raise PermissionDenied(_("Sign in first."))
    return redirect(f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}")


def _product_or_404(product_id: int) -> Product:
    return get_object_or_404(Product.objects.select_related("store"), pk=product_id, deleted=False)


def _list_params(request) -> tuple[str, int | None]:
    sort = request.GET.get("sort", queries.DEFAULT_SORT)
    if sort not in queries.SORTS:
        sort = queries.DEFAULT_SORT
    try:
        rating = int(request.GET.get("rating", ""))
    except ValueError:
        rating = None
    return sort, rating if rating in (1, 2, 3, 4, 5) else None


@reviews_view
def product_reviews(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _product_or_404(product_id)
    sort, rating = _list_params(request)
    viewer = request.user if request.user.is_authenticated else None
    reviews = list(
        queries.product_reviews(product, viewer=viewer, sort=sort, rating=rating)[:PAGE_SIZE]
    )
    summary = queries.rating_summary(product)
    context = {
        "fit_summary": queries.fit_summary(product, queries.fit_questions_for(product)),
        "product": product,
        "reviews": reviews,
        "summary": summary,
        "sort": sort,
        "rating": rating,
        "sorts": _sort_labels(),
        "voted": queries.voted_review_ids(viewer, reviews),
        "can_moderate": permissions.can_moderate_reviews(request.user),
        "own_review": next((r for r in reviews if viewer and r.author_id == viewer.pk), None),
        "json_ld": json_ld(product_json_ld(product, summary, reviews[:5])),
    }
    return render(request, "reviews/product.html", context)


def _fit_fields(product, chosen) -> list[dict]:
    return [
        {
            "question": question,
            "name": f"fit_{question.pk}",
            "chosen": chosen.get(f"fit_{question.pk}"),
        }
        for question in queries.fit_questions_for(product)
    ]


def _sort_labels():
    return [
        ("helpful", _("Most helpful")),
        ("newest", _("Newest")),
        ("photos", _("With photos")),
        ("rating_high", _("Highest rating")),
        ("rating_low", _("Lowest rating")),
    ]


def _form_values(request) -> dict:
    return {
        "rating": request.POST.get("rating"),
        "title": request.POST.get("title", ""),
        "body": request.POST.get("body", ""),
        "photos": request.FILES.getlist("photos"),
        # fit_<question id>=<answer> for the product type's fit or size questions
        "fit_answers": {
            key.removeprefix("fit_"): value
            for key, value in request.POST.items()
            if key.startswith("fit_")
        },
    }


@reviews_view
def write_review(request: HttpRequest, product_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _sign_in_first(request)
    product = _product_or_404(product_id)
    existing = Review.objects.filter(product=product, author=request.user).first()
    if existing is not None:
        return redirect("reviews:edit", review_id=existing.pk)
    verified = permissions.check_can_review_product(request.user, product)
    context = {
        "product": product,
        "verified": verified,
        "values": {},
        "error": None,
        "fit_questions": _fit_fields(product, request.POST if request.method == "POST" else {}),
    }
    if request.method == "POST":
        values = _form_values(request)
        try:
            services.write_review(product=product, author=request.user, **values)
        except DomainError as error:
            context.update(values=request.POST, error=error)
            return render(request, "reviews/form.html", context, status=error.status)
        return redirect(reverse("reviews:product", args=[product.pk]) + "?sort=newest")
    return render(request, "reviews/form.html", context)


@reviews_view
def edit_review(request: HttpRequest, review_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _sign_in_first(request)
    review = get_object_or_404(Review.objects.select_related("product"), pk=review_id)
    permissions.check_edit_review_permission(request.user, review)
    answered = {f"fit_{answer.question_id}": answer.choice for answer in review.fit_answers.all()}
    context = {
        "product": review.product,
        "review": review,
        "values": review,
        "error": None,
        "fit_questions": _fit_fields(
            review.product, request.POST if request.method == "POST" else answered
        ),
    }
    if request.method == "POST":
        values = _form_values(request)
        try:
            services.edit_review(
                review=review,
                by=request.user,
                remove_photo_ids=request.POST.getlist("remove_photo"),
                **values,
            )
        except DomainError as error:
            context.update(values=request.POST, error=error)
            return render(request, "reviews/form.html", context, status=error.status)
        return redirect("reviews:mine")
    return render(request, "reviews/form.html", context)


@require_POST
@reviews_view
def vote_helpful(request: HttpRequest, review_id: int) -> HttpResponse:
    review = queries.review_for_viewer(request.user, review_id)
    if review is None:
        raise Http404(_("This review does not exist."))
    review = services.vote_helpful(review=review, member=request.user)
    return render(request, "reviews/_helpful.html", {"review": review, "voted": {review.pk}})


@require_POST
@reviews_view
def reply(request: HttpRequest, review_id: int) -> HttpResponse:
    review = get_object_or_404(Review, pk=review_id)
    services.reply_to_review(review=review, by=request.user, body=request.POST.get("reply", ""))
    return redirect("reviews:product", product_id=review.product_id)


@require_POST
@reviews_view
def moderate(request: HttpRequest, review_id: int, decision: str) -> HttpResponse:
    review = get_object_or_404(Review, pk=review_id)
    if decision == "publish":
        services.publish_review(review=review, by=request.user)
    else:
        services.reject_review(review=review, by=request.user)
    return redirect("reviews:product", product_id=review.product_id)


@require_POST
@reviews_view
def flag(request: HttpRequest, review_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        raise PermissionDenied(_("Sign in to flag."))
    review = queries.review_for_viewer(request.user, review_id)
    if review is None:
        raise Http404(_("This review does not exist."))
    services.flag_review(
        review=review,
        flagger=request.user,
        reason=request.POST.get("reason", ""),
        text=request.POST.get("text", ""),
    )
    return render(request, "reviews/_flagged.html")


@reviews_view
def my_reviews(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _sign_in_first(request)
    reviews = list(queries.member_reviews(request.user))
    return render(request, "reviews/mine.html", {"reviews": reviews})


# ---------------------------------------------------------------- review requests


@reviews_view
def request_landing(request: HttpRequest, token: str) -> HttpResponse:
    """A customer follows the e-mailed link: no sign-in, the signed token is the key."""
    try:
        review_request = services.request_from_token(token)
    except DomainError as error:
        return _error(request, message=error.message, status=400)
    order = review_request.order
    if not order.counts_as_purchase:
        return _error(request, message=_("This order was refunded or cancelled."), status=403)
    lines = list(services.reviewable_lines(order))
    reviewed = (
        set(
            Review.objects.filter(
                product__in=[line.product_id for line in lines],
                customer=order.customer,
            ).values_list("product_id", flat=True)
        )
        if order.customer_id
        else set()
    )
    products = [line.product for line in lines if line.product_id not in reviewed]
    context = {"token": token, "order": order, "products": products, "values": {}, "error": None}
    if request.method == "POST":
        try:
            product_id = int(request.POST.get("product", ""))
        except ValueError:
            product_id = 0
        product = next((p for p in products if p.pk == product_id), None)
        if product is None:
            return _error(request, message=_("Choose a product from your order."), status=422)
        try:
            review = services.write_review(
                product=product,
                request=review_request,
                guest_name=request.POST.get("name", ""),
                **_form_values(request),
            )
        except DomainError as error:
            context.update(values=request.POST, error=error, chosen=product_id)
            return render(request, "reviews/request.html", context, status=error.status)
        return render(request, "reviews/request_thanks.html", {"review": review, "token": token})
    return render(request, "reviews/request.html", context)


@reviews_view
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        email = services.unsubscribe_from_review_requests(token=token)
        return render(request, "reviews/unsubscribed.html", {"email": email})
    return render(request, "reviews/unsubscribe.html", {"token": token})


# ---------------------------------------------------------------- widget


def _frame_ancestors() -> list[str]:
    """The connected stores' own sites may frame the widget, nobody else."""
    domains = Store.objects.filter(active=True).values_list("domain", flat=True)
    return ["'self'", *[f"https://{domain}" for domain in domains]]


@xframe_options_exempt
def widget(request: HttpRequest, product_id: int) -> HttpResponse:
    """The iframe a store puts on its product page: summary, reviews, photos and schema.org
    JSON-LD. Public data only (no e-mails, nothing pending), cached per product and language
    until a review of the product changes."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = queries.widget_cache_key(product_id, language)
    cached = cache.get(key)
    if cached is None:
        product = _product_or_404(product_id)
        summary = queries.rating_summary(product)
        reviews = list(queries.product_reviews(product, public=True)[:10])
        html = render(
            request,
            "reviews/widget.html",
            {
                "product": product,
                "summary": summary,
                "reviews": reviews,
                "json_ld": json_ld(product_json_ld(product, summary, reviews)),
            },
        ).content.decode()
        cached = {"html": html, "frame_ancestors": _frame_ancestors()}
        cache.set(key, cached, queries.widget_cache_seconds())
    response = HttpResponse(cached["html"])
    policy = dict(settings.FLYWHEEL_CSP)
    policy["frame-ancestors"] = cached["frame_ancestors"]
    response[CSP_HEADER] = build_csp(policy)
    response["Cache-Control"] = f"public, max-age={queries.widget_cache_seconds()}"
    return response


def widget_script(request: HttpRequest) -> HttpResponse:
    """A one-line embed: <script src=".../reviews/widget.js" data-product="42" async>. It only
    inserts the iframe, so the store's CSP needs frame-src (or script-src) for this host only."""
    base = request.build_absolute_uri("/").rstrip("/")
    script = render(request, "reviews/widget.js", {"base": base}, content_type="text/javascript")
    script["Cache-Control"] = "public, max-age=3600"
    script["Access-Control-Allow-Origin"] = "*"
    return script


__all__ = ["ReviewState"]
