"""The demo's polls and surveys: a poll in the busiest demo discussion with a week of votes, and a survey
of every member (NPS, CSAT, choices, free text) with a few dozen answers, written through
`surveys.services` as members would. Each step checks whether it already happened, so a
second run writes nothing. Invitations are bell notifications only: the demo's members have
made-up addresses, so no invitation e-mail is sent."""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from flywheel.community.models import Topic, TopicKind, Visibility
from flywheel.demo.content import people
from flywheel.demo.plan import Plan
from flywheel.surveys import services
from flywheel.surveys.models import Poll, QuestionKind, Survey

POLL_QUESTION = "How often do you get out on the trail?"
POLL_OPTIONS = ["Every week", "A few times a month", "A few times a season", "Once a year"]
POLL_WEIGHTS = [3, 5, 3, 1]
SURVEY_TITLE = "Your gear after a season outdoors"
HOUR = 3600


def _members(limit: int) -> list:
    return list(
        get_user_model()
        .objects.filter(role="member", is_active=True)
        .order_by("date_joined", "pk")[:limit]
    )


def _owner():
    return get_user_model().objects.get(email=people.STAFF[0]["email"])


def seed_poll(*, anchor: dt.datetime, rng: random.Random) -> int:
    """The brand team adds a poll to the busiest public topic; members vote over the days
    after."""
    if Poll.objects.filter(question=POLL_QUESTION).exists():
        return 0
    topic = (
        Topic.objects.filter(space__visibility=Visibility.PUBLIC, deleted_at__isnull=True)
        .exclude(kind=TopicKind.ANNOUNCEMENT)
        .order_by("-reply_count", "pk")
        .first()
    )
    if topic is None:
        return 0
    owner = _owner()
    opened = max(anchor - dt.timedelta(days=6), topic.created_at + dt.timedelta(hours=1))
    with transaction.atomic():
        poll = services.add_poll(
            topic=topic,
            by=owner,
            question=POLL_QUESTION,
            options=POLL_OPTIONS,
            closes_at=anchor + dt.timedelta(days=10),
            at=opened,
            enforce_rate_limit=False,
        )
        options = list(poll.options.order_by("position"))
        voters = _members(40)
        for number, voter in enumerate(voters):
            choice = rng.choices(options, weights=POLL_WEIGHTS)[0]
            services.vote_in_poll(
                poll=poll,
                voter=voter,
                option_ids=[choice.pk],
                at=min(opened + dt.timedelta(hours=2 + number * 3), anchor),
                enforce_rate_limit=False,
            )
    return 1 + len(voters)


# Answers drawn from these, so the results look like a real brand's: NPS around 30, CSAT
# around 75 %.
NPS_SCORES = [10, 10, 9, 9, 9, 8, 8, 7, 6, 5, 10, 9, 3]
CSAT_SCORES = [5, 5, 4, 4, 4, 3, 2, 5, 4]
IMPROVEMENTS = [
    "Lighter tent poles, please.",
    "The stove could use a windshield in the box.",
    "More colours for the rain shell.",
    "Repair kits sold separately would be great.",
    "",
    "",
]


def seed_survey(*, anchor: dt.datetime, rng: random.Random) -> int:
    if Survey.objects.filter(title=SURVEY_TITLE).exists():
        return 0
    owner = _owner()
    created = anchor - dt.timedelta(days=12)
    with transaction.atomic():
        survey = services.create_survey(
            by=owner,
            title=SURVEY_TITLE,
            intro="Five quick questions about the gear you used this season. Every answer "
            "is read by the product team.",
            segment="everyone",
            questions=[
                services.QuestionSpec(
                    kind=QuestionKind.NPS,
                    prompt="How likely are you to recommend Northtrail to a friend?",
                ),
                services.QuestionSpec(
                    kind=QuestionKind.CSAT, prompt="How satisfied are you with your last order?"
                ),
                services.QuestionSpec(
                    kind=QuestionKind.SINGLE,
                    prompt="Where do you use your gear most?",
                    choices=["Day hikes", "Multi-day treks", "Climbing", "Trail running"],
                ),
                services.QuestionSpec(
                    kind=QuestionKind.MULTIPLE,
                    prompt="What would you buy from us next?",
                    choices=["Tent", "Sleeping bag", "Stove", "Rain shell", "Boots"],
                    required=False,
                ),
                services.QuestionSpec(
                    kind=QuestionKind.TEXT, prompt="What should we improve?", required=False
                ),
            ],
            at=created,
        )
        services.open_survey(survey=survey, by=owner, at=created, email=False)
        questions = {question.kind: question.pk for question in survey.questions.all()}
        respondents = _members(60)[::2]
        for number, member in enumerate(respondents):
            services.answer_survey(
                survey=survey,
                member=member,
                answers={
                    questions[QuestionKind.NPS]: rng.choice(NPS_SCORES),
                    questions[QuestionKind.CSAT]: rng.choice(CSAT_SCORES),
                    questions[QuestionKind.SINGLE]: rng.randrange(4),
                    questions[QuestionKind.MULTIPLE]: rng.sample(range(5), rng.randrange(3)),
                    questions[QuestionKind.TEXT]: rng.choice(IMPROVEMENTS),
                },
                at=created + dt.timedelta(hours=1 + number * 5),
                enforce_rate_limit=False,
            )
    return 1 + len(respondents)


def seed_surveys(plan: Plan, *, anchor: dt.datetime, progress) -> int:
    rng = random.Random(2027)
    created = seed_poll(anchor=anchor, rng=rng)
    progress("polls and surveys: poll")
    created += seed_survey(anchor=anchor, rng=rng)
    progress("polls and surveys: survey")
    return created
