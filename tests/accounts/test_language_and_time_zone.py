import pytest
from django.urls import reverse

from tests.factories import UserFactory


def _switch(client, language, next_url="/members/"):
    return client.post(reverse("accounts:set_language"), {"language": language, "next": next_url})


@pytest.mark.django_db
def test_switching_language_sets_the_cookie_saves_it_and_changes_the_page_language(client, member):
    client.force_login(member)
    profile_url = reverse("accounts:profile", kwargs={"handle": member.handle})

    response = _switch(client, "it", next_url=profile_url)

    assert response.status_code == 302
    assert response["Location"] == profile_url
    assert response.cookies["django_language"].value == "it"
    member.refresh_from_db()
    assert member.language == "it"
    page = client.get(profile_url)
    assert page["Content-Language"] == "it"
    assert page.wsgi_request.LANGUAGE_CODE == "it"
    assert '<html lang="it"' in page.content.decode()


@pytest.mark.django_db
def test_anonymous_visitor_can_switch_language_with_the_cookie(client, member):
    profile_url = reverse("accounts:profile", kwargs={"handle": member.handle})

    _switch(client, "zh-hans", next_url=profile_url)

    assert client.get(profile_url)["Content-Language"] == "zh-hans"


@pytest.mark.django_db
def test_members_saved_language_wins_over_a_stale_cookie(client):
    member = UserFactory(language="pl")
    client.force_login(member)
    client.cookies["django_language"] = "it"

    response = client.get(reverse("accounts:profile", kwargs={"handle": member.handle}))

    assert response["Content-Language"] == "pl"


@pytest.mark.django_db
def test_unknown_language_changes_nothing(client, member):
    client.force_login(member)

    response = _switch(client, "klingon")

    assert response.status_code == 302
    assert "django_language" not in response.cookies
    member.refresh_from_db()
    assert member.language == "en"


@pytest.mark.django_db
def test_language_switch_never_redirects_off_site(client, member):
    response = _switch(client, "lv", next_url="https://evil.example/phish")

    assert response["Location"] == "/"


@pytest.mark.django_db
def test_language_switch_is_post_only(client):
    assert client.get(reverse("accounts:set_language")).status_code == 405


@pytest.mark.django_db
def test_switcher_lists_the_five_languages_in_their_own_names(client, member):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = member
    html = render_to_string("accounts/_language_switcher.html", request=request)

    for name in ["English", "Italiano", "Latviešu", "Polski", "简体中文"]:
        assert name in html
    assert reverse("accounts:set_language") in html


@pytest.mark.django_db
def test_unknown_time_zone_on_a_member_falls_back_to_utc(client, member):
    member.timezone = "Nowhere/Atlantis"
    member.save(update_fields=["timezone"])
    client.force_login(member)

    response = client.get(reverse("accounts:profile", kwargs={"handle": member.handle}))

    assert response.status_code == 200
