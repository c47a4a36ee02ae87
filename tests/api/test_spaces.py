"""Spaces over the API: listing, reading, joining, leaving, members, following."""

import pytest

from flywheel.community.models import Follow, SpaceAccessGrant, SpaceMembership, Visibility
from tests.api.conftest import assert_error
from tests.factories import SpaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def members_space(db):
    return SpaceFactory(visibility=Visibility.MEMBERS, slug="insiders")


@pytest.fixture
def gated_space(db):
    return SpaceFactory(
        visibility=Visibility.GATED, slug="owners", gate_description="Buy a tent to enter."
    )


def slugs(response):
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["items"]]


def test_anonymous_visitors_list_only_public_spaces(
    anonymous_api, space, members_space, gated_space
):
    assert slugs(anonymous_api.get("/spaces")) == [space.slug]


def test_members_list_members_only_spaces_but_not_locked_gated_ones(
    member_api, space, members_space, gated_space
):
    assert set(slugs(member_api.get("/spaces"))) == {space.slug, members_space.slug}


def test_a_granted_member_lists_and_reads_the_gated_space(member_api, member, gated_space):
    SpaceAccessGrant.objects.create(space=gated_space, member=member)
    assert gated_space.slug in slugs(member_api.get("/spaces"))
    assert member_api.get(f"/spaces/{gated_space.slug}").status_code == 200


def test_reading_a_members_only_space_anonymously_is_not_found(anonymous_api, members_space):
    assert_error(anonymous_api.get(f"/spaces/{members_space.slug}"), 404, "not_found")
    assert_error(anonymous_api.get(f"/spaces/{members_space.slug}/members"), 404)


def test_a_locked_gated_space_is_not_found_for_a_member(member_api, gated_space):
    assert_error(member_api.get(f"/spaces/{gated_space.slug}"), 404, "not_found")


def test_a_space_detail_says_whether_the_caller_joined(member_api, member, space):
    body = member_api.get(f"/spaces/{space.slug}").json()
    assert body["is_member"] is False
    assert body["url"] == f"/s/{space.slug}/"


def test_joining_a_space_makes_the_caller_a_member_and_follower(member_api, member, space):
    response = member_api.post(f"/spaces/{space.slug}/join")
    assert response.status_code == 200
    assert response.json()["is_member"] is True
    assert response.json()["is_following"] is True
    assert response.json()["member_count"] == 1
    assert SpaceMembership.objects.filter(space=space, member=member).exists()


def test_joining_a_locked_gated_space_is_a_conflict_saying_what_unlocks_it(
    member_api, member, gated_space
):
    error = assert_error(member_api.post(f"/spaces/{gated_space.slug}/join"), 409, "conflict")
    assert error["message"] == "Buy a tent to enter."
    assert not SpaceMembership.objects.filter(member=member).exists()


def test_joining_needs_credentials(anonymous_api, space):
    assert_error(anonymous_api.post(f"/spaces/{space.slug}/join"), 401)


def test_joining_an_unknown_space_is_not_found(member_api):
    assert_error(member_api.post("/spaces/nowhere/join"), 404, "not_found")


def test_leaving_a_space_ends_membership(member_api, member, space):
    member_api.post(f"/spaces/{space.slug}/join")
    assert member_api.post(f"/spaces/{space.slug}/leave").status_code == 204
    assert not SpaceMembership.objects.filter(space=space, member=member).exists()
    space.refresh_from_db()
    assert space.member_count == 0


def test_space_members_are_listed_with_their_roles(anonymous_api, member_api, member, space):
    member_api.post(f"/spaces/{space.slug}/join")
    items = anonymous_api.get(f"/spaces/{space.slug}/members").json()["items"]
    assert [(item["member"]["handle"], item["role"]) for item in items] == [
        (member.handle, "member")
    ]


def test_following_and_unfollowing_a_space(member_api, member, space):
    assert member_api.post(f"/spaces/{space.slug}/follow").json() == {"following": True}
    assert Follow.objects.filter(follower=member, space=space).exists()
    assert member_api.delete(f"/spaces/{space.slug}/follow").json() == {"following": False}
    assert not Follow.objects.filter(follower=member, space=space).exists()


def test_following_a_locked_gated_space_is_not_found(member_api, member, gated_space):
    assert_error(member_api.post(f"/spaces/{gated_space.slug}/follow"), 404)
    assert not Follow.objects.filter(follower=member).exists()
