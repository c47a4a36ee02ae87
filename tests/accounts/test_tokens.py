import pytest
from django.urls import reverse

from flywheel.accounts import services
from flywheel.accounts.models import PersonalAccessToken


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitor_is_sent_to_sign_in_from_tokens(client, method):
    response = getattr(client, method)(reverse("accounts:tokens"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not PersonalAccessToken.objects.exists()


@pytest.mark.django_db
def test_creating_a_token_shows_the_raw_value_once(client, member):
    client.force_login(member)

    response = client.post(reverse("accounts:tokens"), {"name": "Shop sync"})

    assert response.status_code == 200
    raw = response.context["raw_token"]
    assert raw.startswith("fw_")
    assert raw in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    token = PersonalAccessToken.objects.get(user=member)
    assert token.name == "Shop sync"
    assert token.token_hash == services.hash_token(raw)
    assert services.user_for_token(raw) == member

    listing = client.get(reverse("accounts:tokens")).content.decode()
    assert raw not in listing
    assert token.prefix in listing
    assert "Shop sync" in listing


@pytest.mark.django_db
def test_token_without_a_name_is_refused_naming_the_field(client, member):
    client.force_login(member)

    response = client.post(reverse("accounts:tokens"), {"name": ""})

    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert not PersonalAccessToken.objects.exists()


@pytest.mark.django_db
def test_member_revokes_their_token_and_it_stops_working(client, member):
    token, raw = services.create_access_token(user=member, name="Old script")
    client.force_login(member)

    response = client.post(reverse("accounts:revoke_token", kwargs={"token_id": token.pk}))

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert services.user_for_token(raw) is None
    assert list(client.get(reverse("accounts:tokens")).context["access_tokens"]) == []


@pytest.mark.django_db
def test_revoking_another_members_token_is_not_found(client, member, other_member):
    token, raw = services.create_access_token(user=other_member, name="Theirs")
    client.force_login(member)

    response = client.post(reverse("accounts:revoke_token", kwargs={"token_id": token.pk}))

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert services.user_for_token(raw) == other_member


@pytest.mark.django_db
def test_tokens_page_lists_only_your_own_tokens(client, member, other_member):
    services.create_access_token(user=other_member, name="Someone else's")
    client.force_login(member)

    response = client.get(reverse("accounts:tokens"))

    assert "Someone else&#x27;s" not in response.content.decode()
    assert list(response.context["access_tokens"]) == []


@pytest.mark.django_db
def test_active_tokens_are_capped(client, member):
    for number in range(services.MAX_ACTIVE_TOKENS):
        services.create_access_token(user=member, name=f"Token {number}")
    client.force_login(member)

    response = client.post(reverse("accounts:tokens"), {"name": "One too many"})

    assert response.status_code == 409
    assert "revoke one first" in response.context["form"].errors["name"][0]
    assert PersonalAccessToken.objects.filter(user=member).count() == services.MAX_ACTIVE_TOKENS


@pytest.mark.django_db
def test_tokens_page_query_count_is_the_same_for_5_and_50_tokens(
    client, member, django_assert_num_queries
):
    client.force_login(member)
    for number in range(5):
        services.create_access_token(user=member, name=f"Token {number}")
    client.get(reverse("accounts:tokens"))
    with django_assert_num_queries(3):  # session, member, tokens
        client.get(reverse("accounts:tokens"))

    PersonalAccessToken.objects.bulk_create(
        PersonalAccessToken(user=member, name=f"Bulk {n}", token_hash=f"hash{n}", prefix="fw_x")
        for n in range(45)
    )
    with django_assert_num_queries(3):
        response = client.get(reverse("accounts:tokens"))
    assert len(response.context["access_tokens"]) == 50
