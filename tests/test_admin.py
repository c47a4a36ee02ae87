import pytest
from django.urls import reverse

from flywheel.accounts.models import PersonalAccessToken, Role, User
from flywheel.accounts.services import create_access_token
from flywheel.community import services as community_services
from flywheel.community.models import SpaceMembership, SpaceRole
from tests.factories import AdminFactory, SpaceFactory, UserFactory, make_reply, make_topic

CHANGELISTS = [
    "accounts_user",
    "accounts_personalaccesstoken",
    "community_space",
    "community_topic",
    "community_post",
    "community_tag",
    "community_reaction",
    "community_follow",
    "core_activity",
    "notifications_notification",
]


@pytest.fixture
def admin_client(client, db):
    client.force_login(AdminFactory())
    return client


@pytest.fixture
def some_content(db, django_capture_on_commit_callbacks):
    """A bit of everything, so each changelist renders real rows."""
    author, reader = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        topic = make_topic(author=author, tags=["tents"])
        reply = make_reply(topic=topic, author=reader, body=f"Ask @{author.handle}")
        community_services.toggle_reaction(member=author, post=reply, kind="like")
        community_services.follow(follower=reader, member=author)
    create_access_token(user=author, name="Script")
    return topic


@pytest.mark.django_db
@pytest.mark.parametrize("model", CHANGELISTS)
def test_admin_changelists_load_for_owners_and_admins(admin_client, some_content, model):
    response = admin_client.get(reverse(f"admin:{model}_changelist"))

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("model", CHANGELISTS)
def test_admin_changelists_redirect_members_to_the_admin_sign_in(client, member, model):
    client.force_login(member)

    response = client.get(reverse(f"admin:{model}_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_moderators_are_not_admin_staff(client, moderator):
    client.force_login(moderator)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302


@pytest.mark.django_db
def test_staff_flag_without_an_admin_role_opens_nothing(client):
    client.force_login(UserFactory(is_staff=True, role=Role.MEMBER))

    assert client.get(reverse("admin:community_topic_changelist")).status_code == 403


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_the_admin_sign_in(client):
    response = client.get(reverse("admin:accounts_user_changelist"))

    assert response.status_code == 302


@pytest.mark.django_db
def test_member_search_finds_by_handle_and_email(admin_client):
    UserFactory(handle="trailblazer", email="tb@example.com")
    UserFactory(handle="someone_else")

    by_handle = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": "trailbl"})
    by_email = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": "tb@example"})

    assert [u.handle for u in by_handle.context["cl"].result_list] == ["trailblazer"]
    assert [u.handle for u in by_email.context["cl"].result_list] == ["trailblazer"]


@pytest.mark.django_db
def test_change_pages_load_for_admins(admin_client, some_content):
    member = some_content.author
    token = PersonalAccessToken.objects.get()
    pages = [
        reverse("admin:accounts_user_change", args=[member.pk]),
        reverse("admin:accounts_personalaccesstoken_change", args=[token.pk]),
        reverse("admin:community_space_change", args=[some_content.space_id]),
        reverse("admin:community_topic_change", args=[some_content.pk]),
        reverse("admin:community_post_change", args=[some_content.posts.first().pk]),
        reverse("admin:community_space_add"),
    ]
    for page in pages:
        assert admin_client.get(page).status_code == 200, page


@pytest.mark.django_db
def test_token_hash_is_read_only_in_the_admin(admin_client, member):
    token, _raw = create_access_token(user=member, name="Script")

    response = admin_client.get(
        reverse("admin:accounts_personalaccesstoken_change", args=[token.pk])
    )

    assert 'name="token_hash"' not in response.content.decode()
    assert token.token_hash in response.content.decode()


def _user_form(member, **changes):
    data = {
        "email": member.email,
        "handle": member.handle,
        "display_name": member.display_name,
        "bio": "",
        "role": member.role,
        "is_active": "on",
        "language": member.language,
        "timezone": member.timezone,
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_admin_cannot_make_admins_through_the_admin_form(admin_client, member):
    url = reverse("admin:accounts_user_change", args=[member.pk])

    response = admin_client.post(url, _user_form(member, role=Role.ADMIN))

    assert response.status_code == 200
    assert "Only an owner can appoint or remove admins." in response.content.decode()
    member.refresh_from_db()
    assert (member.role, member.is_staff) == (Role.MEMBER, False)


@pytest.mark.django_db
def test_owner_makes_an_admin_through_the_admin_form_and_staff_follows(client, member):
    client.force_login(UserFactory(role=Role.OWNER, is_staff=True))
    url = reverse("admin:accounts_user_change", args=[member.pk])

    response = client.post(url, _user_form(member, role=Role.ADMIN))

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.role, member.is_staff) == (Role.ADMIN, True)


@pytest.mark.django_db
def test_admin_form_refuses_a_handle_taken_in_another_case(admin_client, member):
    UserFactory(handle="Taken")

    response = admin_client.post(
        reverse("admin:accounts_user_change", args=[member.pk]), _user_form(member, handle="taken")
    )

    assert response.status_code == 200
    assert User.objects.get(pk=member.pk).handle == member.handle


@pytest.mark.django_db
def test_space_moderators_are_appointed_through_the_inline(admin_client, member):
    space = SpaceFactory()
    url = reverse("admin:community_space_change", args=[space.pk])
    data = {
        "name": space.name,
        "slug": space.slug,
        "description": space.description,
        "icon": space.icon,
        "color": space.color,
        "visibility": space.visibility,
        "gate_description": "",
        "position": 0,
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-member": str(member.pk),
        "memberships-0-space": str(space.pk),
    }

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    membership = SpaceMembership.objects.get(space=space, member=member)
    assert membership.role == SpaceRole.MODERATOR
    space.refresh_from_db()
    assert space.member_count == 1


@pytest.mark.django_db
def test_topic_changelist_query_count_is_the_same_for_5_and_50_topics(
    admin_client, django_assert_num_queries
):
    space = SpaceFactory()
    author = UserFactory()
    url = reverse("admin:community_topic_changelist")
    for number in range(5):
        make_topic(space=space, author=author, title=f"Topic {number}")
    admin_client.get(url)
    # Session, user, space filter, count, two permission lookups, the page of topics (spaces
    # and authors joined in), and two for the date drill-down.
    with django_assert_num_queries(9):
        admin_client.get(url)
    for number in range(5, 50):
        make_topic(space=space, author=author, title=f"Topic {number}")
    with django_assert_num_queries(9):
        response = admin_client.get(url)
    assert len(response.context["cl"].result_list) == 50
