"""Staff configure the programme in the admin; the ledger there is look-and-adjust only."""

import pytest
from django.urls import reverse

from flywheel.rewards import services
from flywheel.rewards.models import EntryKind, LedgerEntry, MemberOfTheMonth, Nomination, Rule
from tests.factories import AdminFactory, UserFactory
from tests.rewards.conftest import make_perk, make_rule, make_tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return AdminFactory()


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


@pytest.mark.parametrize(
    "model",
    [
        "rule",
        "tier",
        "perk",
        "ledgerentry",
        "pointsaccount",
        "redemption",
        "tierpromotion",
        "nomination",
        "memberofthemonth",
    ],
)
def test_every_rewards_changelist_renders(admin_client, member, staff, model):
    make_rule()
    make_tier(min_points=10)
    services.adjust_points(member=member, points=5, reason="Seed", by=staff)
    services.redeem_perk(member=member, perk=make_perk(cost_points=5))
    response = admin_client.get(reverse(f"admin:rewards_{model}_changelist"))
    assert response.status_code == 200


def test_staff_add_an_adjustment_with_a_reason_through_the_service(admin_client, member, staff):
    response = admin_client.post(
        reverse("admin:rewards_ledgerentry_add"),
        {"member": member.pk, "points": "-7", "reason": "Duplicate giveaway entry"},
    )
    assert response.status_code == 302
    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.points, entry.created_by_id) == (EntryKind.ADJUST, -7, staff.pk)
    assert entry.reason == "Duplicate giveaway entry"


def test_a_ledger_entry_cannot_be_changed_or_deleted_in_the_admin(admin_client, member, staff):
    entry = services.adjust_points(member=member, points=5, reason="Seed", by=staff)
    change = admin_client.get(reverse("admin:rewards_ledgerentry_change", args=[entry.pk]))
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    admin_client.post(reverse("admin:rewards_ledgerentry_change", args=[entry.pk]), {"points": 99})
    delete = admin_client.post(
        reverse("admin:rewards_ledgerentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert LedgerEntry.objects.get(pk=entry.pk).points == 5


def test_a_rule_with_bad_conditions_is_refused_by_the_admin_form(admin_client):
    response = admin_client.post(
        reverse("admin:rewards_rule_add"),
        {
            "name": "Photo reviews",
            "verb": "review_published",
            "active": "on",
            "beneficiary": "actor",
            "points": "15",
            "amount_key": "total",
            "conditions": '{"has_photo": true}',
        },
    )
    assert response.status_code == 200
    assert "Unknown condition has_photo" in response.content.decode()
    assert not Rule.objects.exists()


def test_members_cannot_open_the_rewards_admin(client, member):
    client.force_login(member)
    response = client.get(reverse("admin:rewards_ledgerentry_changelist"))
    assert response.status_code == 302


def test_staff_feature_a_nominee_from_the_nominations(admin_client, member):
    nominee = UserFactory()
    nomination = services.nominate(
        nominator=member, nominee_handle=nominee.handle, reason="Repaired everyone's stoves."
    )
    response = admin_client.post(
        reverse("admin:rewards_nomination_changelist"),
        {"action": "feature_nominee", "_selected_action": [nomination.pk]},
    )
    assert response.status_code == 302
    featured = MemberOfTheMonth.objects.get()
    assert (featured.member, featured.citation) == (nominee, "Repaired everyone's stoves.")
    assert Nomination.objects.count() == 1
