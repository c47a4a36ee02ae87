"""A topic page whose poll has 10,000 votes, against the same page without a poll and the
bare view, in the same run.

    PYTHONPATH=src:. python -m bench.poll_topic [--votes 10000] [--runs 30]

Builds a throw-away test database (SQLite by default; DATABASE_URL/FLYWHEEL_TEST_DATABASE_URL
as for the tests), writes the votes with bulk_create, then times through Django's test client
as a signed-in member who voted (so the results are rendered): `/bench/bare` (routing and
middleware), a topic without a poll, the topic with an anonymous poll, the same poll made
public (names per option), and `GET /api/v1/surveys/polls/{id}`. Results go to
docs/benchmarks.md ("Polls").
"""

import argparse
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--votes", type=int, default=10_000)
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
        from flywheel.community import services as community
        from flywheel.community.models import Space
        from flywheel.surveys import services
        from flywheel.surveys.models import PollBallot, PollChoice

        author = User.objects.create(email="author@example.com", handle="author")
        space = Space.objects.create(name="Bench", slug="bench")
        plain = community.create_topic(
            author=author, space=space, title="No poll here", body="Body", enforce_rate_limit=False
        )
        topic, poll = services.start_topic_with_poll(
            author=author,
            space=space,
            title="Which colour?",
            body="Body",
            question="Which colour should the tent come in?",
            options=["Green", "Blue", "Orange", "Grey"],
            enforce_rate_limit=False,
        )
        options = list(poll.options.all())
        voters = User.objects.bulk_create(
            (
                User(email=f"v{i}@example.com", handle=f"v{i}", display_name=f"Voter {i}")
                for i in range(args.votes)
            ),
            batch_size=1000,
        )
        now = timezone.now()
        ballots = PollBallot.objects.bulk_create(
            (PollBallot(poll=poll, voter=voter, created_at=now) for voter in voters),
            batch_size=1000,
        )
        PollChoice.objects.bulk_create(
            (
                PollChoice(ballot=ballot, option=options[i % len(options)])
                for i, ballot in enumerate(ballots)
            ),
            batch_size=1000,
        )
        client = Client()
        client.force_login(voters[0])

        def timed(path: str) -> list[float]:
            client.get(path)  # warm
            samples = []
            for _ in range(args.runs):
                started = time.perf_counter()
                response = client.get(path)
                samples.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
            return samples

        results = {
            "bare": timed("/bench/bare"),
            "topic, no poll": timed(plain.get_absolute_url()),
            "topic, anonymous poll": timed(topic.get_absolute_url()),
        }
        poll.is_anonymous = False
        poll.save(update_fields=["is_anonymous"])
        results["topic, public poll"] = timed(topic.get_absolute_url())
        results["API poll (public)"] = timed(f"/api/v1/surveys/polls/{poll.pk}")
        print(f"{args.votes} votes, {args.runs} runs, {connection.vendor}")
        for name, samples in results.items():
            samples.sort()
            p95 = samples[int(len(samples) * 0.95) - 1]
            print(f"{name:<22} median {statistics.median(samples):7.2f} ms   p95 {p95:7.2f} ms")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
