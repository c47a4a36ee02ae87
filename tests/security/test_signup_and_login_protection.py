"""Sign-up spam protection (honeypot, e-mail checks) and sign-in lockout."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from flywheel.accounts.models import User
from flywheel.privacy.models import BlockedEmailDomain
from flywheel.privacy.signup_checks import check_signup_email, shipped_disposable_domains

pytestmark = pytest.mark.django_db
PASSWORD = "a-Long-passphrase-42"


def _sign_up(client, email, **extra):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": PASSWORD, "password2": PASSWORD, **extra},
    )


def test_a_person_signs_up_with_the_honeypot_left_empty(client):
    response = _sign_up(client, "real.person@example.com", website="")

    assert response.status_code == 302
    assert User.objects.filter(email="real.person@example.com").exists()


def test_a_bot_filling_the_honeypot_gets_no_account(client):
    response = _sign_up(client, "bot@example.com", website="http://spam.example")

    assert response.status_code == 200
    assert "We could not create your account" in response.content.decode()
    assert not User.objects.filter(email="bot@example.com").exists()
    assert mail.outbox == []


def test_the_honeypot_is_hidden_from_people_and_assistive_technology(client):
    html = client.get(reverse("account_signup")).content.decode()

    assert 'name="website"' in html
    assert 'class="visually-hidden" aria-hidden="true"' in html
    assert 'tabindex="-1"' in html


@pytest.mark.parametrize(
    "email",
    ["someone@mailinator.com", "someone@eu.mailinator.com", "SOMEONE@YOPMAIL.COM"],
)
def test_disposable_addresses_are_refused(client, email):
    response = _sign_up(client, email)

    assert response.status_code == 200
    assert "disposable or blocked" in response.content.decode()
    assert not User.objects.exists()


def test_staff_can_block_a_domain_in_the_admin_model(client):
    BlockedEmailDomain.objects.create(domain="@Spammy-Shop.example.COM", reason="spam wave")

    response = _sign_up(client, "x@spammy-shop.example.com")

    assert "disposable or blocked" in response.content.decode()
    assert BlockedEmailDomain.objects.get().domain == "spammy-shop.example.com"


def test_settings_can_block_domains_too(settings):
    settings.FLYWHEEL_BLOCKED_EMAIL_DOMAINS = ["competitor.example.org"]
    with pytest.raises(Exception, match="disposable or blocked"):
        check_signup_email("spy@competitor.example.org")


@pytest.mark.parametrize(
    "email",
    [
        "anna@localhost",
        "anna@example",
        "anna@shop.invalid",
        "anna@shop.test",
        "anna@[127.0.0.1]",
        "anna@shop.123",
        "anna@-shop.com",
    ],
)
def test_addresses_that_cannot_receive_mail_are_refused_without_network(email):
    with pytest.raises(Exception):  # noqa: B017 (ValidationError; the message varies)
        check_signup_email(email)


def test_ordinary_and_international_addresses_pass():
    assert check_signup_email("anna@example.com") == "anna@example.com"
    assert check_signup_email("anna@bücher.de") == "anna@bücher.de"


def test_the_shipped_disposable_list_has_the_well_known_providers():
    assert {"mailinator.com", "guerrillamail.com", "yopmail.com"} <= shipped_disposable_domains()


def test_adding_a_disposable_address_later_is_refused_too(client, member):
    client.force_login(member)

    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "alt@mailinator.com"}
    )

    assert "disposable or blocked" in response.content.decode()
    assert not EmailAddress.objects.filter(email="alt@mailinator.com").exists()


def test_a_member_on_a_later_blocked_domain_can_still_reset_the_password(client):
    member = User.objects.create_user("old@yopmail.com", "x-Long-passphrase-1")
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)

    response = client.post(reverse("account_reset_password"), {"email": member.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1


def _verified(member):
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    return member


def test_five_failed_sign_ins_lock_the_account_with_a_clear_message(client, member):
    _verified(member)
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": member.email, "password": "wrong"})

    response = client.post(
        reverse("account_login"), {"login": member.email, "password": "correct-horse-battery"}
    )

    html = response.content.decode()
    assert "Too many failed login attempts" in html
    assert "reset your password" in html
    assert "_auth_user_id" not in client.session


def test_a_lockout_on_one_account_does_not_lock_another(client, member, other_member):
    _verified(member)
    _verified(other_member)
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": member.email, "password": "wrong"})

    response = client.post(
        reverse("account_login"),
        {"login": other_member.email, "password": "correct-horse-battery"},
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other_member.pk)


def test_four_failures_still_let_the_right_password_in(client, member):
    _verified(member)
    for _attempt in range(4):
        client.post(reverse("account_login"), {"login": member.email, "password": "wrong"})

    response = client.post(
        reverse("account_login"), {"login": member.email, "password": "correct-horse-battery"}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)
