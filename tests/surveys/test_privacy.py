"""Votes and answers in the member's data export; erasure unlinks them (anonymise, counts
kept, free text blanked) or removes them (delete)."""

import pytest

from flywheel.privacy.services import erase_member
from flywheel.surveys import queries, services
from flywheel.surveys.models import PollBallot, SurveyAnswer, SurveyInvitation
from flywheel.surveys.privacy import export_votes_and_answers
from tests.factories import UserFactory
from tests.surveys.conftest import make_survey, questions_by_kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def voter_with_answers(poll, staff):
    voter = UserFactory()
    services.vote_in_poll(poll=poll, voter=voter, option_ids=[poll.options.get(label="Slate").pk])
    survey = make_survey(staff)
    services.open_survey(survey=survey, by=staff)
    kinds = questions_by_kind(survey)
    services.answer_survey(
        survey=survey,
        member=voter,
        answers={
            kinds["nps"]: 9,
            kinds["csat"]: 5,
            kinds["single"]: 1,
            kinds["text"]: "I am Zelda from 42 Quornwick Lane",
        },
    )
    return voter, survey


def test_the_export_holds_the_members_votes_and_answers(voter_with_answers):
    voter, survey = voter_with_answers
    data = export_votes_and_answers(voter)
    assert data["poll_votes"][0]["options"] == ["Slate"]
    answers = data["survey_answers"][0]["answers"]
    assert {"question": "Which store?", "score": None, "options": ["Shop"], "text": ""} in answers
    assert any(answer["text"].startswith("I am Zelda") for answer in answers)
    assert data["survey_invitations"] == [survey.title]


def test_anonymising_keeps_the_counts_but_not_the_member_or_their_words(voter_with_answers, poll):
    voter, survey = voter_with_answers
    erase_member(voter, content="anonymise", reason="test")

    assert not PollBallot.objects.filter(voter=voter).exists()
    assert queries.poll_results(poll, viewer=UserFactory()).voter_count == 1
    results = queries.survey_results(survey)
    assert results.responses == 1 and results.questions[0].score == 100
    assert not SurveyAnswer.objects.filter(text__contains="Zelda").exists()
    assert not SurveyInvitation.objects.filter(member=voter).exists()


def test_deleting_removes_votes_and_answers(voter_with_answers, poll):
    voter, survey = voter_with_answers
    erase_member(voter, content="delete", reason="test")
    assert not poll.ballots.exists()
    assert not survey.responses.exists()
