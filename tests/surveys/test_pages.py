"""The poll on the topic page (htmx vote), the poll forms, the member's survey pages and the
staff results: what members see, who is refused, flat query counts."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from flywheel.community.models import Visibility
from flywheel.surveys import services
from flywheel.surveys.models import Poll, Survey, SurveyInvitation
from tests.factories import SpaceFactory, UserFactory, make_topic
from tests.surveys.conftest import make_survey, questions_by_kind

pytestmark = pytest.mark.django_db


def _count(client, url) -> tuple[int, str]:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_topic_page_shows_the_poll_form_then_the_results_after_an_htmx_vote(
    client, poll, other_member
):
    client.force_login(other_member)
    page = client.get(poll.topic.get_absolute_url()).content.decode()
    assert "Which colour?" in page and 'name="option"' in page and "62.5" not in page

    slate = poll.options.get(label="Slate")
    response = client.post(
        reverse("surveys:vote", kwargs={"poll_id": poll.pk}),
        {"option": [slate.pk]},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="poll-{poll.pk}"' in html and "100 %" in html and 'name="option"' not in html
    assert "1 member voted" in html


def test_a_vote_without_a_choice_shows_the_error_in_place(client, poll, other_member):
    client.force_login(other_member)
    response = client.post(
        reverse("surveys:vote", kwargs={"poll_id": poll.pk}), headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert "Choose an option." in response.content.decode()


def test_signed_out_visitors_see_the_options_and_a_sign_in_link_but_cannot_vote(client, poll):
    page = client.get(poll.topic.get_absolute_url()).content.decode()
    assert "Sign in to vote" in page and 'name="option"' not in page

    response = client.post(reverse("surveys:vote", kwargs={"poll_id": poll.pk}), {"option": [1]})
    assert response.status_code == 403
    assert not poll.ballots.exists()


def test_a_poll_in_a_space_the_member_cannot_read_is_not_found(client, other_member, moderator):
    space = SpaceFactory(visibility=Visibility.GATED)
    topic = make_topic(space=space, author=moderator)
    poll = services.add_poll(topic=topic, by=moderator, question="Secret?", options=["A", "B"])
    client.force_login(other_member)

    response = client.post(
        reverse("surveys:vote", kwargs={"poll_id": poll.pk}),
        {"option": [poll.options.first().pk]},
    )

    assert response.status_code in (403, 404)
    assert "Secret?" not in response.content.decode()
    assert not poll.ballots.exists()


def test_another_member_cannot_add_a_poll_to_my_topic(client, topic, other_member):
    client.force_login(other_member)
    url = reverse("surveys:add_poll", kwargs={"topic_id": topic.pk})
    response = client.post(url, {"question": "Q?", "options": "A\nB"})
    assert response.status_code == 403
    assert not Poll.objects.exists()


def test_the_author_adds_a_poll_from_the_topic_page(client, topic, member):
    client.force_login(member)
    page = client.get(topic.get_absolute_url()).content.decode()
    url = reverse("surveys:add_poll", kwargs={"topic_id": topic.pk})
    assert url in page

    response = client.post(
        url, {"question": "Which colour?", "options": "Green\nOrange", "is_anonymous": "on"}
    )

    assert response.status_code == 302
    assert Poll.objects.get(topic=topic).options.count() == 2


def test_starting_a_topic_with_a_bad_poll_shows_the_field_error(client, member, space):
    client.force_login(member)
    url = reverse("surveys:new_poll_topic", kwargs={"slug": space.slug})
    response = client.post(
        url, {"title": "Colours", "body": "Help us", "question": "Which?", "options": "Only one"}
    )
    assert response.status_code == 422
    assert "between 2 and 10 options" in response.content.decode()
    assert not space.topics.exists()

    response = client.post(
        url, {"title": "Colours", "body": "Help us", "question": "Which?", "options": "A\nB"}
    )
    assert response.status_code == 302
    assert Poll.objects.get(topic__space=space).question == "Which?"


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_topic_page_with_a_poll_costs_the_same_with_5_and_50_votes(
    client, poll, other_member, signed_in
):
    def add_votes(count):
        options = list(poll.options.all())
        for number in range(count):
            services.vote_in_poll(
                poll=poll,
                voter=UserFactory(),
                option_ids=[options[number % 3].pk],
                enforce_rate_limit=False,
            )

    poll.is_anonymous = False  # the heaviest case: names per option
    poll.save(update_fields=["is_anonymous"])
    if signed_in:
        client.force_login(poll.topic.author)
    url = poll.topic.get_absolute_url()
    add_votes(5)
    client.get(url)
    with_five, _html = _count(client, url)
    add_votes(45)
    with_fifty, html = _count(client, url)
    assert with_fifty == with_five
    assert "50 members voted" in html


def test_my_surveys_lists_invitations_and_the_answer_page_takes_answers(client, staff, member):
    survey = make_survey(staff)
    services.open_survey(survey=survey, by=staff)
    kinds = questions_by_kind(survey)
    client.force_login(member)

    listing = client.get(reverse("surveys:mine")).content.decode()
    assert survey.title in listing and "Waiting for you" in listing

    url = reverse("surveys:answer", kwargs={"survey_id": survey.pk})
    missing = client.post(url, {f"question_{kinds['nps']}": "9"})
    assert missing.status_code == 422
    assert "Answer this question." in missing.content.decode()

    response = client.post(
        url,
        {
            f"question_{kinds['nps']}": "9",
            f"question_{kinds['csat']}": "4",
            f"question_{kinds['single']}": "0",
            f"question_{kinds['multiple']}": ["0", "2"],
            f"question_{kinds['text']}": "More colours please",
        },
    )
    assert response.status_code == 302
    assert "Your answers are in" in client.get(url).content.decode()
    assert survey.responses.get().answers.count() == 5


def test_a_member_not_invited_cannot_open_or_answer_a_survey(client, staff, member):
    survey = make_survey(staff, segment=f"space:{SpaceFactory().pk}")
    services.open_survey(survey=survey, by=staff)
    client.force_login(member)
    url = reverse("surveys:answer", kwargs={"survey_id": survey.pk})

    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    assert survey.title not in client.get(reverse("surveys:mine")).content.decode()


def test_members_are_refused_the_staff_pages_and_the_csv(client, staff, member):
    survey = make_survey(staff)
    SurveyInvitation.objects.create(survey=survey, member=member, invited_at=survey.created_at)
    client.force_login(member)
    for name in ("staff_results", "staff_csv"):
        assert client.get(reverse(f"surveys:{name}", args=[survey.pk])).status_code == 403
    assert client.get(reverse("surveys:staff_list")).status_code == 403
    assert client.post(reverse("surveys:staff_open", args=[survey.pk])).status_code == 403
    survey.refresh_from_db()
    assert survey.status == "draft"


def test_staff_create_a_survey_from_the_page_and_open_it(client, staff):
    UserFactory()
    client.force_login(staff)
    data = {
        "title": "Your next trip",
        "intro": "Two minutes, **promise**.",
        "segment": "everyone",
        "q-TOTAL_FORMS": "6",
        "q-INITIAL_FORMS": "0",
        "q-MIN_NUM_FORMS": "0",
        "q-MAX_NUM_FORMS": "30",
        "q-0-kind": "nps",
        "q-0-prompt": "Would you recommend us?",
        "q-0-required": "on",
        "q-1-kind": "single",
        "q-1-prompt": "Where to?",
        "q-1-choices": "Alps\nNorway",
    }
    response = client.post(reverse("surveys:staff_new"), data)
    assert response.status_code == 302
    survey = Survey.objects.get(title="Your next trip")
    assert "<strong>promise</strong>" in survey.intro_html
    assert [q.kind for q in survey.questions.all()] == ["nps", "single"]

    client.post(reverse("surveys:staff_open", args=[survey.pk]))
    survey.refresh_from_db()
    assert survey.status == "open" and survey.invitations.count() >= 2


def test_staff_results_page_costs_the_same_with_5_and_50_responses(client, staff):
    survey = make_survey(staff)
    kinds = questions_by_kind(survey)

    def add_responses(count):
        members = [UserFactory() for _ in range(count)]
        services.open_survey(survey=survey, by=staff)
        for number, member in enumerate(members):
            services.answer_survey(
                survey=survey,
                member=member,
                answers={
                    kinds["nps"]: number % 11,
                    kinds["csat"]: number % 5 + 1,
                    kinds["single"]: number % 2,
                    kinds["multiple"]: [number % 3],
                    kinds["text"]: f"Answer {number}",
                },
                enforce_rate_limit=False,
            )

    client.force_login(staff)
    url = reverse("surveys:staff_results", args=[survey.pk])
    add_responses(5)
    client.get(url)
    with_five, _html = _count(client, url)
    add_responses(45)
    with_fifty, html = _count(client, url)
    assert with_fifty == with_five
    assert 'data-figure="responses">50<' in html
    assert 'id="fw-chart-data"' in html


def test_the_invitation_is_in_the_members_bell_and_leads_to_their_surveys(client, staff, member):
    survey = make_survey(staff)
    services.open_survey(survey=survey, by=staff, email=False)
    client.force_login(member)

    html = client.get(reverse("notifications:list")).content.decode()

    assert "invited you to answer a survey" in html
    assert f'href="{reverse("surveys:mine")}"' in html
