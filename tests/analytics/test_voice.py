"""Voice of the member: sentiment by space and week through the classifier interface, themes
and pain points linked to their posts, and feature requests, in every shipped language."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from flywheel.analytics import queries, services, voice
from flywheel.analytics.models import PostVoice
from flywheel.analytics.queries import Period
from flywheel.community import services as community
from flywheel.moderation.classifiers import Scores
from tests.factories import SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db

MARCH = Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))


class MarkerClassifier:
    """A classifier plugged in through FLYWHEEL_TEXT_CLASSIFIER whose sentiment the tests can
    read off the text: "[+]" scores 1, "[-]" scores -1, else 0."""

    def score(self, text: str, language: str) -> Scores:
        if "[+]" in text:
            return Scores(toxicity=0.0, sentiment=1.0)
        if "[-]" in text:
            return Scores(toxicity=0.0, sentiment=-1.0)
        return Scores(toxicity=0.0, sentiment=0.0)


@pytest.fixture
def marker_classifier(settings):
    settings.FLYWHEEL_TEXT_CLASSIFIER = "tests.analytics.test_voice.MarkerClassifier"


def _at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T12:00:00").replace(tzinfo=dt.UTC)


def _topic(space, body, day, *, author=None, title="Topic"):
    return community.create_topic(
        author=author or UserFactory(),
        space=space,
        title=title,
        body=body,
        at=_at(day),
        enforce_rate_limit=False,
    )


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "The sleeping bag zipper broke again.", {"sleeping bag", "bag zipper"}),
        ("it", "La cerniera del sacco a pelo si è rotta.", {"sacco a pelo"}),
        ("lv", "Guļammaisa rāvējslēdzējs atkal saplīsa.", {"guļammaisa rāvējslēdzējs"}),
        ("pl", "Zamek śpiwora znowu się zepsuł.", {"zamek śpiwora"}),
        ("zh-hans", "睡袋的拉链又坏了。", {"睡袋", "拉链"}),
    ],
)
def test_phrases_are_extracted_in_every_shipped_language(language, text, expected):
    assert voice.language_of(text, "en" if language == "zh-hans" else language) == language
    found = set(voice.phrases_of(text, language))
    assert expected <= found
    # No phrase starts or ends on a stop word ("the", "del", "的", ...).
    assert not {p for p in found if p.split()[0] in voice.STOP_SET or p[-1] in voice.HAN_STOP}


@pytest.mark.parametrize(
    "text",
    [
        "It would be great if you made the boots in wide sizes.",
        "Sarebbe bello se ci fossero taglie più grandi.",
        "Būtu labi, ja būtu lielāki izmēri.",
        "Byłoby fajnie, gdyby były większe rozmiary.",
        "希望能推出更大的尺码。",
    ],
)
def test_requests_are_recognised_in_every_shipped_language(text):
    assert voice.is_request(text)


def test_a_plain_opinion_is_not_a_request():
    assert not voice.is_request("The boots are great and I wear them every day.")


def test_sentiment_by_space_and_week(marker_classifier):
    # Gear, week of Monday 3 March: [+] on the 3rd, [-] and neutral on the 5th: 3 posts,
    # average 0.0, positive 1/3, negative 1/3. Trips, week of 10 March: [+] twice: 1.0.
    gear, trips = SpaceFactory(name="Gear"), SpaceFactory(name="Trips")
    _topic(gear, "[+] love them", "2025-03-03")
    _topic(gear, "[-] leaking", "2025-03-05")
    _topic(gear, "just a note", "2025-03-05")
    _topic(trips, "[+] great walk", "2025-03-10")
    _topic(trips, "[+] nice views", "2025-03-12")
    services.update_rollups()

    table = queries.sentiment_by_space_and_week(MARCH)

    assert table.rows == [
        [dt.date(2025, 3, 10), "Trips", 2, 1.0, 1.0, 0.0],
        [dt.date(2025, 3, 3), "Gear", 3, 0.0, 0.333, 0.333],
    ]
    assert queries.sentiment_series(MARCH) == [
        (dt.date(2025, 3, 3), 0.0),
        (dt.date(2025, 3, 10), 1.0),
    ]


def test_the_shipped_classifier_reads_praise_and_complaints():
    space = SpaceFactory()
    _topic(space, "I love these boots, they are excellent and comfortable.", "2025-03-03")
    _topic(space, "Terrible tent, it leaked and broke on the first night. Awful.", "2025-03-03")
    services.update_rollups()
    praise, complaint = PostVoice.objects.order_by("post_id")
    assert praise.sentiment > 0 > complaint.sentiment


def test_themes_recur_across_posts_and_link_to_them(marker_classifier):
    # "sleeping bag" is in three posts, two of them negative; "zipper" phrases in one only.
    # 睡袋 (sleeping bag) is in two Chinese posts. Pain points: only the negative posts.
    space = SpaceFactory()
    posts = [
        _topic(space, "My sleeping bag is warm [+]", "2025-03-03").posts.get(),
        _topic(space, "[-] The sleeping bag zipper broke", "2025-03-04").posts.get(),
        _topic(space, "[-] Cold in the sleeping bag at night", "2025-03-05").posts.get(),
        _topic(space, "睡袋很暖和", "2025-03-06").posts.get(),
        _topic(space, "[-] 睡袋太重了", "2025-03-07").posts.get(),
    ]
    services.update_rollups()

    found = {theme.phrase: theme for theme in queries.themes(MARCH)}
    assert found["sleeping bag"].posts == 3
    assert found["睡袋"].posts == 2
    assert "bag zipper" not in found  # one post only
    # The latest posts first, as links to the posts themselves.
    assert [e["url"] for e in found["sleeping bag"].examples] == [
        reverse("community:post", kwargs={"post_id": post.pk}) for post in posts[2::-1]
    ]
    pains = {theme.phrase: theme.posts for theme in queries.themes(MARCH, negative=True)}
    assert pains["sleeping bag"] == 2
    assert "睡袋" not in pains  # one negative post only


def test_deleted_posts_leave_the_voice(marker_classifier):
    space = SpaceFactory()
    topic = _topic(space, "Please add wide sizes", "2025-03-03")
    services.update_rollups()
    assert len(queries.feature_requests(MARCH)) == 1
    community.delete_post(post=topic.posts.get(), by=topic.author)
    assert queries.feature_requests(MARCH) == []


def test_feature_requests_list_the_asking_posts(marker_classifier):
    space = SpaceFactory(name="Gear")
    author = UserFactory(handle="wide")
    asked = _topic(space, "Could you add wide sizes?", "2025-03-03", author=author, title="Wide")
    _topic(space, "Boots arrived today", "2025-03-04")
    services.update_rollups()
    [request] = queries.feature_requests(MARCH)
    assert request["url"] == reverse("community:post", kwargs={"post_id": asked.posts.get().pk})
    assert (request["topic"], request["space"], request["author"]) == ("Wide", "Gear", "wide")


def test_staff_open_the_voice_page_and_members_are_denied(marker_classifier):
    space = SpaceFactory()
    _topic(space, "Please add wide sizes [-] sleeping bag", "2025-03-03")
    _topic(space, "sleeping bag again", "2025-03-04")
    services.update_rollups()
    moderator = UserFactory(role="moderator")
    client = Client()
    client.force_login(moderator)
    page = client.get(reverse("analytics:voice") + "?start=2025-03-01&end=2025-03-31")
    assert page.status_code == 200
    assert "sleeping bag" in page.content.decode()
    csv = client.get(reverse("analytics:voice") + "?start=2025-03-01&end=2025-03-31&table=themes")
    assert "sleeping bag,2," in csv.content.decode()
    client.force_login(UserFactory())
    assert client.get(reverse("analytics:voice")).status_code == 403


def test_the_voice_page_runs_a_fixed_number_of_queries(
    marker_classifier, django_assert_num_queries
):
    owner = UserFactory(role="owner")
    client = Client()
    client.force_login(owner)
    url = reverse("analytics:voice") + "?start=2025-03-01&end=2025-03-31"
    counts = []
    for size in (5, 50):
        space = SpaceFactory()
        for index in range(size):
            _topic(space, f"Please add colour {index} [-] sleeping bag", "2025-03-03")
        services.update_rollups()
        client.get(url)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
