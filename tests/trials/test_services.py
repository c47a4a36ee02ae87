"""Trials' business rules: who may apply and when, the reproducible draw, the tester's
lifecycle, feedback detected from a published review, and reminders sent once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from flywheel.core.exceptions import Conflict, InvalidInput
from flywheel.core.models import Activity, Verb
from flywheel.reviews import services as reviews
from flywheel.trials import queries, services
from flywheel.trials.models import ApplicationStatus, FeedbackKind, Stage
from tests.factories import UserFactory
from tests.trials.conftest import applicants, make_trial, member_at

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- opening


def test_a_member_cannot_open_a_trial(product):
    with pytest.raises(PermissionDenied):
        make_trial(by=UserFactory(), product=product)


def test_feedback_must_be_due_after_applications_close(staff, product):
    now = timezone.now()
    with pytest.raises(InvalidInput) as refused:
        make_trial(
            by=staff,
            product=product,
            apply_by=now + timedelta(days=5),
            feedback_due=now + timedelta(days=2),
        )
    assert refused.value.field == "feedback_due"


def test_a_trial_needs_at_least_one_place(staff, product):
    with pytest.raises(InvalidInput) as refused:
        make_trial(by=staff, product=product, places=0)
    assert refused.value.field == "places"


# ---------------------------------------------------------------- applying


def test_applying_records_the_answer_and_logs_trial_applied(trial):
    member = UserFactory()
    application = services.apply_to_trial(trial=trial, member=member, answer=" In the Alps ")
    assert application.answer == "In the Alps"
    assert application.status == ApplicationStatus.APPLIED
    activity = Activity.objects.get(verb=Verb.TRIAL_APPLIED)
    assert activity.actor == member
    assert activity.payload == {"trial_id": trial.pk, "product_id": trial.product_id}


def test_a_member_applies_only_once(trial):
    member = UserFactory()
    services.apply_to_trial(trial=trial, member=member, answer="Alps")
    with pytest.raises(Conflict, match="already applied"):
        services.apply_to_trial(trial=trial, member=member, answer="Again")


def test_a_withdrawn_application_cannot_be_made_again(trial):
    member = UserFactory()
    services.apply_to_trial(trial=trial, member=member, answer="Alps")
    services.withdraw_application(trial=trial, member=member)
    with pytest.raises(Conflict, match="already applied"):
        services.apply_to_trial(trial=trial, member=member, answer="Again")


def test_applications_close_after_the_apply_by_date(trial):
    with pytest.raises(Conflict, match="closed"):
        services.apply_to_trial(
            trial=trial,
            member=UserFactory(),
            answer="Late",
            at=trial.apply_by + timedelta(minutes=1),
        )


def test_an_empty_answer_is_refused_naming_the_field(trial):
    with pytest.raises(InvalidInput) as refused:
        services.apply_to_trial(trial=trial, member=UserFactory(), answer="  ")
    assert refused.value.field == "answer"


def test_a_member_below_the_trust_level_cannot_apply(staff, product):
    trial = make_trial(by=staff, product=product, min_trust_level=2)
    with pytest.raises(PermissionDenied):
        services.apply_to_trial(trial=trial, member=member_at(level=1), answer="Alps")
    assert services.apply_to_trial(trial=trial, member=member_at(level=2), answer="Alps")


def test_a_tier_trial_takes_that_tier_and_higher_ones_only(staff, product, gold):
    from flywheel.rewards.models import Tier

    silver = Tier.objects.create(name="Silver", slug="silver", rank=1, min_points=100)
    platinum = Tier.objects.create(name="Platinum", slug="platinum", rank=3, min_points=5000)
    trial = make_trial(by=staff, product=product, min_tier=gold)
    for refused in (member_at(), member_at(tier=silver)):
        with pytest.raises(PermissionDenied):
            services.apply_to_trial(trial=trial, member=refused, answer="Alps")
    for accepted in (member_at(tier=gold), member_at(tier=platinum)):
        services.apply_to_trial(trial=trial, member=accepted, answer="Alps")


def test_members_see_only_the_open_trials_of_their_segment(staff, product, gold):
    anyone = make_trial(by=staff, product=product, title="For everyone")
    make_trial(by=staff, product=product, title="For gold", min_tier=gold)
    make_trial(by=staff, product=product, title="For regulars", min_trust_level=3)
    assert list(queries.open_trials_for(member_at(level=1))) == [anyone]
    assert {t.title for t in queries.open_trials_for(member_at(level=3, tier=gold))} == {
        "For everyone",
        "For gold",
        "For regulars",
    }


# ---------------------------------------------------------------- selecting and drawing


def test_staff_select_by_hand_within_the_places(staff, product):
    trial = make_trial(by=staff, product=product, places=2)
    first, second, third = applicants(trial, 3)
    services.select_testers(trial=trial, by=staff, application_ids=[first.pk])
    with pytest.raises(Conflict, match="Only 1 places"):
        services.select_testers(trial=trial, by=staff, application_ids=[second.pk, third.pk])
    services.select_testers(trial=trial, by=staff, application_ids=[second.pk])
    assert Activity.objects.filter(verb=Verb.TRIAL_SELECTED).count() == 2
    assert {message.to[0] for message in mail.outbox} == set()  # sent after commit only


def test_selection_logs_trial_selected_for_the_member_and_emails_them(
    trial, staff, django_capture_on_commit_callbacks
):
    (application,) = applicants(trial, 1)
    with django_capture_on_commit_callbacks(execute=True):
        services.select_testers(trial=trial, by=staff, application_ids=[application.pk])
    activity = Activity.objects.get(verb=Verb.TRIAL_SELECTED)
    assert activity.actor_id == application.member_id
    assert mail.outbox[-1].to == [application.member.email]
    assert trial.title in mail.outbox[-1].subject


def test_the_same_seed_and_applicants_give_the_same_draw(staff, product):
    ids = list(range(101, 141))
    first = services.draw_order(ids, seed="launch-2027", places=5)
    assert first == services.draw_order(list(reversed(ids)), seed="launch-2027", places=5)
    assert first != services.draw_order(ids, seed="another seed", places=5)
    assert len(set(first)) == 5 and set(first) <= set(ids)


def test_a_draw_fills_the_places_left_and_stores_its_seed(staff, product):
    trial = make_trial(by=staff, product=product, places=3)
    pool = applicants(trial, 8)
    services.select_testers(trial=trial, by=staff, application_ids=[pool[0].pk])
    expected = services.draw_order([a.pk for a in pool[1:]], seed="fixed", places=2)
    drawn = services.draw_testers(trial=trial, by=staff, seed="fixed")
    assert sorted(a.pk for a in drawn) == sorted(expected)
    trial.refresh_from_db()
    assert trial.draw_seed == "fixed"
    assert all(a.selected_by_draw for a in drawn)
    with pytest.raises(Conflict, match="Every place is taken"):
        services.draw_testers(trial=trial, by=staff)


def test_a_draw_without_a_seed_makes_and_stores_one(trial, staff):
    applicants(trial, 5)
    services.draw_testers(trial=trial, by=staff)
    trial.refresh_from_db()
    assert len(trial.draw_seed) == 16


def test_withdrawn_applicants_are_never_drawn(trial, staff):
    pool = applicants(trial, 4)
    for application in pool[:3]:
        services.withdraw_application(trial=trial, member=application.member)
    drawn = services.draw_testers(trial=trial, by=staff, seed="x")
    assert [a.pk for a in drawn] == [pool[3].pk]


# ---------------------------------------------------------------- lifecycle and feedback


def _tester(trial, staff):
    (application,) = applicants(trial, 1)
    services.select_testers(trial=trial, by=staff, application_ids=[application.pk])
    application.refresh_from_db()
    return application


def test_a_tester_goes_from_selected_to_shipped_to_received(trial, staff):
    tester = _tester(trial, staff)
    assert tester.stage() == Stage.SELECTED
    with pytest.raises(Conflict, match="not shipped"):
        services.mark_received(application=tester, member=tester.member)
    tester = services.mark_shipped(application=tester, by=staff)
    assert tester.stage() == Stage.SHIPPED
    tester = services.mark_received(application=tester, member=tester.member)
    assert tester.stage() == Stage.RECEIVED
    assert tester.stage(now=trial.feedback_due + timedelta(seconds=1)) == Stage.OVERDUE


def test_only_the_tester_marks_their_product_received(trial, staff):
    tester = services.mark_shipped(application=_tester(trial, staff), by=staff)
    with pytest.raises(PermissionDenied):
        services.mark_received(application=tester, member=UserFactory())


def test_a_shipped_tester_can_no_longer_withdraw(trial, staff):
    tester = services.mark_shipped(application=_tester(trial, staff), by=staff)
    with pytest.raises(Conflict):
        services.withdraw_application(trial=trial, member=tester.member)


def test_a_testers_published_review_of_the_product_is_their_feedback(
    trial, staff, django_capture_on_commit_callbacks
):
    tester = services.mark_shipped(application=_tester(trial, staff), by=staff)
    services.mark_received(application=tester, member=tester.member)
    # Testers did not buy the product: the trial lets them review it (buyers-only is on).
    with django_capture_on_commit_callbacks(execute=True):
        review = reviews.write_review(
            product=trial.product,
            author=tester.member,
            rating=4,
            title="Roomy for two",
            body="Pitched it in the rain in five minutes.",
        )
        reviews.publish_review(review=review, by=staff)
    tester.refresh_from_db()
    assert tester.feedback_given_at is not None
    assert tester.feedback_kind == FeedbackKind.REVIEW
    assert (tester.feedback_review_id, tester.feedback_rating) == (review.pk, 4)
    assert tester.stage() == Stage.FEEDBACK_GIVEN
    given = Activity.objects.get(verb=Verb.TRIAL_FEEDBACK_GIVEN)
    assert given.actor == tester.member and given.payload["on_time"] is True
    results = queries.trial_results(trial)
    assert results.average_rating == 4
    assert [r.pk for r in results.reviews] == [review.pk]
    assert results.counts["feedback_given"] == 1


def test_a_review_of_another_product_is_not_feedback(trial, staff, product):
    from flywheel.commerce.models import Product
    from flywheel.trials.consumers import record_feedback_for_activity

    tester = services.mark_shipped(application=_tester(trial, staff), by=staff)
    other = Product.objects.create(store=product.store, external_id="p2", title="Stove")
    activity = Activity.objects.create(
        actor=tester.member,
        verb=Verb.REVIEW_PUBLISHED,
        payload={"product_id": other.pk, "rating": 5},
        created_at=timezone.now(),
    )
    record_feedback_for_activity(activity)
    tester.refresh_from_db()
    assert tester.feedback_given_at is None


def test_feedback_is_recorded_once_whatever_the_number_of_deliveries(trial, staff):
    from flywheel.trials.consumers import record_feedback_for_activity

    tester = services.mark_shipped(application=_tester(trial, staff), by=staff)
    activity = Activity.objects.create(
        actor=tester.member,
        verb=Verb.REVIEW_PUBLISHED,
        payload={"product_id": trial.product_id, "rating": 5},
        created_at=timezone.now(),
    )
    record_feedback_for_activity(activity)
    record_feedback_for_activity(activity)
    assert Activity.objects.filter(verb=Verb.TRIAL_FEEDBACK_GIVEN).count() == 1


def test_a_member_who_is_not_a_shipped_tester_still_cannot_review_without_buying(trial, staff):
    tester = _tester(trial, staff)  # selected, not shipped yet
    with pytest.raises(PermissionDenied, match="Only customers who bought"):
        reviews.write_review(
            product=trial.product, author=tester.member, rating=5, title="Great", body="Yes."
        )


# ---------------------------------------------------------------- reminders


def test_each_reminder_goes_once_in_the_testers_language(staff, product):
    trial = make_trial(by=staff, product=product)
    (application,) = applicants(trial, 1, language="it")
    services.select_testers(trial=trial, by=staff, application_ids=[application.pk])
    services.mark_shipped(application=application, by=staff)
    mail.outbox.clear()
    too_early = trial.feedback_due - timedelta(days=4)
    assert services.send_feedback_reminders(now=too_early) == {"soon": 0, "overdue": 0}
    soon = trial.feedback_due - timedelta(days=2)
    assert services.send_feedback_reminders(now=soon) == {"soon": 1, "overdue": 0}
    assert services.send_feedback_reminders(now=soon + timedelta(hours=1))["soon"] == 0
    late = trial.feedback_due + timedelta(days=1)
    assert services.send_feedback_reminders(now=late) == {"soon": 0, "overdue": 1}
    assert services.send_feedback_reminders(now=late + timedelta(hours=1))["overdue"] == 0
    assert len(mail.outbox) == 2
    assert all(message.to == [application.member.email] for message in mail.outbox)
    # Rendered in Italian ("Hi %(name)s," is translated in the catalogue already).
    assert mail.outbox[0].body.startswith("Ciao ")


def test_testers_whose_feedback_is_in_are_not_reminded(trial, staff):
    tester = services.mark_shipped(application=_tester(trial, staff), by=staff)
    services.record_feedback(application=tester, kind=FeedbackKind.REVIEW, rating=5)
    mail.outbox.clear()
    assert services.send_feedback_reminders(now=trial.feedback_due - timedelta(days=1)) == {
        "soon": 0,
        "overdue": 0,
    }
    assert mail.outbox == []
