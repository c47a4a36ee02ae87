"""Members over the API: public profiles, the caller's own profile, following members."""

import pytest

from flywheel.community.models import Follow, Visibility
from tests.api.conftest import assert_error
from tests.factories import SpaceFactory, UserFactory, make_topic

pytestmark = pytest.mark.django_db


def test_members_are_listed_without_private_fields(anonymous_api, member, other_member):
    items = anonymous_api.get("/members").json()["items"]
    assert [item["handle"] for item in items] == [member.handle, other_member.handle]
    assert "email" not in items[0]


def test_inactive_members_are_not_listed(anonymous_api, member):
    UserFactory(is_active=False)
    assert [item["handle"] for item in anonymous_api.get("/members").json()["items"]] == [
        member.handle
    ]


def test_a_profile_is_found_by_handle_whatever_its_case(anonymous_api, member):
    body = anonymous_api.get(f"/members/{member.handle.upper()}").json()
    assert body["handle"] == member.handle
    assert "email" not in body


def test_profile_counts_leave_out_what_the_caller_cannot_read(anonymous_api, member_api, member):
    make_topic(space=SpaceFactory(visibility=Visibility.MEMBERS), author=member, title="Secret")
    make_topic(space=SpaceFactory(), author=member, title="Public one")
    assert anonymous_api.get(f"/members/{member.handle}").json()["topic_count"] == 1
    assert member_api.get(f"/members/{member.handle}").json()["topic_count"] == 2


def test_an_unknown_handle_is_not_found(anonymous_api):
    assert_error(anonymous_api.get("/members/nobody-here"), 404, "not_found")


def test_me_shows_the_callers_private_profile(member_api, member):
    body = member_api.get("/me").json()
    assert (body["handle"], body["email"], body["timezone"]) == (member.handle, member.email, "UTC")


def test_updating_me_changes_only_the_fields_sent(member_api, member):
    response = member_api.patch("/me", {"bio": "I hike.", "timezone": "Europe/Rome"})
    assert response.status_code == 200, response.content
    member.refresh_from_db()
    assert (member.bio, member.timezone) == ("I hike.", "Europe/Rome")
    assert member.display_name == response.json()["display_name"] != ""


def test_updating_me_with_a_bad_time_zone_names_timezone_and_saves_nothing(member_api, member):
    response = member_api.patch("/me", {"bio": "Changed", "timezone": "Mars/Olympus"})
    assert_error(response, 422, field="timezone")
    member.refresh_from_db()
    assert member.bio == ""


def test_updating_me_with_an_unknown_language_names_language(member_api):
    assert_error(member_api.patch("/me", {"language": "xx"}), 422, field="language")


def test_a_too_long_display_name_names_display_name(member_api):
    assert_error(member_api.patch("/me", {"display_name": "x" * 81}), 422, field="display_name")


def test_updating_me_needs_credentials(anonymous_api):
    assert_error(anonymous_api.patch("/me", {"bio": "x"}), 401)


def test_following_and_unfollowing_a_member(member_api, member, other_member):
    response = member_api.post(f"/members/{other_member.handle}/follow")
    assert response.json() == {"following": True}
    assert Follow.objects.filter(follower=member, member=other_member).exists()
    assert member_api.get(f"/members/{other_member.handle}").json()["is_following"] is True
    assert member_api.delete(f"/members/{other_member.handle}/follow").json() == {
        "following": False
    }
    assert not Follow.objects.exists()


def test_following_yourself_is_a_422(member_api, member):
    assert_error(member_api.post(f"/members/{member.handle}/follow"), 422, field="member")
    assert not Follow.objects.exists()
