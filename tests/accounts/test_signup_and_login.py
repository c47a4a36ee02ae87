import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from flywheel.accounts.models import User
from flywheel.core.models import Activity, Verb

PASSWORD = "a-Long-passphrase-42"


def _link_in(message, path_prefix: str) -> str:
    match = re.search(rf"http://testserver({re.escape(path_prefix)}\S+)", message.body)
    assert match, message.body
    return match.group(1)


def _sign_up(client, django_capture_on_commit_callbacks, email="Newbie.Anna@example.com"):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("account_signup"),
            {"email": email, "password1": PASSWORD, "password2": PASSWORD},
        )


@pytest.mark.django_db
def test_sign_up_sends_a_verification_email_whose_link_verifies_and_allows_sign_in(
    client, django_capture_on_commit_callbacks
):
    response = _sign_up(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["newbie.anna@example.com"]

    link = _link_in(mail.outbox[0], "/accounts/confirm-email/")
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    assert EmailAddress.objects.get(email="newbie.anna@example.com").verified

    response = client.post(
        reverse("account_login"), {"login": "newbie.anna@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    member = User.objects.get(email="newbie.anna@example.com")
    assert client.session["_auth_user_id"] == str(member.pk)


@pytest.mark.django_db
def test_sign_up_generates_a_handle_from_the_email_and_logs_the_sign_up_once(
    client, django_capture_on_commit_callbacks
):
    _sign_up(client, django_capture_on_commit_callbacks)

    member = User.objects.get(email="newbie.anna@example.com")
    assert member.handle == "newbieanna"
    assert member.language == "en"
    activities = Activity.objects.filter(verb=Verb.MEMBER_SIGNED_UP, actor=member)
    assert activities.count() == 1
    assert activities.get().dedupe_key == f"member_signed_up:{member.pk}"


@pytest.mark.django_db
def test_sign_up_with_a_taken_handle_seed_gets_a_numbered_handle(
    client, django_capture_on_commit_callbacks, member
):
    member.handle = "newbieanna"
    member.save(update_fields=["handle"])

    _sign_up(client, django_capture_on_commit_callbacks)

    assert User.objects.get(email="newbie.anna@example.com").handle == "newbieanna2"


@pytest.mark.django_db
def test_unverified_member_cannot_sign_in_and_is_sent_to_verify(
    client, django_capture_on_commit_callbacks
):
    _sign_up(client, django_capture_on_commit_callbacks)

    response = client.post(
        reverse("account_login"), {"login": "newbie.anna@example.com", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_wrong_password_shows_the_sign_in_form_again_with_an_error(client, member):
    response = client.post(reverse("account_login"), {"login": member.email, "password": "nope"})

    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_email_link_sets_a_new_password(
    client, member, django_capture_on_commit_callbacks
):
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": member.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = _link_in(mail.outbox[0], "/accounts/password/reset/key/")
    response = client.get(link)
    assert response.status_code == 302  # allauth moves the key into the session
    set_password_url = response["Location"]
    new_password = "another-Long-passphrase-7"
    response = client.post(set_password_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302

    member.refresh_from_db()
    assert member.check_password(new_password)


@pytest.mark.django_db
def test_logout_signs_the_member_out(client, member):
    client.force_login(member)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["account_login", "account_signup", "account_reset_password"])
def test_allauth_pages_use_the_site_frame_and_bootstrap_controls(client, url_name):
    response = client.get(reverse(url_name))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="main"' in html  # our base.html
    assert "form-control" in html
    assert "btn btn-primary" in html


@pytest.mark.django_db
def test_email_management_page_sits_beside_the_settings_menu(client, member):
    client.force_login(member)

    response = client.get(reverse("account_email"))

    assert response.status_code == 200
    assert reverse("accounts:settings") in response.content.decode()


@pytest.mark.django_db
def test_repeated_failed_sign_ins_are_rate_limited_even_with_the_right_password(client, member):
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": member.email, "password": "wrong"})

    response = client.post(
        reverse("account_login"), {"login": member.email, "password": "correct-horse-battery"}
    )

    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_what_an_app_reads_from_the_sign_up_request_rides_in_the_sign_up_activity(
    client, django_capture_on_commit_callbacks
):
    from flywheel.core import hooks

    def campaign_from_cookie(request, member):
        return {"campaign": request.COOKIES.get("campaign", "")}

    client.cookies["campaign"] = "spring"
    with hooks.sign_up_payloads.registered(campaign_from_cookie, name="test.campaign"):
        _sign_up(client, django_capture_on_commit_callbacks)
    activity = Activity.objects.get(verb=Verb.MEMBER_SIGNED_UP)
    assert activity.payload["campaign"] == "spring"


@pytest.mark.django_db
def test_a_sign_up_without_a_referral_cookie_carries_no_referral_token(
    client, django_capture_on_commit_callbacks
):
    _sign_up(client, django_capture_on_commit_callbacks)
    activity = Activity.objects.get(verb=Verb.MEMBER_SIGNED_UP)
    assert "referral_token" not in (activity.payload or {})
