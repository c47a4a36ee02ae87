import pytest

from flywheel.surveys import services
from flywheel.surveys.models import QuestionKind
from tests.api.conftest import anonymous_api, member_api, other_api  # noqa: F401
from tests.factories import AdminFactory, make_topic


@pytest.fixture
def staff(db):
    return AdminFactory()


@pytest.fixture
def topic(member, space):
    return make_topic(space=space, author=member, title="Which colour for the next Trailhead?")


@pytest.fixture
def poll(topic, member):
    return services.add_poll(
        topic=topic,
        by=member,
        question="Which colour?",
        options=["Forest green", "Slate", "Sunset orange"],
        enforce_rate_limit=False,
    )


def make_survey(staff, *, segment="everyone", questions=None, **kwargs):
    return services.create_survey(
        by=staff,
        title="How was your last trip with us?",
        segment=segment,
        questions=questions
        or [
            services.QuestionSpec(kind=QuestionKind.NPS, prompt="Would you recommend us?"),
            services.QuestionSpec(kind=QuestionKind.CSAT, prompt="How satisfied are you?"),
            services.QuestionSpec(
                kind=QuestionKind.SINGLE, prompt="Which store?", choices=["Online", "Shop"]
            ),
            services.QuestionSpec(
                kind=QuestionKind.MULTIPLE,
                prompt="What did you buy?",
                choices=["Tent", "Boots", "Stove"],
                required=False,
            ),
            services.QuestionSpec(kind=QuestionKind.TEXT, prompt="Anything else?", required=False),
        ],
        **kwargs,
    )


def questions_by_kind(survey) -> dict[str, int]:
    return {question.kind: question.pk for question in survey.questions.all()}
