"""The polls and surveys API: reading and voting, adding a poll, answering a survey, staff
results; refusals name the field; query counts stay flat."""

import pytest

from flywheel.community.models import Visibility
from flywheel.surveys import services
from tests.api.conftest import ApiClient, assert_error, token_for
from tests.factories import SpaceFactory, UserFactory, make_topic
from tests.surveys.conftest import make_survey, questions_by_kind

pytestmark = pytest.mark.django_db


def test_results_are_hidden_until_the_caller_votes(member_api, poll, other_member):
    api = ApiClient(token=token_for(other_member))
    before = api.get(f"/surveys/polls/{poll.pk}").json()
    assert before["results_visible"] is False
    assert {option["votes"] for option in before["options"]} == {None}

    slate = poll.options.get(label="Slate").pk
    after = api.post(f"/surveys/polls/{poll.pk}/vote", {"options": [slate]}).json()

    assert after["has_voted"] and after["results_visible"] and after["voter_count"] == 1
    assert [(o["votes"], o["percent"], o["chosen"]) for o in after["options"]] == [
        (0, "0.0", False),
        (1, "100.0", True),
        (0, "0.0", False),
    ]


def test_a_second_different_vote_is_a_409_and_a_bad_option_a_422_naming_options(poll, other_member):
    api = ApiClient(token=token_for(other_member))
    first, second, _third = poll.options.all()
    api.post(f"/surveys/polls/{poll.pk}/vote", {"options": [first.pk]})

    assert_error(api.post(f"/surveys/polls/{poll.pk}/vote", {"options": [second.pk]}), 409)
    fresh = ApiClient(token=token_for(UserFactory()))
    response = fresh.post(f"/surveys/polls/{poll.pk}/vote", {"options": [999999]})
    assert_error(response, 422, field="options")


def test_anonymous_callers_read_a_public_poll_but_cannot_vote(anonymous_api, poll):
    assert anonymous_api.get(f"/surveys/polls/{poll.pk}").status_code == 200
    response = anonymous_api.post(f"/surveys/polls/{poll.pk}/vote", {"options": [1]})
    assert_error(response, 401)


def test_a_poll_in_a_gated_space_is_not_found_for_outsiders(member_api, moderator):
    topic = make_topic(space=SpaceFactory(visibility=Visibility.GATED), author=moderator)
    poll = services.add_poll(topic=topic, by=moderator, question="Secret?", options=["A", "B"])
    response = member_api.get(f"/surveys/polls/{poll.pk}")
    assert response.status_code in (403, 404)
    assert "Secret?" not in response.content.decode()


def test_the_author_adds_a_poll_and_others_are_refused(member_api, other_api, topic):
    payload = {"question": "Which?", "options": ["A", "B"]}
    assert_error(other_api.post(f"/surveys/topics/{topic.pk}/poll", payload), 403)
    response = member_api.post(f"/surveys/topics/{topic.pk}/poll", payload)
    assert response.status_code == 201
    assert [option["label"] for option in response.json()["options"]] == ["A", "B"]
    duplicate = member_api.post(
        f"/surveys/topics/{topic.pk}/poll", {"question": "Q", "options": ["x", "y"]}
    )
    assert_error(duplicate, 409)
    same_twice = {"question": "Q", "options": ["x", "X"]}
    other_topic = make_topic(author=topic.author)
    response = member_api.post(f"/surveys/topics/{other_topic.pk}/poll", same_twice)
    assert_error(response, 422, field="options")


def test_a_member_answers_a_survey_through_the_api(staff, member, member_api):
    survey = make_survey(staff)
    services.open_survey(survey=survey, by=staff)
    kinds = questions_by_kind(survey)

    listed = member_api.get("/surveys/me").json()
    assert [(item["id"], item["answered"]) for item in listed] == [(survey.pk, False)]
    read = member_api.get(f"/surveys/{survey.pk}").json()
    assert [question["kind"] for question in read["questions"]] == [
        "nps",
        "csat",
        "single",
        "multiple",
        "text",
    ]

    off_scale = {"answers": {kinds["nps"]: 12, kinds["csat"]: 4, kinds["single"]: 0}}
    response = member_api.post(f"/surveys/{survey.pk}/responses", off_scale)
    assert_error(response, 422, field=f"question_{kinds['nps']}")

    good = {
        "answers": {
            kinds["nps"]: 10,
            kinds["csat"]: 4,
            kinds["single"]: 1,
            kinds["multiple"]: [0, 1],
            kinds["text"]: "Lighter poles",
        }
    }
    assert member_api.post(f"/surveys/{survey.pk}/responses", good).status_code == 201
    assert_error(member_api.post(f"/surveys/{survey.pk}/responses", good), 409)
    assert member_api.get("/surveys/me").json()[0]["answered"] is True


def test_results_are_for_the_brand_team(staff, member, member_api):
    respondents = [UserFactory() for _ in range(3)]
    survey = make_survey(staff)
    services.open_survey(survey=survey, by=staff)
    kinds = questions_by_kind(survey)
    for respondent, score in zip(respondents, (10, 9, 3), strict=True):
        services.answer_survey(
            survey=survey,
            member=respondent,
            answers={kinds["nps"]: score, kinds["csat"]: 5, kinds["single"]: 0},
        )

    assert_error(member_api.get(f"/surveys/{survey.pk}/results"), 403)
    results = ApiClient(token=token_for(staff)).get(f"/surveys/{survey.pk}/results").json()
    nps = results["questions"][0]
    # 2 promoters, 1 detractor of 3: 66.7 − 33.3 = 33.3.
    assert (nps["score"], nps["answered"]) == ("33.3", 3)
    assert results["questions"][1]["score"] == "100.0"


def test_a_survey_the_member_was_not_invited_to_is_not_found(staff, member_api):
    survey = make_survey(staff, segment=f"space:{SpaceFactory().pk}")
    services.open_survey(survey=survey, by=staff)
    assert member_api.get(f"/surveys/{survey.pk}").status_code == 404
    assert_error(member_api.post(f"/surveys/{survey.pk}/responses", {"answers": {}}), 404)


@pytest.mark.parametrize("size", [5, 50])
def test_reading_a_poll_costs_the_same_with_5_and_50_votes(
    poll, other_member, size, django_assert_num_queries
):
    options = list(poll.options.all())
    for number in range(size):
        services.vote_in_poll(
            poll=poll,
            voter=UserFactory(),
            option_ids=[options[number % 3].pk],
            enforce_rate_limit=False,
        )
    api = ApiClient(token=token_for(other_member))
    api.get("/surveys/me")  # the token's last use is fresh: later requests do not write it
    # token, poll, topic (access), options with counts, voters, own choices, moderator?
    with django_assert_num_queries(7):
        response = api.get(f"/surveys/polls/{poll.pk}")
    assert response.json()["voter_count"] == size
