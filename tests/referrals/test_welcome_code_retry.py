"""A welcome code the shop refused or failed to create is retried with backoff through the
outbound path, dead-lettered with the shop's reason for staff, and the friend is told what
is happening until the code exists."""

import pytest

from flywheel.core.models import DeliveryState, OutboundMessage
from flywheel.core.outbound import send_outbound
from flywheel.core.services import MAX_ATTEMPTS
from flywheel.referrals.models import Referral
from flywheel.referrals.services import WELCOME_CODE_KIND, code_for_member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-pass-phrase-9"


def _sign_up_through_link(client, referrer, email="bran@example.org"):
    assert client.get(f"/r/{code_for_member(referrer).code}").status_code == 302
    response = client.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302, response.content
    return Referral.objects.get(referred_email=email)


def _message(referral):
    return OutboundMessage.objects.get(dedupe_key=f"{WELCOME_CODE_KIND}:{referral.pk}")


def test_a_refused_code_is_retried_and_the_friend_gets_it_when_the_shop_accepts(
    client, shop, referrer
):
    _store, fake = shop
    fake.fail("price_rules.json", method="POST", status=503, times=None)
    referral = _sign_up_through_link(client, referrer)
    referral.refresh_from_db()
    assert referral.friend_code == ""
    message = _message(referral)
    assert message.state == DeliveryState.FAILED and message.next_attempt_at is not None
    page = client.get("/referrals/").content.decode()
    assert 'data-welcome-code="waiting"' in page

    fake.faults.clear()
    send_outbound(message_id=message.pk)
    referral.refresh_from_db()
    assert referral.friend_code
    assert [c["code"] for c in fake.discount_codes.values()] == [referral.friend_code]
    page = client.get("/referrals/").content.decode()
    assert 'data-welcome-code="ready"' in page and referral.friend_code in page


def test_a_code_the_shop_keeps_refusing_is_dead_lettered_with_its_reason_for_staff(
    client, shop, referrer
):
    _store, fake = shop
    fake.fail(
        "price_rules.json",
        method="POST",
        status=422,
        times=None,
        body={"errors": {"base": ["Shop is frozen for maintenance"]}},
    )
    referral = _sign_up_through_link(client, referrer)
    message = _message(referral)
    for _attempt in range(MAX_ATTEMPTS):
        send_outbound(message_id=message.pk)
    message.refresh_from_db()
    assert message.state == DeliveryState.DEAD
    page = client.get("/referrals/").content.decode()
    assert 'data-welcome-code="failed"' in page

    client.force_login(UserFactory(is_staff=True))
    staff_page = client.get("/referrals/staff/review/").content.decode()
    assert f'data-welcome-failure="{referral.pk}"' in staff_page
    assert staff_page.count("data-welcome-failures") == 1  # once, in the page, not in <title>
    title = staff_page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<table" not in title and "Referrals waiting for review" in title
    assert "Shop is frozen for maintenance" in staff_page


def test_a_rate_limited_code_waits_without_counting_an_attempt(client, shop, referrer, settings):
    _store, fake = shop
    settings.FLYWHEEL_STORE_API_MAX_RATE_LIMIT_WAITS = 0
    fake.rate_limit("price_rules.json", wait_seconds=1.0, times=1)
    fake.faults[-1].method = "POST"
    referral = _sign_up_through_link(client, referrer)
    message = _message(referral)
    assert message.state == DeliveryState.FAILED
    assert message.attempts == 0
    assert "rate limited" in message.last_error


def test_a_retry_after_a_lost_answer_does_not_create_a_second_code(client, shop, referrer):
    _store, fake = shop
    referral = _sign_up_through_link(client, referrer)
    code = referral.friend_code
    assert code
    # The shop created the code but our commit was lost: the message goes again.
    Referral.objects.filter(pk=referral.pk).update(friend_code="", friend_code_reference="")
    message = _message(referral)
    OutboundMessage.objects.filter(pk=message.pk).update(state=DeliveryState.FAILED)
    send_outbound(message_id=message.pk)
    referral.refresh_from_db()
    assert referral.friend_code == code
    assert [c["code"] for c in fake.discount_codes.values()] == [code]
    assert len(fake.price_rules) == 1  # the retry's orphan price rule was deleted


def test_staff_list_of_failed_codes_is_denied_to_members(client, referrer):
    client.force_login(referrer)
    assert client.get("/referrals/staff/review/").status_code == 403
