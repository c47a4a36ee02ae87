"""An idea page with 10,000 supporters and the ideas list, against the bare view in one run.

    PYTHONPATH=src:. python -m bench.ideas [--supporters 10000] [--ideas 200] [--runs 30]

Builds a throw-away test database (SQLite by default; DATABASE_URL as for the tests), writes
the members, one idea with `--supporters` supporters (a third of them verified buyers),
`--ideas` more ideas with a few supporters each and twenty comments, with bulk_create, then
times through Django's test client, in the same process and run: `/bench/bare` (the floor:
routing and middleware), the idea page for a visitor and for a signed-in supporter (who sees
"You support this"), and the ideas list (first page, most supported). Results go to
docs/benchmarks.md ("Ideas").
"""

import argparse
import os
import statistics
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--supporters", type=int, default=10_000)
    parser.add_argument("--ideas", type=int, default=200)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flywheel.config.test_settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases
    from django.utils import timezone

    setup_test_environment()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        from flywheel.accounts.models import User
        from flywheel.ideas.models import Idea, IdeaComment, IdeaStatus, Support

        def progress(line: str) -> None:
            print(line, file=sys.stderr, flush=True)

        now = timezone.now()
        progress(f"members: {args.supporters}")
        users = User.objects.bulk_create(
            (
                User(email=f"m{i}@example.com", handle=f"m{i}", display_name=f"Member {i}")
                for i in range(args.supporters + 1)
            ),
            batch_size=2000,
        )
        author, supporters = users[0], users[1:]
        buyers = len(supporters) // 3

        def idea(title: str, count: int, buyer_count: int) -> Idea:
            return Idea(
                author=author,
                title=title,
                description="A bench idea.",
                description_html="<p>A bench idea.</p>",
                status=IdeaStatus.GAINING_SUPPORT,
                milestones_reached=2,
                window_ends_at=now + timezone.timedelta(days=100),
                support_count=count,
                buyer_support_count=buyer_count,
                status_changed_at=now,
                created_at=now,
                updated_at=now,
            )

        big = Idea.objects.bulk_create(
            [idea("The 10,000-supporter idea", len(supporters), buyers)]
        )[0]
        progress(f"supports: {len(supporters)}")
        Support.objects.bulk_create(
            (
                Support(idea=big, member=member, verified_buyer=i < buyers, created_at=now)
                for i, member in enumerate(supporters)
            ),
            batch_size=2000,
        )
        IdeaComment.objects.bulk_create(
            IdeaComment(
                idea=big, author=supporters[i], body="Yes!", body_html="<p>Yes!</p>", created_at=now
            )
            for i in range(20)
        )
        progress(f"other ideas: {args.ideas}")
        others = Idea.objects.bulk_create(idea(f"Idea {i}", 3, 1) for i in range(args.ideas))
        Support.objects.bulk_create(
            Support(idea=other, member=supporters[j], created_at=now)
            for other in others
            for j in range(3)
        )

        anonymous, signed_in = Client(), Client()
        signed_in.force_login(supporters[-1])

        def timed(client, path: str) -> list[float]:
            client.get(path)  # warm up
            samples = []
            for _ in range(args.runs):
                started = time.perf_counter()
                response = client.get(path)
                samples.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            return samples

        page = f"/ideas/{big.pk}/"
        results = {
            "bare": timed(anonymous, "/bench/bare"),
            # A page on the same base template (navbar, footer, bell): the floor for a page.
            "spaces page, visitor": timed(anonymous, "/spaces/"),
            "spaces page, member": timed(signed_in, "/spaces/"),
            "idea page, visitor": timed(anonymous, page),
            "idea page, supporter": timed(signed_in, page),
            "ideas list, visitor": timed(anonymous, "/ideas/"),
            "ideas list, member": timed(signed_in, "/ideas/"),
        }
        bare = statistics.median(results["bare"])
        print(
            f"{args.supporters} supporters on one idea, {args.ideas} more ideas, "
            f"{args.runs} runs, {connection.vendor}"
        )
        for name, samples in results.items():
            samples.sort()
            p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
            median = statistics.median(samples)
            print(
                f"{name:<22} median {median:7.2f} ms   p95 {p95:7.2f} ms   "
                f"× bare {median / bare:6.1f}"
            )
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
