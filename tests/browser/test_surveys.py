"""A member answers a poll in a topic and sees the results in place (htmx); a member invited
to a survey answers it (NPS, CSAT, choices, text); staff see the results with charts. Shot
at desktop and phone widths for a person to look at."""

import pytest
from playwright.sync_api import expect

from flywheel.surveys import services
from flywheel.surveys.models import QuestionKind
from tests.browser.conftest import screenshot, sign_in, verified_member
from tests.factories import AdminFactory, SpaceFactory, UserFactory, make_topic

pytestmark = pytest.mark.browser


def test_a_member_votes_in_a_topics_poll_and_sees_the_results(page, phone_page, live_server):
    author = UserFactory()
    topic = make_topic(space=SpaceFactory(), author=author, title="Next colour for the tent")
    poll = services.add_poll(
        topic=topic,
        by=author,
        question="Which colour should the Trailhead 2 come in?",
        options=["Forest green", "Slate grey", "Sunset orange"],
    )
    for voter, label in ((UserFactory(), "Forest green"), (UserFactory(), "Slate grey")):
        services.vote_in_poll(poll=poll, voter=voter, option_ids=[poll.options.get(label=label).pk])
    member = verified_member()

    sign_in(page, live_server, email=member.email)
    page.goto(f"{live_server.url}{topic.get_absolute_url()}")
    panel = page.locator(f"#poll-{poll.pk}")
    expect(panel).to_contain_text("Results show once you have voted.")
    panel.get_by_label("Forest green").check()
    panel.get_by_role("button", name="Vote").click()

    panel = page.locator(f"#poll-{poll.pk}")
    expect(panel).to_contain_text("3 members voted")
    expect(panel.locator("[data-option]").first).to_contain_text("67 %")
    expect(panel.locator("[data-option]").first).to_contain_text("2 votes")
    expect(panel.locator(".fw-poll-chosen")).to_contain_text("Forest green")
    expect(panel.get_by_role("button", name="Vote")).to_have_count(0)
    screenshot(page, "poll-results-desktop")

    sign_in(phone_page, live_server, email=member.email)
    phone_page.goto(f"{live_server.url}{topic.get_absolute_url()}")
    expect(phone_page.locator(f"#poll-{poll.pk}")).to_contain_text("Thanks for voting.")
    screenshot(phone_page, "poll-results-phone")


def test_a_member_answers_a_survey_and_staff_see_the_scores(page, phone_page, live_server):
    staff = AdminFactory()
    member = verified_member()
    survey = services.create_survey(
        by=staff,
        title="Your last trip with Northtrail",
        intro="Three questions, one minute.",
        questions=[
            services.QuestionSpec(
                kind=QuestionKind.NPS, prompt="How likely are you to recommend us to a friend?"
            ),
            services.QuestionSpec(kind=QuestionKind.CSAT, prompt="How satisfied are you?"),
            services.QuestionSpec(
                kind=QuestionKind.SINGLE, prompt="Where did you go?", choices=["Alps", "Norway"]
            ),
            services.QuestionSpec(
                kind=QuestionKind.TEXT, prompt="What should we improve?", required=False
            ),
        ],
    )
    services.open_survey(survey=survey, by=staff)

    sign_in(phone_page, live_server, email=member.email)
    phone_page.goto(f"{live_server.url}/surveys/")
    phone_page.get_by_role("link", name="Your last trip with Northtrail").click()
    screenshot(phone_page, "survey-answer-phone")

    sign_in(page, live_server, email=member.email)
    page.goto(f"{live_server.url}/surveys/{survey.pk}/")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator(".invalid-feedback").first).to_contain_text("Answer this question.")
    page.locator("label[for$='-9']").first.click()  # NPS 9
    page.locator("fieldset").nth(1).get_by_text("4", exact=True).click()  # CSAT 4
    page.get_by_label("Norway").check()
    page.get_by_label("What should we improve?").fill("Lighter tent poles")
    screenshot(page, "survey-answer-desktop")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator(".fw-survey-done")).to_contain_text("Your answers are in")

    response = survey.responses.get()
    assert {answer.question.kind: answer.score for answer in response.answers.all()} == {
        "nps": 9,
        "csat": 4,
        "single": None,
        "text": None,
    }

    # Staff in a browser of their own: clearing the member's cookies in this one races the
    # old page's polling, which can set a fresh CSRF cookie under the login form's feet.
    staff_member = verified_member(role="admin", is_staff=True)
    staff_context = page.context.browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-US"
    )
    try:
        staff_page = staff_context.new_page()
        sign_in(staff_page, live_server, email=staff_member.email)
        staff_page.goto(f"{live_server.url}/manage/surveys/{survey.pk}/")
        expect(staff_page.locator("[data-score=nps]")).to_have_text("100.0")
        expect(staff_page.locator("[data-score=csat]")).to_contain_text("100.0 %")
        expect(staff_page.locator(".fw-survey-texts")).to_contain_text("Lighter tent poles")
        expect(staff_page.locator("canvas[data-chart]").first).to_be_visible()
        screenshot(staff_page, "survey-results-desktop")
    finally:
        staff_context.close()
