"""schema.org Product / AggregateRating / Review as JSON-LD for review pages and the widget.

Only public fields: names shown on the page, never e-mails; only published reviews are passed
in by the callers (queries.product_reviews(public=True) or the viewer-filtered list)."""

from flywheel.reviews.models import ReviewState


def product_json_ld(product, summary: dict, reviews) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.title or product.external_id,
    }
    if summary["count"]:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": summary["average"],
            "reviewCount": summary["count"],
            "bestRating": 5,
            "worstRating": 1,
        }
    published = [review for review in reviews if review.state == ReviewState.PUBLISHED]
    if published:
        data["review"] = [
            {
                "@type": "Review",
                "name": review.title,
                "reviewBody": review.body,
                "datePublished": (review.published_at or review.created_at).date().isoformat(),
                "author": {"@type": "Person", "name": review.display_name},
                "reviewRating": {
                    "@type": "Rating",
                    "ratingValue": review.rating,
                    "bestRating": 5,
                    "worstRating": 1,
                },
            }
            for review in published
        ]
    return data


# As django.utils.html.json_script: "</script>" in a review cannot end the element.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data: dict) -> str:
    import json

    from django.utils.safestring import mark_safe

    text = json.dumps(data, ensure_ascii=False).translate(_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308
