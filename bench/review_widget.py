"""The review widget for one product with 10,000 published reviews, against the bare view.

    PYTHONPATH=src:. python -m bench.review_widget [--reviews 10000] [--runs 50]

Builds a throw-away test database (SQLite by default; DATABASE_URL/FLYWHEEL_TEST_DATABASE_URL
as for the tests), writes the reviews with bulk_create (a fifth with a photo row), then times
through Django's test client, in the same process and run: `/bench/bare` (the floor: routing
and middleware), the widget with its cache cleared before every request (summary: one grouped
query; the ten most helpful reviews with authors; their photos) and the widget served from
the cache. Results go to docs/benchmarks.md ("Review widget").
"""

import argparse
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flywheel.config.test_settings")
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import (
        setup_databases,
        setup_test_environment,
        teardown_databases,
    )
    from django.utils import timezone

    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        from flywheel.accounts.models import User
        from flywheel.commerce.models import Product, Store
        from flywheel.reviews.models import Review, ReviewPhoto, ReviewState

        store = Store.objects.create(platform="shopify", domain="bench.example.com")
        product = Product.objects.create(store=store, external_id="p", title="Bench tent")
        users = User.objects.bulk_create(
            User(email=f"m{i}@example.com", handle=f"m{i}", display_name=f"Member {i}")
            for i in range(args.reviews)
        )
        now = timezone.now()
        reviews = Review.objects.bulk_create(
            (
                Review(
                    product=product,
                    author=user,
                    rating=1 + i % 5,
                    title=f"Review {i}",
                    body="Kept me dry.",
                    body_html="<p>Kept me dry.</p>",
                    state=ReviewState.PUBLISHED,
                    verified_buyer=i % 2 == 0,
                    helpful_count=i % 97,
                    photo_count=1 if i % 5 == 0 else 0,
                    created_at=now,
                    updated_at=now,
                    published_at=now,
                )
                for i, user in enumerate(users)
            ),
            batch_size=1000,
        )
        ReviewPhoto.objects.bulk_create(
            (
                ReviewPhoto(review=r, image=f"reviews/{r.pk}/p.webp", width=800, height=600)
                for r in reviews[::5]
            ),
            batch_size=1000,
        )
        client = Client()
        url = f"/widget/products/{product.pk}/reviews/"

        def timed(path: str, *, cold: bool) -> list[float]:
            samples = []
            for _ in range(args.runs):
                if cold:
                    cache.clear()
                started = time.perf_counter()
                response = client.get(path)
                samples.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
            return samples

        results = {
            "bare": timed("/bench/bare", cold=False),
            "widget, uncached": timed(url, cold=True),
            "widget, cached": timed(url, cold=False),
        }
        print(f"{args.reviews} reviews, {args.runs} runs, {connection.vendor}")
        for name, samples in results.items():
            samples.sort()
            p95 = samples[int(len(samples) * 0.95) - 1]
            print(f"{name:<18} median {statistics.median(samples):7.2f} ms   p95 {p95:7.2f} ms")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
