import pytest
from django.test import Client

from flywheel.community import services as community_services
from flywheel.moderation import services
from tests.factories import AdminFactory, ModeratorFactory, SpaceFactory, UserFactory


@pytest.fixture
def staff(db):
    """A brand-team moderator: moderates every space."""
    return ModeratorFactory()


@pytest.fixture
def admin_member(db):
    return AdminFactory()


@pytest.fixture
def space_moderator(db, space, admin_member):
    """A member appointed moderator of `space` only."""
    member = UserFactory()
    community_services.set_space_moderator(
        space=space, member=member, is_moderator=True, by=admin_member
    )
    return member


@pytest.fixture
def other_space(db):
    return SpaceFactory()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def flaggers(count: int) -> list:
    return [UserFactory() for _ in range(count)]


def weight_of_new_member() -> float:
    return services.flag_weight_of(UserFactory())
