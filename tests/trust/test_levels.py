"""Automatic promotion 0→1→2→3, demotion of regulars with a 90% grace band, staff locks."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from flywheel.accounts.models import User
from flywheel.community import services as community
from flywheel.core.exceptions import InvalidInput
from flywheel.core.services import record_activity
from flywheel.notifications.models import Notification, NotificationKind
from flywheel.trust import queries, services
from flywheel.trust.models import (
    ChangeReason,
    MemberTrust,
    MemberVisit,
    TopicRead,
    TrustLevelChange,
)
from tests.factories import AdminFactory, UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db


def visit(member, days_ago: int) -> None:
    MemberVisit.objects.get_or_create(
        member=member, date=timezone.now().date() - timedelta(days=days_ago)
    )


def read(member, topic, up_to: int) -> None:
    now = timezone.now()
    TopicRead.objects.create(
        member=member, topic=topic, last_post_number=up_to, first_read_at=now, last_read_at=now
    )


def fresh(member) -> User:
    return User.objects.get(pk=member.pk)


def level_of(member) -> int:
    return queries.trust_level_for(fresh(member))


@pytest.fixture
def small_ladder(ladder):
    ladder(1, days_visited=1, topics_entered=1, posts_read=2)
    ladder(2, days_visited=2, replies=1, likes_given=1, likes_received=1, max_sanctions=0)
    ladder(
        3,
        window_days=100,
        days_visited=3,
        topics_entered=2,
        replies=2,
        verified_purchases=1,
        max_refunds=0,
    )


def test_a_new_member_starts_at_level_0_and_stays_there_without_activity(member, small_ladder):
    assert services.evaluate_member(member) == 0
    assert level_of(member) == 0
    assert not TrustLevelChange.objects.exists()


def test_members_climb_from_0_to_1_to_2_to_3_as_they_meet_each_levels_requirements(
    member, other_member, small_ladder
):
    topic = make_topic(author=other_member)
    visit(member, 0)
    read(member, topic, 2)
    assert services.evaluate_member(fresh(member)) == 1

    visit(member, 1)
    make_reply(topic=topic, author=member)
    community.toggle_reaction(member=member, post=topic.posts.get(number=1), kind="like")
    community.toggle_reaction(
        member=other_member, post=topic.posts.get(author=member), kind="heart"
    )
    assert services.evaluate_member(fresh(member)) == 2

    visit(member, 2)
    read(member, make_topic(author=other_member, title="Second topic"), 1)
    make_reply(topic=topic, author=member, body="Another thought")
    record_activity(actor=member, verb="order_placed", dedupe_key="order:1")
    assert services.evaluate_member(fresh(member)) == 3

    changes = list(
        TrustLevelChange.objects.filter(member=member)
        .order_by("created_at", "id")
        .values_list("from_level", "to_level", "reason")
    )
    assert changes == [
        (0, 1, ChangeReason.PROMOTED),
        (1, 2, ChangeReason.PROMOTED),
        (2, 3, ChangeReason.PROMOTED),
    ]
    assert (
        Notification.objects.filter(recipient=member, kind=NotificationKind.TRUST_LEVEL_UP).count()
        == 3
    )


def test_a_member_who_meets_several_levels_at_once_climbs_them_in_one_pass(
    member, other_member, ladder
):
    ladder(1, days_visited=1)
    ladder(2, days_visited=1)
    ladder(3, days_visited=5)
    visit(member, 0)
    assert services.evaluate_member(fresh(member)) == 2


def test_a_level_is_not_skipped_when_the_one_below_is_not_met(member, ladder):
    ladder(1, topics_entered=1)
    ladder(2, days_visited=1)
    visit(member, 0)
    assert services.evaluate_member(fresh(member)) == 0


def _regular(member, ladder, *, days_visited: int) -> None:
    ladder(3, window_days=100, days_visited=10, max_refunds=0)
    MemberTrust.objects.create(member=member, level=3)
    for day in range(days_visited):
        visit(member, day)


def test_a_regular_keeps_level_3_while_figures_stay_at_90_percent(member, ladder):
    _regular(member, ladder, days_visited=9)
    assert services.evaluate_member(fresh(member)) == 3
    assert not TrustLevelChange.objects.exists()


def test_a_regular_is_demoted_to_2_when_a_figure_drops_below_90_percent(member, ladder):
    _regular(member, ladder, days_visited=8)
    assert services.evaluate_member(fresh(member)) == 2
    change = TrustLevelChange.objects.get(member=member)
    assert (change.from_level, change.to_level, change.reason) == (3, 2, ChangeReason.DEMOTED)
    assert Notification.objects.filter(
        recipient=member, kind=NotificationKind.TRUST_LEVEL_DOWN
    ).exists()


def test_visits_outside_the_window_do_not_keep_a_regular(member, ladder):
    _regular(member, ladder, days_visited=0)
    for day in range(120, 130):
        visit(member, day)
    assert services.evaluate_member(fresh(member)) == 2


def test_a_refund_over_the_maximum_demotes_a_regular_without_grace(member, ladder):
    _regular(member, ladder, days_visited=10)
    record_activity(actor=member, verb="order_refunded", dedupe_key="refund:1")
    assert services.evaluate_member(fresh(member)) == 2


def test_the_periodic_pass_leaves_a_locked_member_at_the_locked_level(member, ladder):
    ladder(1, days_visited=1)
    ladder(2, days_visited=1)
    admin = AdminFactory()
    services.set_locked_level(member=member, level=1, by=admin)
    visit(member, 0)

    counts = services.update_trust_levels(everyone=True)

    assert counts["promoted"] == 0
    trust = MemberTrust.objects.get(member=member)
    assert (trust.level, trust.locked_level) == (1, 1)
    assert level_of(member) == 1


def test_a_locked_regular_is_not_demoted(member, ladder):
    ladder(3, window_days=100, days_visited=50)
    admin = AdminFactory()
    services.set_locked_level(member=member, level=3, by=admin)
    services.update_trust_levels(everyone=True)
    assert level_of(member) == 3


def test_level_4_is_given_by_staff_only_and_kept_when_figures_lapse(member, ladder):
    ladder(1, days_visited=1)
    ladder(2, days_visited=1)
    ladder(3, days_visited=1)
    visit(member, 0)
    assert services.evaluate_member(fresh(member)) == 3  # the pass never reaches 4

    admin = AdminFactory()
    services.set_locked_level(member=member, level=4, by=admin)
    services.set_locked_level(member=member, level=None, by=admin)
    ladder(3, days_visited=500)
    assert services.evaluate_member(fresh(member)) == 4
    assert level_of(member) == 4


def test_only_community_admins_lock_levels(member, other_member, moderator):
    for outsider in (other_member, moderator):
        with pytest.raises(PermissionDenied):
            services.set_locked_level(member=member, level=4, by=outsider)
    assert not MemberTrust.objects.exists()


def test_locking_at_an_unknown_level_is_refused_naming_the_field(member):
    with pytest.raises(InvalidInput) as refused:
        services.set_locked_level(member=member, level=7, by=AdminFactory())
    assert refused.value.field == "level"
    assert not MemberTrust.objects.exists()


def test_the_periodic_pass_evaluates_recent_visitors_and_regulars_only(
    member, other_member, ladder
):
    ladder(1, days_visited=1)
    visit(member, 0)
    MemberVisit.objects.create(member=other_member, date=timezone.now().date() - timedelta(days=30))
    regular = UserFactory()
    MemberTrust.objects.create(member=regular, level=3)

    evaluated = set(queries.members_to_evaluate().values_list("pk", flat=True))

    assert evaluated == {member.pk, regular.pk}


def test_the_celery_task_promotes(member, ladder):
    from flywheel.trust.tasks import update_trust_levels

    ladder(1, days_visited=1)
    visit(member, 0)
    result = update_trust_levels.delay().get()
    assert result["promoted"] == 1
    assert level_of(member) == 1


def test_the_command_reports_progress(member, ladder, capsys):
    from django.core.management import call_command

    ladder(1, days_visited=1)
    visit(member, 0)
    call_command("trust", "update", "--everyone")
    output = capsys.readouterr().out
    assert "members evaluated" in output
    assert "1 promoted" in output
