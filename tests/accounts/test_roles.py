import pytest

from flywheel.accounts.models import Role
from flywheel.accounts.services import change_member_role
from flywheel.core.exceptions import InvalidInput
from tests.factories import AdminFactory, UserFactory


@pytest.fixture
def owner(db):
    return UserFactory(role=Role.OWNER, is_staff=True)


@pytest.fixture
def admin_member(db):
    return AdminFactory()


@pytest.mark.django_db
def test_admin_makes_a_member_moderator_without_staff_access(admin_member, member):
    updated = change_member_role(member=member, role=Role.MODERATOR, by=admin_member)

    member.refresh_from_db()
    assert updated.role == member.role == Role.MODERATOR
    assert member.is_staff is False


@pytest.mark.django_db
def test_owner_makes_an_admin_who_becomes_staff(owner, member):
    change_member_role(member=member, role=Role.ADMIN, by=owner)

    member.refresh_from_db()
    assert member.role == Role.ADMIN
    assert member.is_staff is True


@pytest.mark.django_db
def test_owner_demoting_an_admin_removes_staff_access(owner, admin_member):
    change_member_role(member=admin_member, role=Role.MEMBER, by=owner)

    admin_member.refresh_from_db()
    assert admin_member.is_staff is False


@pytest.mark.django_db
def test_admin_cannot_make_admins(admin_member, member):
    with pytest.raises(InvalidInput) as error:
        change_member_role(member=member, role=Role.ADMIN, by=admin_member)

    assert error.value.field == "role"
    member.refresh_from_db()
    assert (member.role, member.is_staff) == (Role.MEMBER, False)


@pytest.mark.django_db
def test_admin_cannot_demote_another_admin(admin_member):
    other_admin = AdminFactory()

    with pytest.raises(InvalidInput):
        change_member_role(member=other_admin, role=Role.MEMBER, by=admin_member)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.MODERATOR, Role.AMBASSADOR, Role.MEMBER])
def test_non_admins_cannot_change_roles(role, member, other_member):
    actor = UserFactory(role=role)

    with pytest.raises(InvalidInput):
        change_member_role(member=other_member, role=Role.AMBASSADOR, by=actor)


@pytest.mark.django_db
def test_nobody_changes_their_own_role(owner):
    with pytest.raises(InvalidInput):
        change_member_role(member=owner, role=Role.MEMBER, by=owner)


@pytest.mark.django_db
def test_unknown_role_is_refused(owner, member):
    with pytest.raises(InvalidInput):
        change_member_role(member=member, role="emperor", by=owner)
