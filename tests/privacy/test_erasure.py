"""A member deletes their account: identity erased, content kept anonymised or deleted."""

from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.urls import reverse

from flywheel.accounts.models import PersonalAccessToken, User
from flywheel.accounts.services import create_access_token, update_profile
from flywheel.community import services as community
from flywheel.community.models import Post, Space, SpaceMembership, Topic
from flywheel.core.models import Activity, Verb
from flywheel.privacy import registry
from flywheel.privacy.models import ErasureRequest, ErasureStatus
from flywheel.privacy.services import erase_member
from tests.api.conftest import ApiClient
from tests.factories import make_reply, make_topic
from tests.privacy.conftest import avatar_upload

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def _delete_account(client, member, django_capture_on_commit_callbacks, **data):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("privacy:delete_account"),
            {"password": PASSWORD, "content": "anonymise", **data},
        )


def _with_profile(member):
    update_profile(
        member=member,
        display_name="Anna Erased",
        handle=member.handle,
        bio="Bio to forget",
        language="en",
        timezone_name="Europe/Rome",
        digest_enabled=True,
        mention_emails_enabled=True,
        avatar=avatar_upload(),
    )
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    member.refresh_from_db()
    return member


def test_a_wrong_password_deletes_nothing_and_names_the_field(
    client, member, django_capture_on_commit_callbacks
):
    response = _delete_account(
        client, member, django_capture_on_commit_callbacks, password="not-my-password"
    )

    assert response.status_code == 422
    assert "The password is not correct." in response.content.decode()
    member.refresh_from_db()
    assert member.is_active
    assert not ErasureRequest.objects.exists()


def test_deleting_my_account_erases_my_identity_and_signs_me_out_everywhere(
    client, member, space, django_capture_on_commit_callbacks
):
    member = _with_profile(member)
    avatar_file = Path(settings.MEDIA_ROOT) / member.avatar.name
    _token, raw_token = create_access_token(user=member, name="Anna's shop sync")
    make_topic(space=space, author=member)

    response = _delete_account(client, member, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    member.refresh_from_db()
    assert member.email == f"deleted-{member.pk}@erased.invalid"
    assert member.handle == f"deleted-{member.pk}"
    assert (member.display_name, member.bio, member.avatar.name) == ("", "", "")
    assert not member.is_active
    assert not member.has_usable_password()
    assert not avatar_file.exists()
    assert not EmailAddress.objects.filter(user=member).exists()
    assert not PersonalAccessToken.objects.filter(user=member, revoked_at__isnull=True).exists()
    assert ApiClient(token=raw_token).get("/me").status_code == 401
    assert not SpaceMembership.objects.filter(member=member).exists()
    assert ErasureRequest.objects.get(member=member).status == ErasureStatus.DONE
    # Another browser's session of the member ends too (the session hash changed).
    assert client.get(reverse("accounts:settings")).status_code == 302


def test_an_open_session_elsewhere_ends_when_the_account_is_erased(client, member):
    client.force_login(member)
    erase_member(member, content="anonymise", reason="test")

    response = client.get(reverse("accounts:settings"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_anonymised_posts_stay_and_show_a_former_member(
    client, member, other_member, space, django_capture_on_commit_callbacks
):
    topic = make_topic(space=space, author=member, title="Kept topic", body="Kept words")
    make_reply(topic=topic, author=other_member, body="Their answer")

    _delete_account(client, member, django_capture_on_commit_callbacks, content="anonymise")

    topic.refresh_from_db()
    opening = topic.posts.get(number=1)
    assert topic.author_id is None and opening.author_id is None
    assert opening.body == "Kept words" and opening.deleted_at is None
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "Kept words" in page
    assert "Former member" in page
    assert "Anna" not in page


def test_deleted_content_goes_but_topics_keep_other_members_replies(
    client, member, other_member, space, django_capture_on_commit_callbacks
):
    lonely = make_topic(space=space, author=member, title="Nobody answered", body="Lonely")
    discussed = make_topic(space=space, author=member, title="Others replied", body="Question")
    make_reply(topic=discussed, author=other_member, body="Other member's answer")
    theirs = make_topic(space=space, author=other_member, title="Their topic", body="Theirs")
    my_reply = make_reply(topic=theirs, author=member, body="My reply to delete")
    topic_count_before = Space.objects.get(pk=space.pk).topic_count

    _delete_account(client, member, django_capture_on_commit_callbacks, content="delete")

    lonely.refresh_from_db()
    discussed.refresh_from_db()
    theirs.refresh_from_db()
    my_reply.refresh_from_db()
    assert lonely.deleted_at is not None
    assert discussed.deleted_at is None  # kept for the others' replies
    assert discussed.posts.get(number=1).deleted_at is not None
    assert discussed.posts.get(number=1).body == ""
    assert my_reply.deleted_at is not None and my_reply.body == ""
    assert theirs.reply_count == 0
    assert Space.objects.get(pk=space.pk).topic_count == topic_count_before - 1
    page = client.get(discussed.get_absolute_url()).content.decode()
    assert "Other member&#x27;s answer" in page or "Other member's answer" in page
    assert "My reply to delete" not in client.get(theirs.get_absolute_url()).content.decode()


def test_activity_counts_stay_but_lose_who_did_them(
    client, member, space, django_capture_on_commit_callbacks
):
    make_topic(space=space, author=member)
    created = Activity.objects.filter(verb=Verb.TOPIC_CREATED).count()

    _delete_account(client, member, django_capture_on_commit_callbacks)

    assert Activity.objects.filter(verb=Verb.TOPIC_CREATED).count() == created
    assert not Activity.objects.filter(actor=member).exists()
    assert Activity.objects.filter(verb=Verb.TOPIC_CREATED, space=space, actor=None).exists()


@pytest.mark.parametrize(
    ("policy", "chosen", "applied"),
    [("always_anonymise", "delete", "anonymise"), ("always_delete", "anonymise", "delete")],
)
def test_the_site_policy_overrides_the_members_choice(
    settings, client, member, space, django_capture_on_commit_callbacks, policy, chosen, applied
):
    settings.FLYWHEEL_ERASURE_CONTENT_CHOICE = policy
    make_topic(space=space, author=member)

    _delete_account(client, member, django_capture_on_commit_callbacks, content=chosen)

    assert ErasureRequest.objects.get(member=member).content == applied


def test_erase_member_for_store_webhooks_is_idempotent_and_runs_registered_erasers(member, space):
    calls = []
    registry.register_eraser("orders", lambda who, *, content: calls.append((who.pk, content)))
    try:
        make_topic(space=space, author=member)
        erase_member(member, content="delete", reason="shopify customers/redact")
        erase_member(User.objects.get(pk=member.pk), content="delete", reason="again")
    finally:
        registry.unregister("orders")

    member.refresh_from_db()
    assert member.handle == f"deleted-{member.pk}"
    assert calls == [(member.pk, "delete"), (member.pk, "delete")]
    assert ErasureRequest.objects.filter(member=member, status=ErasureStatus.DONE).count() == 2
    assert not Topic.objects.listed().filter(space=space).exists()


def test_the_api_deletes_my_account_with_my_password(
    member, space, django_capture_on_commit_callbacks
):
    _token, raw = create_access_token(user=member, name="api")
    api = ApiClient(token=raw)
    make_topic(space=space, author=member, body="Bye")

    wrong = api.post("/privacy/erasure", {"password": "nope", "content": "delete"})
    assert wrong.status_code == 422
    assert wrong.json()["error"]["fields"] == {"password": ["The password is not correct."]}
    with django_capture_on_commit_callbacks(execute=True):
        accepted = api.post("/privacy/erasure", {"password": PASSWORD, "content": "delete"})

    assert accepted.status_code == 202
    assert accepted.json() == {"status": "accepted", "content": "delete"}
    assert not Post.objects.filter(body="Bye").exists()
    assert api.get("/me").status_code == 401


def test_an_erased_members_profile_is_gone(client, member):
    handle = member.handle
    erase_member(member, content="anonymise", reason="test")

    assert client.get(reverse("accounts:profile", args=[handle])).status_code == 404
    assert client.get(reverse("accounts:profile", args=[f"deleted-{member.pk}"])).status_code == 404


def test_reactions_and_follows_of_an_erased_member_no_longer_name_them(member, other_member, space):
    topic = make_topic(space=space, author=other_member)
    community.follow(follower=other_member, member=member)
    community.toggle_reaction(member=member, post=topic.posts.get(number=1), kind="like")

    erase_member(member, content="anonymise", reason="test")

    assert not other_member.follows.filter(member=member).exists()
    assert topic.posts.get(number=1).reaction_count == 1  # the count stays
