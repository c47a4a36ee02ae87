"""The member's trust page, the profile section, and GET /api/v1/trust/me."""

import pytest
from django.urls import reverse

from flywheel.trust.models import MemberTrust, MemberVisit
from tests.api.conftest import ApiClient, assert_error, token_for

pytestmark = pytest.mark.django_db


def test_the_trust_page_shows_the_level_and_what_the_next_one_takes(client, member):
    client.force_login(member)
    response = client.get(reverse("trust:mine"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-trust-level="0"' in html
    assert "To reach level 1" in html
    assert 'data-requirement="days_visited"' in html
    assert "At most 2 links in a post" in html


def test_met_requirements_are_marked_done(client, member):
    from django.utils import timezone

    MemberVisit.objects.create(member=member, date=timezone.now().date())
    client.force_login(member)
    html = client.get(reverse("trust:mine")).content.decode()
    assert 'data-requirement="days_visited" data-met="true"' in html
    assert 'data-requirement="topics_entered" data-met="false"' in html


def test_a_regular_sees_what_it_takes_to_stay_one(client, member):
    MemberTrust.objects.create(member=member, level=3)
    client.force_login(member)
    assert "To stay a regular" in client.get(reverse("trust:mine")).content.decode()


def test_the_trust_page_asks_signed_out_visitors_to_sign_in(client):
    response = client.get(reverse("trust:mine"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_htmx_gets_the_progress_card_alone(client, member):
    client.force_login(member)
    response = client.get(reverse("trust:mine"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "fw-trust-progress" in html
    assert "<html" not in html


def test_a_profile_shows_the_level_to_everyone_and_progress_only_to_the_member(
    client, member, other_member
):
    MemberTrust.objects.create(member=member, level=2)
    url = reverse("accounts:profile", kwargs={"handle": member.handle})
    html = client.get(url).content.decode()
    assert 'data-trust-level="2"' in html
    assert 'id="trust-progress"' not in html

    client.force_login(other_member)
    assert 'id="trust-progress"' not in client.get(url).content.decode()

    client.force_login(member)
    assert 'id="trust-progress"' in client.get(url).content.decode()


def test_the_api_tells_me_my_level_and_progress(member):
    api = ApiClient(token=token_for(member))
    body = api.get("/trust/me").json()
    assert body["level"] == 0
    assert body["label"] == "New"
    assert body["target_level"] == 1
    assert body["locked"] is False
    days = next(item for item in body["requirements"] if item["key"] == "days_visited")
    assert days == {
        "key": "days_visited",
        "label": "Days visited",
        "current": 0,
        "required": 1,
        "at_most": False,
        "met": False,
    }
    assert body["all_met"] is False


def test_the_api_says_when_a_level_is_locked(member):
    MemberTrust.objects.create(member=member, level=1, locked_level=1)
    body = ApiClient(token=token_for(member)).get("/trust/me").json()
    assert body["locked"] is True
    assert body["requirements"] == []


def test_the_trust_api_needs_a_signed_in_caller(db):
    assert_error(ApiClient().get("/trust/me"), 401)


def test_the_brand_team_shows_as_leaders_with_nothing_to_earn(client, moderator):
    url = reverse("accounts:profile", kwargs={"handle": moderator.handle})
    assert 'data-trust-level="4"' in client.get(url).content.decode()
    client.force_login(moderator)
    html = client.get(reverse("trust:mine")).content.decode()
    assert "You are a community leader" in html
    assert "data-requirement" not in html
