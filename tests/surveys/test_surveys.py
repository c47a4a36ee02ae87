"""Surveys: NPS and CSAT on hand-computed answers, targeting, invitations, answering once,
validation naming the question, the CSV."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from flywheel.community import services as community_services
from flywheel.core.exceptions import Conflict, InvalidInput
from flywheel.core.hooks import member_segments
from flywheel.core.models import Activity, Verb
from flywheel.notifications.models import Notification, NotificationKind
from flywheel.rewards.models import PointsAccount, Tier
from flywheel.surveys import queries, services
from flywheel.surveys.models import QuestionKind, SurveyInvitation, SurveyStatus
from flywheel.surveys.segments import segment_member_ids
from flywheel.trust.models import MemberTrust
from tests.factories import SpaceFactory, UserFactory
from tests.surveys.conftest import make_survey, questions_by_kind

pytestmark = pytest.mark.django_db


def test_net_promoter_score_on_hand_computed_answers():
    # 10 answers: promoters 10, 10, 9, 9 (4); passives 8, 7 (2); detractors 6, 5, 3, 0 (4).
    # NPS = 40 % − 40 % = 0. With two more promoters: 6/12 − 4/12 = 16.7.
    scores = [10, 10, 9, 9, 8, 7, 6, 5, 3, 0]
    distribution = {score: scores.count(score) for score in range(11)}
    assert queries.net_promoter_score(distribution) == Decimal("0.0")
    distribution[10] += 2
    assert queries.net_promoter_score(distribution) == Decimal("16.7")
    assert queries.net_promoter_score({score: 0 for score in range(11)}) is None
    assert queries.net_promoter_score({0: 3}) == Decimal("-100.0")


def test_satisfaction_score_is_the_share_of_fours_and_fives():
    # 7 answers: 5, 5, 4 satisfied; 3, 2, 1, 1 not. CSAT = 3/7 = 42.9 %.
    assert queries.satisfaction_score({1: 2, 2: 1, 3: 1, 4: 1, 5: 2}) == Decimal("42.9")
    assert queries.satisfaction_score({4: 4}) == Decimal("100.0")


def _open_and_answer(staff, survey, answers_by_member):
    services.open_survey(survey=survey, by=staff)
    kinds = questions_by_kind(survey)
    for member, values in answers_by_member:
        services.answer_survey(
            survey=survey,
            member=member,
            answers={kinds[kind]: value for kind, value in values.items()},
            enforce_rate_limit=False,
        )


def test_survey_results_on_hand_computed_answers(staff):
    members = [UserFactory() for _ in range(5)]
    survey = make_survey(staff)
    answers = [
        # nps, csat, single, multiple, text
        {"nps": 10, "csat": 5, "single": 0, "multiple": [0, 1], "text": "Great tent"},
        {"nps": 9, "csat": 4, "single": 0, "multiple": [0]},
        {"nps": 8, "csat": 3, "single": 1, "multiple": [2], "text": "Slow delivery"},
        {"nps": 6, "csat": 2, "single": 0},
        {"nps": 2, "csat": 5, "single": 1, "multiple": [0, 2]},
    ]
    _open_and_answer(staff, survey, zip(members, answers, strict=True))

    results = queries.survey_results(survey)
    nps, csat, single, multiple, text = results.questions

    assert results.responses == 5
    # Promoters 2 (10, 9), detractors 2 (6, 2): NPS 40 − 40 = 0.
    assert (nps.promoters, nps.passives, nps.detractors) == (2, 1, 2)
    assert nps.score == Decimal("0.0")
    assert nps.average == Decimal("7.00")
    assert nps.distribution[10] == 1 and nps.distribution[0] == 0 and len(nps.distribution) == 11
    # Satisfied 3 of 5 (5, 4, 5): CSAT 60 %; average (5+4+3+2+5)/5 = 3.8.
    assert csat.score == Decimal("60.0") and csat.average == Decimal("3.80")
    assert single.choices == [("Online", 3, Decimal("60.0")), ("Shop", 2, Decimal("40.0"))]
    # 4 answered the optional multiple choice: Tent 3, Boots 1, Stove 2.
    assert multiple.answered == 4
    assert multiple.choices == [
        ("Tent", 3, Decimal("75.0")),
        ("Boots", 1, Decimal("25.0")),
        ("Stove", 2, Decimal("50.0")),
    ]
    assert text.answered == 2
    assert {body for body, _who in text.texts} == {"Great tent", "Slow delivery"}


def test_the_csv_has_a_row_per_response_with_labels_and_no_names_when_anonymous(staff):
    first, second = UserFactory(handle="ada"), UserFactory(handle="bob")
    survey = make_survey(staff)
    _open_and_answer(
        staff,
        survey,
        [
            (first, {"nps": 9, "csat": 4, "single": 1, "multiple": [0, 2], "text": "=SUM(A1)"}),
            (second, {"nps": 3, "csat": 1, "single": 0}),
        ],
    )

    rows = list(csv.reader(io.StringIO(queries.survey_csv(survey))))

    assert rows[0][1:] == [
        "member",
        "Would you recommend us?",
        "How satisfied are you?",
        "Which store?",
        "What did you buy?",
        "Anything else?",
    ]
    assert rows[1][1:] == ["ada", "9", "4", "Shop", "Tent; Stove", "'=SUM(A1)"]
    assert rows[2][1:] == ["bob", "3", "1", "Online", "", ""]

    survey.is_anonymous = True
    survey.save(update_fields=["is_anonymous"])
    rows = list(csv.reader(io.StringIO(queries.survey_csv(survey))))
    assert [row[1] for row in rows[1:]] == ["", ""]


def test_a_member_answers_once(staff, member):
    survey = make_survey(staff)
    kinds = questions_by_kind(survey)
    services.open_survey(survey=survey, by=staff)
    answers = {kinds["nps"]: 7, kinds["csat"]: 4, kinds["single"]: 0}
    services.answer_survey(survey=survey, member=member, answers=answers)

    with pytest.raises(Conflict):
        services.answer_survey(survey=survey, member=member, answers=answers)
    assert Activity.objects.filter(verb=Verb.SURVEY_ANSWERED, actor=member).count() == 1


@pytest.mark.parametrize(
    ("kind", "value"),
    [("nps", 11), ("nps", -1), ("csat", 0), ("csat", 6), ("nps", "ten"), ("single", 5)],
)
def test_an_answer_off_the_scale_is_refused_naming_the_question(staff, member, kind, value):
    survey = make_survey(staff)
    kinds = questions_by_kind(survey)
    services.open_survey(survey=survey, by=staff)
    answers = {kinds["nps"]: 7, kinds["csat"]: 4, kinds["single"]: 0, kinds[kind]: value}

    with pytest.raises(InvalidInput) as refused:
        services.answer_survey(survey=survey, member=member, answers=answers)
    assert refused.value.field == f"question_{kinds[kind]}"


def test_a_missing_required_answer_is_refused_and_nothing_is_stored(staff, member):
    survey = make_survey(staff)
    kinds = questions_by_kind(survey)
    services.open_survey(survey=survey, by=staff)

    with pytest.raises(InvalidInput) as refused:
        services.answer_survey(survey=survey, member=member, answers={kinds["nps"]: 9})
    assert refused.value.field == f"question_{kinds['csat']}"
    assert not survey.responses.exists()


def test_a_member_outside_the_segment_is_not_invited_and_cannot_answer(staff, member):
    space = SpaceFactory()
    insider = UserFactory()
    community_services.join_space(member=insider, space=space)
    survey = make_survey(staff, segment=f"space:{space.pk}")

    assert services.open_survey(survey=survey, by=staff) == 1
    with pytest.raises(PermissionDenied):
        services.answer_survey(survey=survey, member=member, answers={})


def test_a_draft_or_closed_survey_takes_no_answers(staff, member):
    survey = make_survey(staff)
    SurveyInvitation.objects.create(survey=survey, member=member, invited_at=timezone.now())
    with pytest.raises(Conflict):
        services.answer_survey(survey=survey, member=member, answers={})
    services.open_survey(survey=survey, by=staff)
    services.close_survey(survey=survey, by=staff)
    with pytest.raises(Conflict):
        services.answer_survey(survey=survey, member=member, answers={})


def test_a_survey_past_its_closing_time_takes_no_answers(staff):
    survey = make_survey(staff, closes_at=timezone.now() + timedelta(days=1))
    services.open_survey(survey=survey, by=staff)
    assert survey.is_accepting_answers()
    assert not survey.is_accepting_answers(at=timezone.now() + timedelta(days=2))


def test_opening_invites_with_a_notification_and_an_email_and_again_only_newcomers(
    staff, django_capture_on_commit_callbacks
):
    space = SpaceFactory()
    first = UserFactory(language="fr")
    community_services.join_space(member=first, space=space)
    survey = make_survey(staff, segment=f"space:{space.pk}")

    with django_capture_on_commit_callbacks(execute=True):
        assert services.open_survey(survey=survey, by=staff) == 1
    assert Notification.objects.filter(
        recipient=first, kind=NotificationKind.SURVEY_INVITED
    ).exists()
    assert [message.to for message in mail.outbox] == [[first.email]]
    assert f"/surveys/{survey.pk}/" in mail.outbox[0].body

    second = UserFactory()
    community_services.join_space(member=second, space=space)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.open_survey(survey=survey, by=staff) == 1
    assert [message.to for message in mail.outbox] == [[first.email], [second.email]]
    assert SurveyInvitation.objects.filter(survey=survey).count() == 2


def test_only_the_brand_team_creates_and_opens_surveys(member, staff):
    with pytest.raises(PermissionDenied):
        make_survey(member)
    survey = make_survey(staff)
    with pytest.raises(PermissionDenied):
        services.open_survey(survey=survey, by=member)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.DRAFT


def test_an_unknown_segment_is_refused_naming_the_field(staff):
    with pytest.raises(InvalidInput) as refused:
        make_survey(staff, segment="space:notanumber")
    assert refused.value.field == "segment"


def test_a_choice_question_needs_two_options(staff):
    with pytest.raises(InvalidInput) as refused:
        make_survey(
            staff,
            questions=[services.QuestionSpec(kind=QuestionKind.SINGLE, prompt="?", choices=["A"])],
        )
    assert refused.value.field == "questions"


def test_built_in_segments_select_tier_trust_level_and_buyers(staff):
    gold = Tier.objects.create(name="Gold", slug="gold", rank=2, min_points=500)
    in_gold, trusted, locked, plain = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    PointsAccount.objects.create(member=in_gold, tier=gold)
    MemberTrust.objects.create(member=trusted, level=3)
    MemberTrust.objects.create(member=locked, level=3, locked_level=1)

    def ids(key):
        return set(segment_member_ids(key).values_list("pk", flat=True))

    assert ids(f"tier:{gold.pk}") == {in_gold.pk}
    assert ids("trust:2") == {trusted.pk}
    assert {in_gold.pk, trusted.pk, locked.pk, plain.pk} <= ids("non_buyers")
    assert ids("buyers") == set()
    assert segment_member_ids("nothing:1") is None


def test_a_segment_provider_registered_by_a_higher_app_is_asked(staff, member):
    class SavedSegments:
        def segments(self):
            return [("analytics:7", "Churn risks")]

        def member_ids(self, key):
            from django.contrib.auth import get_user_model

            if key != "analytics:7":
                return None
            return get_user_model().objects.filter(pk=member.pk).values("pk")

    with member_segments.registered(SavedSegments(), name="tests.saved"):
        survey = make_survey(staff, segment="analytics:7")
        assert services.open_survey(survey=survey, by=staff) == 1
    assert list(survey.invitations.values_list("member_id", flat=True)) == [member.pk]
