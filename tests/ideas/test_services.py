"""Ideas and feature requests through their services: milestones and windows on a frozen
clock, expiry, review batches, one support per member enforced by the database, weighted
counts on hand-computed data, status changes that notify, and merges that carry votes once."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from flywheel.core.exceptions import Conflict, InvalidInput, RateLimited
from flywheel.core.models import Activity, Verb
from flywheel.ideas import queries, services
from flywheel.ideas.milestones import milestones, review_period_bounds
from flywheel.ideas.models import (
    FeatureVote,
    Idea,
    IdeaStatus,
    IdeaStatusChange,
    RequestStatus,
    Support,
)
from flywheel.notifications.models import Notification, NotificationKind
from tests.factories import UserFactory
from tests.ideas.conftest import T0, make_buyer, png, support_all, supporters

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- submitting


def test_a_new_idea_has_sixty_days_to_reach_its_first_milestone(idea):
    assert idea.status == IdeaStatus.NEW
    assert idea.window_ends_at == T0 + timedelta(days=60)
    assert Activity.objects.filter(verb=Verb.IDEA_SUBMITTED, target_id=idea.pk).count() == 1


def test_the_default_milestones_are_lego_ideas_own(settings):
    settings.FLYWHEEL_IDEAS_MILESTONES = "100:60,1000:365,5000:182,10000:182"
    assert [(m.supporters, m.days) for m in milestones()] == [
        (100, 60),
        (1000, 365),
        (5000, 182),
        (10000, 182),
    ]


def test_submitting_without_a_title_names_the_field(creator):
    with pytest.raises(InvalidInput) as error:
        services.submit_idea(author=creator, title=" ", description="Something")
    assert error.value.field == "title"


def test_images_go_through_the_image_pipeline_and_come_out_as_webp(creator):
    idea = services.submit_idea(
        author=creator, title="Camp mug", description="Stackable.", images=[png(), png()]
    )
    stored = list(idea.images.all())
    assert len(stored) == 2 and idea.image_count == 2
    assert all(image.image.name.endswith(".webp") for image in stored)


def test_an_svg_pretending_to_be_an_image_is_refused_and_nothing_is_stored(creator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    svg = SimpleUploadedFile("x.png", b"<svg onload=alert(1)></svg>", content_type="image/png")
    with pytest.raises(InvalidInput) as error:
        services.submit_idea(author=creator, title="Mug", description="Mug.", images=[svg])
    assert error.value.field == "images"
    assert not Idea.objects.exists()


def test_submitting_ideas_is_rate_limited_per_trust_level(creator, settings):
    settings.FLYWHEEL_RATE_LIMITS = {"idea": {0: "1/h"}}
    creator.date_joined = T0  # a new account: trust level 0
    services.submit_idea(author=creator, title="One", description="First.")
    with pytest.raises(RateLimited):
        services.submit_idea(author=creator, title="Two", description="Second.")


# ---------------------------------------------------------------- support


def test_one_support_per_member_is_enforced_by_the_database(idea):
    member = UserFactory()
    services.support_idea(idea=idea, member=member, at=T0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Support.objects.create(idea=idea, member=member, created_at=T0)


def test_supporting_twice_is_refused_and_counts_once(idea):
    member = UserFactory()
    services.support_idea(idea=idea, member=member, at=T0)
    with pytest.raises(Conflict):
        services.support_idea(idea=idea, member=member, at=T0)
    idea.refresh_from_db()
    assert idea.support_count == 1


def test_a_creator_cannot_support_their_own_idea(idea, creator):
    with pytest.raises(PermissionDenied):
        services.support_idea(idea=idea, member=creator, at=T0)


def test_support_can_be_withdrawn_and_given_again_but_logs_one_vote(idea):
    member = UserFactory()
    services.support_idea(idea=idea, member=member, at=T0)
    services.withdraw_support(idea=idea, member=member, at=T0 + timedelta(hours=1))
    idea.refresh_from_db()
    assert idea.support_count == 0
    services.support_idea(idea=idea, member=member, at=T0 + timedelta(hours=2))
    idea.refresh_from_db()
    assert idea.support_count == 1
    assert Activity.objects.filter(verb=Verb.IDEA_VOTED, target_id=idea.pk).count() == 1
    assert Activity.objects.filter(verb=Verb.IDEA_SUPPORT_WITHDRAWN).count() == 1


# ---------------------------------------------------------------- milestones on a frozen clock


def test_reaching_the_first_milestone_in_time_moves_the_idea_to_gaining_support(idea):
    day_59 = T0 + timedelta(days=59)
    idea = support_all(idea, supporters(2), at=day_59)
    assert idea.status == IdeaStatus.GAINING_SUPPORT
    assert idea.milestones_reached == 1
    # The next window (365 days) counts from the moment the milestone was reached.
    assert idea.window_ends_at == day_59 + timedelta(days=365)


def test_an_idea_that_misses_its_window_expires_visibly_and_its_supporters_hear(
    idea, django_capture_on_commit_callbacks
):
    fan = UserFactory()
    services.support_idea(idea=idea, member=fan, at=T0 + timedelta(days=1))
    assert services.expire_ideas(now=T0 + timedelta(days=60)) == 0  # the window still open
    with django_capture_on_commit_callbacks(execute=True):
        assert services.expire_ideas(now=T0 + timedelta(days=60, seconds=1)) == 1
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.EXPIRED
    assert services.expire_ideas(now=T0 + timedelta(days=61)) == 0  # idempotent
    notification = Notification.objects.get(recipient=fan)
    assert notification.kind == NotificationKind.IDEA_UPDATED
    assert "expired" in notification.summary
    assert Notification.objects.filter(recipient=idea.author).count() == 1


def test_support_after_the_window_closed_expires_the_idea_instead(idea):
    late = T0 + timedelta(days=61)
    with pytest.raises(Conflict):
        services.support_idea(idea=idea, member=UserFactory(), at=late)
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.EXPIRED and idea.support_count == 0


def test_each_milestone_opens_its_own_window_until_the_last_sends_the_idea_to_review(idea):
    moments = [T0 + timedelta(days=30), T0 + timedelta(days=300), T0 + timedelta(days=450)]
    crowd = supporters(8)
    idea = support_all(idea, crowd[:2], at=moments[0])
    assert idea.window_ends_at == moments[0] + timedelta(days=365)
    idea = support_all(idea, crowd[2:4], at=moments[1])
    assert idea.milestones_reached == 2
    assert idea.window_ends_at == moments[1] + timedelta(days=182)
    idea = support_all(idea, crowd[4:6], at=moments[2])
    assert idea.milestones_reached == 3
    last = moments[2] + timedelta(days=100)
    idea = support_all(idea, crowd[6:8], at=last)
    assert idea.status == IdeaStatus.IN_REVIEW
    assert idea.qualified_at == last
    assert idea.window_ends_at is None


def test_missing_a_later_window_expires_an_idea_that_was_gaining_support(idea):
    idea = support_all(idea, supporters(2), at=T0 + timedelta(days=10))
    services.expire_ideas(now=T0 + timedelta(days=10 + 365, seconds=1))
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.EXPIRED


def test_review_periods_are_four_month_batches_from_january():
    assert review_period_bounds(datetime(2026, 2, 10, tzinfo=UTC)) == (
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 5, 1, tzinfo=UTC),
    )
    assert review_period_bounds(datetime(2026, 12, 31, 23, tzinfo=UTC)) == (
        datetime(2026, 9, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
    )


def test_ideas_qualifying_in_the_same_period_share_one_review_batch(creator, settings):
    settings.FLYWHEEL_IDEAS_MILESTONES = "1:365"
    first = services.submit_idea(author=creator, title="Stove", description="Tiny.", at=T0)
    second = services.submit_idea(author=creator, title="Pot", description="Tiny.", at=T0)
    later = services.submit_idea(author=creator, title="Cup", description="Tiny.", at=T0)
    fans = supporters(3)
    services.support_idea(idea=first, member=fans[0], at=datetime(2026, 2, 11, tzinfo=UTC))
    services.support_idea(idea=second, member=fans[1], at=datetime(2026, 4, 30, tzinfo=UTC))
    services.support_idea(idea=later, member=fans[2], at=datetime(2026, 5, 1, tzinfo=UTC))
    first, second, later = (Idea.objects.get(pk=i.pk) for i in (first, second, later))
    assert first.review_period_id == second.review_period_id
    assert later.review_period_id != first.review_period_id
    assert first.review_period.ends_at == datetime(2026, 5, 1, tzinfo=UTC)


def test_decisions_on_a_batch_wait_until_its_review_period_ends(idea, staff):
    in_march = datetime(2026, 3, 1, tzinfo=UTC)
    services.change_idea_status(idea=idea, by=staff, status=IdeaStatus.IN_REVIEW, at=in_march)
    with pytest.raises(Conflict) as error:
        services.change_idea_status(
            idea=idea, by=staff, status=IdeaStatus.ACCEPTED, at=datetime(2026, 4, 30, tzinfo=UTC)
        )
    assert "2026-05-01" in error.value.message
    services.change_idea_status(
        idea=idea, by=staff, status=IdeaStatus.ACCEPTED, at=datetime(2026, 5, 1, tzinfo=UTC)
    )
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.ACCEPTED


# ---------------------------------------------------------------- weighted support


def test_weighted_and_unweighted_counts_on_hand_computed_data(idea, settings):
    settings.FLYWHEEL_IDEAS_MILESTONES = "100:60"
    buyers = [make_buyer() for _ in range(3)]
    others = supporters(4)
    idea = support_all(idea, buyers + others, at=T0 + timedelta(days=1))
    assert (idea.support_count, idea.buyer_support_count) == (7, 3)
    settings.FLYWHEEL_IDEAS_BUYER_WEIGHT = "1"
    assert queries.progress_of(idea).weighted == Decimal(7)
    settings.FLYWHEEL_IDEAS_BUYER_WEIGHT = "2.5"
    # 4 non-buyers × 1 + 3 buyers × 2.5 = 11.5
    assert queries.progress_of(idea).weighted == Decimal("11.5")


def test_weighted_buyers_reach_a_milestone_that_plain_counting_would_miss(idea, settings):
    settings.FLYWHEEL_IDEAS_MILESTONES = "5:60,50:365"
    settings.FLYWHEEL_IDEAS_BUYER_WEIGHT = "2"
    # 2 buyers × 2 + 1 non-buyer = 5 ≥ 5, though only 3 people support it.
    idea = support_all(idea, [make_buyer(), make_buyer(), UserFactory()], at=T0)
    assert idea.status == IdeaStatus.GAINING_SUPPORT


def test_withdrawing_a_buyer_support_lowers_both_counts(idea):
    buyer = make_buyer()
    services.support_idea(idea=idea, member=buyer, at=T0)
    services.withdraw_support(idea=idea, member=buyer, at=T0)
    idea.refresh_from_db()
    assert (idea.support_count, idea.buyer_support_count) == (0, 0)


# ---------------------------------------------------------------- statuses and notifications


def test_every_status_change_notifies_the_creator_and_each_supporter_once(
    idea, staff, creator, django_capture_on_commit_callbacks
):
    fans = supporters(3)
    support_all(idea, fans[:1], at=T0)
    with django_capture_on_commit_callbacks(execute=True):
        services.change_idea_status(idea=idea, by=staff, status=IdeaStatus.IN_REVIEW, at=T0)
        services.change_idea_status(
            idea=idea,
            by=staff,
            status=IdeaStatus.DECLINED,
            reason="Too close to our 2027 range.",
            at=datetime(2026, 5, 2, tzinfo=UTC),
        )
    # A second delivery of the same activities notifies nobody twice.
    from flywheel.ideas.consumers import notify_idea_followers

    for activity in Activity.objects.filter(verb=Verb.IDEA_STATUS_CHANGED):
        notify_idea_followers(activity)
    for member in (creator, fans[0]):
        texts = list(
            Notification.objects.filter(recipient=member).values_list("summary", flat=True)
        )
        assert len(texts) == 2
        assert any("Too close to our 2027 range." in text for text in texts)
    assert not Notification.objects.filter(recipient__in=fans[1:]).exists()
    assert list(idea.status_changes.values_list("to_status", flat=True)) == [
        IdeaStatus.IN_REVIEW,
        IdeaStatus.DECLINED,
    ]


def test_declining_needs_a_reason(idea, staff):
    with pytest.raises(InvalidInput) as error:
        services.change_idea_status(idea=idea, by=staff, status=IdeaStatus.DECLINED)
    assert error.value.field == "reason"


def test_a_member_cannot_change_a_status(idea, creator):
    with pytest.raises(PermissionDenied):
        services.change_idea_status(idea=idea, by=creator, status=IdeaStatus.IN_REVIEW)


def test_a_status_cannot_skip_steps(idea, staff):
    with pytest.raises(Conflict):
        services.change_idea_status(idea=idea, by=staff, status=IdeaStatus.RELEASED)


def _release(idea, staff):
    services.change_idea_status(idea=idea, by=staff, status=IdeaStatus.IN_REVIEW, at=T0)
    after = datetime(2026, 5, 1, tzinfo=UTC)
    for status in (IdeaStatus.ACCEPTED, IdeaStatus.IN_PRODUCTION, IdeaStatus.RELEASED):
        services.change_idea_status(idea=idea, by=staff, status=status, at=after)


def test_you_asked_we_built_it_reaches_each_supporter_in_their_language(
    idea, staff, mailoutbox, django_capture_on_commit_callbacks
):
    english, german = UserFactory(language="en"), UserFactory(language="de")
    support_all(idea, [english, german], at=T0)
    with django_capture_on_commit_callbacks(execute=True):
        _release(idea, staff)
    shipped_en = Notification.objects.get(recipient=english, kind=NotificationKind.IDEA_SHIPPED)
    shipped_de = Notification.objects.get(recipient=german, kind=NotificationKind.IDEA_SHIPPED)
    assert shipped_en.summary.startswith("You asked, we built it")
    assert shipped_en.get_absolute_url() == idea.get_absolute_url()
    assert {message.to[0] for message in mailoutbox} == {english.email, german.email}
    assert all(idea.title in message.subject for message in mailoutbox)
    # The German supporter's copy went through German translation (the catalogue may not yet
    # hold these new strings; the language switch is what this checks).
    from django.utils import translation

    with translation.override("de"):
        from flywheel.ideas.consumers import idea_status_text

        expected = idea_status_text(title=idea.title, status=IdeaStatus.RELEASED)
    assert shipped_de.summary == expected
    # Sending again sends nothing: each support is stamped.
    from flywheel.ideas.emails import send_shipped_emails

    assert send_shipped_emails(idea_id=idea.pk) == 0


def test_the_creator_reward_is_recorded_for_accepted_ideas_only(idea, staff):
    with pytest.raises(Conflict):
        services.record_creator_reward(
            idea=idea, by=staff, kind="revenue_share", revenue_share_percent="1"
        )
    services.change_idea_status(idea=idea, by=staff, status=IdeaStatus.IN_REVIEW, at=T0)
    services.change_idea_status(
        idea=idea, by=staff, status=IdeaStatus.ACCEPTED, at=datetime(2026, 5, 1, tzinfo=UTC)
    )
    with pytest.raises(InvalidInput) as error:
        services.record_creator_reward(
            idea=idea, by=staff, kind="revenue_share", revenue_share_percent="140"
        )
    assert error.value.field == "revenue_share_percent"
    reward = services.record_creator_reward(
        idea=idea,
        by=staff,
        kind="revenue_share",
        revenue_share_percent="1",
        description="1% of net sales",
    )
    assert reward.revenue_share_percent == Decimal("1.00")


def test_the_status_history_names_who_moved_the_idea(idea, staff):
    support_all(idea, supporters(2), at=T0)
    services.change_idea_status(idea=idea, by=staff, status=IdeaStatus.IN_REVIEW, at=T0)
    changes = list(IdeaStatusChange.objects.filter(idea=idea).order_by("pk"))
    assert [change.by for change in changes] == [None, staff]  # the clock, then staff


# ---------------------------------------------------------------- similar ideas


def test_similar_ideas_are_those_sharing_the_most_words(creator):
    services.submit_idea(author=creator, title="Ultralight tent footprint", description="x")
    services.submit_idea(author=creator, title="Tent stakes made of titanium", description="x")
    services.submit_idea(author=creator, title="Camp kitchen", description="x")
    titles = [idea.title for idea in queries.similar_ideas("ultralight TENT")]
    assert titles == ["Ultralight tent footprint", "Tent stakes made of titanium"]
    assert queries.similar_ideas("a an") == []


# ---------------------------------------------------------------- moderation


def test_flags_past_the_threshold_hide_an_idea_from_everyone_but_its_author(idea, settings):
    from flywheel.ideas import permissions
    from flywheel.moderation.models import ReviewItem

    settings.FLYWHEEL_FLAG_HIDE_THRESHOLD = 0.1
    for flagger in supporters(2):
        services.flag_idea(idea=idea, flagger=flagger, reason="spam")
    idea.refresh_from_db()
    assert idea.hidden_at is not None
    assert ReviewItem.objects.filter(target_id=idea.pk, flag_count=2).exists()
    assert not permissions.filter_ideas_queryset(UserFactory(), Idea.objects.all()).exists()
    assert permissions.filter_ideas_queryset(idea.author, Idea.objects.all()).exists()


def test_a_comment_can_be_flagged_into_the_moderation_queue(idea):
    from flywheel.moderation.models import Flag

    comment = services.comment_on_idea(idea=idea, author=UserFactory(), body="Buy my stuff")
    services.flag_comment(comment=comment, flagger=UserFactory(), reason="spam")
    assert Flag.objects.filter(target_id=comment.pk, review_item__isnull=False).count() == 1


# ---------------------------------------------------------------- feature requests


@pytest.fixture
def board(staff):
    return services.create_board(name="App", by=staff, description="The mobile app")


def test_a_request_comes_with_its_authors_vote(board, creator):
    request = services.request_feature(board=board, author=creator, title="Dark mode")
    assert request.vote_count == 1
    with pytest.raises(Conflict):
        services.vote_for_request(request=request, member=creator)


def test_merging_duplicates_carries_each_vote_over_exactly_once(board, staff):
    alice, bob, carol, dan = supporters(4)
    original = services.request_feature(board=board, author=alice, title="Offline maps")
    duplicate = services.request_feature(board=board, author=bob, title="Maps without signal")
    services.vote_for_request(request=original, member=carol)  # carol on both
    services.vote_for_request(request=duplicate, member=carol)
    services.vote_for_request(request=duplicate, member=dan)
    # original: alice, carol; duplicate: bob, carol, dan → merged: alice, bob, carol, dan
    into = services.merge_requests(source=duplicate, into=original, by=staff)
    assert into.vote_count == 4
    assert set(
        FeatureVote.objects.filter(request=original).values_list("member_id", flat=True)
    ) == {alice.pk, bob.pk, carol.pk, dan.pk}
    assert not FeatureVote.objects.filter(request=duplicate).exists()
    duplicate.refresh_from_db()
    assert duplicate.status == RequestStatus.MERGED and duplicate.merged_into == original
    with pytest.raises(Conflict):
        services.merge_requests(source=duplicate, into=original, by=staff)
    original.refresh_from_db()
    assert original.vote_count == 4
    with pytest.raises(PermissionDenied):
        services.vote_for_request(request=duplicate, member=UserFactory())


def test_a_request_cannot_be_merged_into_itself_or_by_a_member(board, staff, creator):
    request = services.request_feature(board=board, author=creator, title="Widgets")
    other = services.request_feature(board=board, author=creator, title="More widgets")
    with pytest.raises(InvalidInput):
        services.merge_requests(source=request, into=request, by=staff)
    with pytest.raises(PermissionDenied):
        services.merge_requests(source=request, into=other, by=creator)


def test_voters_hear_when_their_request_is_done(
    board, staff, creator, mailoutbox, django_capture_on_commit_callbacks
):
    voter = UserFactory()
    request = services.request_feature(board=board, author=creator, title="Trip export")
    services.vote_for_request(request=request, member=voter)
    with django_capture_on_commit_callbacks(execute=True):
        services.change_request_status(request=request, by=staff, status=RequestStatus.DONE)
    notification = Notification.objects.get(recipient=voter)
    assert notification.kind == NotificationKind.IDEA_SHIPPED
    assert {message.to[0] for message in mailoutbox} == {voter.email, creator.email}


def test_the_roadmap_shows_a_released_idea_only_after_supporters_heard_first(idea, staff, settings):
    settings.FLYWHEEL_IDEAS_SUPPORTERS_FIRST_HOURS = 24
    _release(idea, staff)
    released_at = Idea.objects.get(pk=idea.pk).released_at
    assert queries.roadmap(None, now=released_at + timedelta(hours=1)).shipped == []
    shipped = queries.roadmap(None, now=released_at + timedelta(hours=25)).shipped
    assert [item.pk for _kind, item in shipped] == [idea.pk]
