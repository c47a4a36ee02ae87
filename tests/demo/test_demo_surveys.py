"""The demo's poll (in a topic, with votes) and survey (with answers), and a second run that
adds nothing."""

import pytest
from django.core.management import call_command

from flywheel.demo.surveys import POLL_QUESTION, SURVEY_TITLE
from flywheel.surveys import queries
from flywheel.surveys.models import Poll, PollBallot, Survey, SurveyResponse
from tests.demo import DEMO

# The package's demo (conftest.py): each test's own run then adds nothing.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("shared_demo"),
    pytest.mark.xdist_group("demo"),
]


def test_the_demo_has_a_poll_with_votes_and_a_survey_with_answers(client):
    call_command("demo", **DEMO)

    poll = Poll.objects.get(question=POLL_QUESTION)
    results = queries.poll_results(poll, viewer=poll.created_by)
    assert results.voter_count >= 10
    assert sum(item.votes for item in results.options) == results.voter_count
    survey = Survey.objects.get(title=SURVEY_TITLE)
    outcome = queries.survey_results(survey)
    assert outcome.responses >= 5 and outcome.invited > outcome.responses
    assert outcome.questions[0].score is not None and outcome.questions[1].score is not None
    page = client.get(poll.topic.get_absolute_url())
    assert POLL_QUESTION in page.content.decode()

    ballots, responses = PollBallot.objects.count(), SurveyResponse.objects.count()
    call_command("demo", **DEMO)
    assert (PollBallot.objects.count(), SurveyResponse.objects.count()) == (ballots, responses)
    assert Poll.objects.count() == 1 and Survey.objects.count() == 1
