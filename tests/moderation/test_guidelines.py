import pytest
from django.urls import reverse

from flywheel.core.models import Activity, Verb
from flywheel.moderation import services
from flywheel.moderation.models import GuidelinesAcceptance
from tests.factories import make_reply, make_topic
from tests.moderation.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def guidelines(staff):
    return services.publish_guidelines(body="# Be kind\nNo insults, no spam.", by=staff)


def new_topic(client, space, title="Can I post now?"):
    return client.post(
        reverse("community:new_topic", kwargs={"slug": space.slug}),
        {"kind": "discussion", "title": title, "body": "Hello there"},
    )


def test_without_published_guidelines_nobody_is_asked(member, space):
    assert new_topic(signed_in(member), space).status_code == 302


def test_posting_without_accepting_shows_a_page_asking_to_accept(member, space, guidelines):
    response = new_topic(signed_in(member), space)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Please accept the community guidelines" in html
    assert "No insults, no spam." in html
    assert reverse("moderation:guidelines_accept") in html
    assert not space.topics.exists()


def test_the_new_topic_form_asks_first(member, space, guidelines):
    response = signed_in(member).get(reverse("community:new_topic", kwargs={"slug": space.slug}))
    assert response.status_code == 200
    assert "Please accept the community guidelines" in response.content.decode()


def test_the_api_answers_409_naming_the_guidelines(member, space, guidelines):
    from tests.api.conftest import ApiClient, token_for

    response = ApiClient(token=token_for(member)).post(
        "/topics", {"space": space.slug, "title": "Via the API", "body": "Hi"}
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "guidelines_not_accepted"
    assert "guidelines" in error["fields"]


def test_accepting_lets_the_member_post_and_returns_them_where_they_were(member, space, guidelines):
    client = signed_in(member)
    back = reverse("community:new_topic", kwargs={"slug": space.slug})
    response = client.post(
        reverse("moderation:guidelines_accept"), {"version": guidelines.version, "next": back}
    )
    assert response["Location"] == back
    assert GuidelinesAcceptance.objects.filter(member=member, version=1).exists()
    assert Activity.objects.filter(verb=Verb.GUIDELINES_ACCEPTED, actor=member).count() == 1
    assert new_topic(client, space).status_code == 302


def test_a_new_version_must_be_accepted_again(member, space, staff, guidelines):
    services.accept_guidelines(member=member)
    make_topic(author=member, space=space)
    services.publish_guidelines(body="# Be kind\nAnd no self-promotion.", by=staff)
    topic = make_topic(author=staff, space=space)
    response = signed_in(member).post(
        reverse("community:reply", kwargs={"topic_id": topic.pk}), {"body": "Me again"}
    )
    assert response.status_code == 409
    assert "And no self-promotion." in response.content.decode()
    assert "Me again" in response.content.decode()  # the draft is shown to copy


def test_accepting_an_outdated_version_is_a_conflict(member, staff, guidelines):
    from tests.api.conftest import ApiClient, token_for

    services.publish_guidelines(body="Version two", by=staff)
    response = ApiClient(token=token_for(member)).post(
        "/moderation/guidelines/accept", {"version": 1}
    )
    assert response.status_code == 409
    assert not GuidelinesAcceptance.objects.exists()


def test_the_brand_team_posts_without_accepting(staff, space, guidelines):
    make_reply(topic=make_topic(author=staff, space=space), author=staff)


def test_only_the_brand_team_publishes_guidelines(member, space_moderator, staff):
    url = reverse("moderation:guidelines_edit")
    assert signed_in(member).post(url, {"body": "Mine now"}).status_code == 403
    assert signed_in(space_moderator).get(url).status_code == 403
    empty = signed_in(staff).post(url, {"body": "  "})
    assert empty.status_code == 422
    assert signed_in(staff).post(url, {"body": "# Rules"}).status_code == 302
    assert services.current_guidelines_version() == 1
