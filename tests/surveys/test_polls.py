"""Polls in topics: voting once (the database says so), results on hand-counted votes,
closing, who may add one, and what the Activity log records."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from flywheel.core.exceptions import Conflict, InvalidInput
from flywheel.core.models import Activity, Verb
from flywheel.surveys import queries, services
from flywheel.surveys.models import PollBallot
from tests.factories import SpaceFactory, UserFactory, make_topic

pytestmark = pytest.mark.django_db


def _vote(poll, voter, *labels):
    ids = [option.pk for option in poll.options.all() if option.label in labels]
    return services.vote_in_poll(poll=poll, voter=voter, option_ids=ids, enforce_rate_limit=False)


def test_results_count_votes_and_percentages_of_voters(poll, member):
    voters = [UserFactory() for _ in range(8)]
    for voter in voters[:5]:
        _vote(poll, voter, "Forest green")
    for voter in voters[5:7]:
        _vote(poll, voter, "Slate")
    _vote(poll, voters[7], "Sunset orange")

    results = queries.poll_results(poll, viewer=voters[0])

    assert results.voter_count == 8
    assert [(item.option.label, item.votes, item.percent) for item in results.options] == [
        ("Forest green", 5, Decimal("62.5")),
        ("Slate", 2, Decimal("25.0")),
        ("Sunset orange", 1, Decimal("12.5")),
    ]
    assert [item.chosen for item in results.options] == [True, False, False]
    assert results.show_results


def test_multiple_choice_percentages_are_of_voters_not_of_choices(topic, member):
    poll = services.add_poll(
        topic=topic,
        by=member,
        question="What do you pack?",
        options=["Stove", "Filter", "Book"],
        allows_multiple=True,
        enforce_rate_limit=False,
    )
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    _vote(poll, a, "Stove", "Filter")
    _vote(poll, b, "Stove")
    _vote(poll, c, "Stove", "Filter", "Book")

    results = queries.poll_results(poll, viewer=a)

    assert [(item.votes, item.percent) for item in results.options] == [
        (3, Decimal("100.0")),
        (2, Decimal("66.7")),
        (1, Decimal("33.3")),
    ]


def test_a_single_choice_poll_refuses_two_options(poll, other_member):
    with pytest.raises(InvalidInput) as refused:
        _vote(poll, other_member, "Slate", "Forest green")
    assert refused.value.field == "options"


def test_an_option_of_another_poll_is_refused(poll, other_member, space):
    other_poll = services.add_poll(
        topic=make_topic(space=space),
        by=UserFactory(role="admin"),
        question="Other?",
        options=["Yes", "No"],
        enforce_rate_limit=False,
    )
    foreign = other_poll.options.first().pk
    with pytest.raises(InvalidInput):
        services.vote_in_poll(poll=poll, voter=other_member, option_ids=[foreign])


def test_voting_again_the_same_way_changes_nothing_and_another_way_is_refused(poll, other_member):
    first = _vote(poll, other_member, "Slate")
    again = _vote(poll, other_member, "Slate")

    assert again.pk == first.pk
    with pytest.raises(Conflict):
        _vote(poll, other_member, "Forest green")
    assert PollBallot.objects.filter(poll=poll).count() == 1
    assert Activity.objects.filter(verb=Verb.POLL_VOTED).count() == 1


def test_the_database_refuses_a_second_vote_of_the_same_member(poll, other_member):
    PollBallot.objects.create(poll=poll, voter=other_member, created_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        PollBallot.objects.create(poll=poll, voter=other_member, created_at=timezone.now())


def test_a_vote_is_recorded_once_in_the_activity_log_without_the_choice_when_anonymous(
    poll, other_member
):
    _vote(poll, other_member, "Slate")

    activity = Activity.objects.get(verb=Verb.POLL_VOTED)
    assert activity.actor == other_member
    assert activity.space_id == poll.topic.space_id
    assert activity.payload == {"topic": poll.topic_id}


def test_a_public_poll_shows_who_voted_for_what(topic, member):
    poll = services.add_poll(
        topic=topic,
        by=member,
        question="Which trail?",
        options=["North", "South"],
        is_anonymous=False,
        enforce_rate_limit=False,
    )
    voter = UserFactory(display_name="Ada Lovelace")
    _vote(poll, voter, "North")

    results = queries.poll_results(poll, viewer=voter)

    assert results.options[0].voters == ["Ada Lovelace"]
    assert results.options[1].voters == []
    assert Activity.objects.get(verb=Verb.POLL_VOTED).payload["options"] == [
        results.options[0].option.pk
    ]


def test_an_anonymous_poll_names_no_voter(poll, other_member):
    _vote(poll, other_member, "Slate")
    results = queries.poll_results(poll, viewer=other_member)
    assert all(item.voters == [] for item in results.options)


def test_a_closed_poll_refuses_votes_and_shows_results_to_everyone(poll, other_member):
    services.close_poll(poll=poll, by=poll.topic.author)

    with pytest.raises(PermissionDenied):
        _vote(poll, other_member, "Slate")
    assert queries.poll_results(poll, viewer=other_member).show_results


def test_a_poll_past_its_closing_time_is_closed(topic, member):
    now = timezone.now()
    poll = services.add_poll(
        topic=topic,
        by=member,
        question="Soon?",
        options=["Yes", "No"],
        closes_at=now + timedelta(hours=1),
        at=now,
        enforce_rate_limit=False,
    )
    assert not poll.is_closed(at=now + timedelta(minutes=59))
    assert poll.is_closed(at=now + timedelta(hours=1))


def test_results_are_hidden_until_the_member_votes(poll, other_member):
    results = queries.poll_results(poll, viewer=other_member)
    assert not results.show_results and results.can_vote


def test_only_the_author_or_a_moderator_adds_a_poll(space, member, other_member, moderator):
    topic = make_topic(space=space, author=member)
    with pytest.raises(PermissionDenied):
        services.add_poll(topic=topic, by=other_member, question="Q?", options=["A", "B"])
    assert services.add_poll(topic=topic, by=moderator, question="Q?", options=["A", "B"])


def test_a_topic_has_one_poll(poll, member):
    with pytest.raises(Conflict):
        services.add_poll(topic=poll.topic, by=member, question="Again?", options=["A", "B"])


@pytest.mark.parametrize(
    ("question", "options", "field"),
    [
        ("", ["A", "B"], "question"),
        ("Q?", ["Only one"], "options"),
        ("Q?", ["Same", "same"], "options"),
        ("Q?", [f"Option {n}" for n in range(11)], "options"),
        ("Q" * 301, ["A", "B"], "question"),
    ],
)
def test_bad_polls_are_refused_naming_the_field(topic, member, question, options, field):
    with pytest.raises(InvalidInput) as refused:
        services.add_poll(topic=topic, by=member, question=question, options=options)
    assert refused.value.field == field


def test_a_closing_time_in_the_past_is_refused(topic, member):
    with pytest.raises(InvalidInput) as refused:
        services.add_poll(
            topic=topic,
            by=member,
            question="Q?",
            options=["A", "B"],
            closes_at=timezone.now() - timedelta(minutes=1),
        )
    assert refused.value.field == "closes_at"


def test_a_topic_and_its_poll_are_written_together_or_not_at_all(member):
    space = SpaceFactory()
    with pytest.raises(InvalidInput):
        services.start_topic_with_poll(
            author=member, space=space, title="T", body="B", question="Q?", options=["A"]
        )
    assert not space.topics.exists()

    topic, poll = services.start_topic_with_poll(
        author=member,
        space=space,
        title="Colours for 2027",
        body="Help us choose.",
        question="Which?",
        options=["Red", "Blue"],
        enforce_rate_limit=False,
    )
    assert poll.topic == topic and poll.options.count() == 2


def test_voting_bumps_the_topic_version_so_cached_pages_refresh(poll, other_member):
    before = type(poll.topic).objects.get(pk=poll.topic_id).version
    _vote(poll, other_member, "Slate")
    assert type(poll.topic).objects.get(pk=poll.topic_id).version == before + 1
