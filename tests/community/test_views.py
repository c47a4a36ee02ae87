import pytest
from django.urls import reverse

from flywheel.community import services
from flywheel.community.models import (
    Post,
    Reaction,
    SpaceAccessGrant,
    SpaceMembership,
    Topic,
    TopicKind,
    Visibility,
)
from tests.factories import SpaceFactory, UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def space_url(space):
    return reverse("community:space", kwargs={"slug": space.slug})


def new_topic_url(space):
    return reverse("community:new_topic", kwargs={"slug": space.slug})


# ---------------------------------------------------------------- pages render


def test_home_shows_spaces_latest_topics_and_unanswered_questions_to_anonymous(client, space):
    make_topic(space=space, title="Best stove for winter?", kind=TopicKind.QUESTION)
    response = client.get(reverse("community:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert space.name in html
    assert "Best stove for winter?" in html
    assert "Waiting for an answer" in html


def test_home_marks_members_only_space_locked_for_anonymous_but_not_for_a_member(client, member):
    SpaceFactory(name="Insiders", visibility=Visibility.MEMBERS)
    anonymous_html = client.get(reverse("community:home")).content.decode()
    assert "fw-space-card h-100 is-locked" in anonymous_html
    client.force_login(member)
    member_html = client.get(reverse("community:home")).content.decode()
    assert "is-locked" not in member_html


def test_home_shows_the_gate_description_of_a_gated_space_the_member_cannot_enter(client, member):
    SpaceFactory(name="Owners", visibility=Visibility.GATED, gate_description="Buy any tent")
    client.force_login(member)
    html = client.get(reverse("community:home")).content.decode()
    assert "is-locked" in html
    assert "Buy any tent" in html


def test_home_hides_topics_of_spaces_the_viewer_cannot_read(client):
    private = SpaceFactory(visibility=Visibility.MEMBERS)
    make_topic(space=private, title="Secret members plan")
    html = client.get(reverse("community:home")).content.decode()
    assert "Secret members plan" not in html


def test_space_page_lists_topics_with_pinned_first_and_kind_badges(client, member, moderator):
    space = SpaceFactory()
    older = make_topic(space=space, title="An older pinned guide", author=moderator)
    make_topic(space=space, title="A newer question", kind=TopicKind.QUESTION, author=member)
    services.set_topic_flags(topic=older, by=moderator, pinned=True)
    response = client.get(space_url(space))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("An older pinned guide") < html.index("A newer question")
    assert "Pinned" in html
    assert "Question" in html


def test_space_page_filters_by_kind_and_by_tag(client, space):
    make_topic(space=space, title="A question about poles", kind=TopicKind.QUESTION)
    make_topic(space=space, title="A chat about stoves", tags=["stoves"])
    questions = client.get(space_url(space), {"kind": "question"}).content.decode()
    assert "A question about poles" in questions
    assert "A chat about stoves" not in questions
    tagged = client.get(space_url(space), {"tag": "stoves"}).content.decode()
    assert "A chat about stoves" in tagged
    assert "A question about poles" not in tagged


def test_space_page_with_an_unknown_kind_or_page_still_renders(client, space):
    make_topic(space=space)
    response = client.get(space_url(space), {"kind": "nonsense", "page": "abc"})
    assert response.status_code == 200


def test_space_topic_list_paginates_at_25(client, space):
    author = UserFactory()
    for number in range(27):
        make_topic(space=space, author=author, title=f"Topic number {number:02d}")
    first = client.get(space_url(space)).content.decode()
    assert first.count('class="fw-topic-row') == 25
    second = client.get(space_url(space), {"page": 2}).content.decode()
    assert second.count('class="fw-topic-row') == 2


def test_unanswered_page_shows_only_questions_without_an_accepted_answer(client, member, space):
    answered = make_topic(space=space, author=member, title="Answered one", kind="question")
    services.accept_answer(reply=make_reply(topic=answered), by=member)
    make_topic(space=space, title="Still open one", kind=TopicKind.QUESTION)
    make_topic(space=space, title="Just chatting")
    html = client.get(reverse("community:space_unanswered", kwargs={"slug": space.slug}))
    html = html.content.decode()
    assert "Still open one" in html
    assert "Answered one" not in html
    assert "Just chatting" not in html


def test_member_list_shows_moderators_first(client, space):
    regular = UserFactory(display_name="Regular Rita")
    services.join_space(member=regular, space=space)
    admin = UserFactory(role="admin", display_name="Admin Ann")
    keeper = UserFactory(display_name="Moderator Max")
    services.set_space_moderator(space=space, member=keeper, is_moderator=True, by=admin)
    html = client.get(reverse("community:space_members", kwargs={"slug": space.slug}))
    html = html.content.decode()
    assert html.index("Moderator Max") < html.index("Regular Rita")


def test_unknown_space_is_a_404(client):
    response = client.get(reverse("community:space", kwargs={"slug": "no-such-space"}))
    assert response.status_code == 404


def test_unknown_topic_is_a_404(client):
    response = client.get(reverse("community:topic", kwargs={"slug": "x", "topic_id": 999}))
    assert response.status_code == 404


def test_topic_with_an_old_slug_redirects_to_its_canonical_address(client, space):
    topic = make_topic(space=space)
    response = client.get(reverse("community:topic", kwargs={"slug": "old", "topic_id": topic.pk}))
    assert response.status_code == 301
    assert response["Location"] == topic.get_absolute_url()


# ---------------------------------------------------------------- access


def test_anonymous_gets_a_friendly_403_on_a_members_only_space_and_its_topic(client):
    private = SpaceFactory(visibility=Visibility.MEMBERS, name="Insiders")
    topic = make_topic(space=private, title="Members plan the meetup")
    response = client.get(space_url(private))
    assert response.status_code == 403
    assert "Sign in" in response.content.decode()
    topic_response = client.get(topic.get_absolute_url())
    assert topic_response.status_code == 403
    assert "Members plan the meetup" not in topic_response.content.decode()


def test_member_reads_a_members_only_space(client, member):
    private = SpaceFactory(visibility=Visibility.MEMBERS)
    make_topic(space=private, title="Members plan the meetup")
    client.force_login(member)
    response = client.get(space_url(private))
    assert response.status_code == 200
    assert "Members plan the meetup" in response.content.decode()


def test_member_without_the_gate_gets_403_with_the_gate_description(client, member):
    gated = SpaceFactory(visibility=Visibility.GATED, gate_description="Own a Summit tent")
    client.force_login(member)
    response = client.get(space_url(gated))
    assert response.status_code == 403
    assert "Own a Summit tent" in response.content.decode()


def test_member_with_an_access_grant_enters_a_gated_space(client, member):
    gated = SpaceFactory(visibility=Visibility.GATED, gate_description="Own a Summit tent")
    SpaceAccessGrant.objects.create(space=gated, member=member, reason="bought a tent")
    client.force_login(member)
    assert client.get(space_url(gated)).status_code == 200


def test_anonymous_cannot_reach_the_new_topic_form(client, space):
    response = client.get(new_topic_url(space))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# ---------------------------------------------------------------- new topic


def test_member_starts_a_topic_and_lands_on_it(client, member, space):
    client.force_login(member)
    response = client.post(
        new_topic_url(space),
        {
            "kind": "question",
            "title": "Which sleeping pad?",
            "body": "For **cold** nights.",
            "tags": "pads, winter",
        },
    )
    topic = Topic.objects.get()
    assert response.status_code == 302
    assert response["Location"] == topic.get_absolute_url()
    assert topic.kind == TopicKind.QUESTION
    assert sorted(tag.slug for tag in topic.tags.all()) == ["pads", "winter"]
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "<strong>cold</strong>" in page


def test_empty_title_re_renders_the_form_naming_the_field_and_stores_nothing(client, member, space):
    client.force_login(member)
    response = client.post(
        new_topic_url(space),
        {
            "kind": "discussion",
            "title": "   ",
            "body": "Some text",
            "tags": "",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "A title is required." in html
    assert 'href="#id_title">Title</a>' in html
    assert 'value="discussion"' in html and "Some text" in html
    assert Topic.objects.count() == 0
    assert Post.objects.count() == 0


def test_a_one_megabyte_body_is_refused_and_nothing_is_stored(client, member, space):
    client.force_login(member)
    response = client.post(
        new_topic_url(space),
        {
            "kind": "discussion",
            "title": "A very long story",
            "body": "x" * (1024 * 1024),
        },
    )
    assert response.status_code == 422
    assert 'href="#id_body">Body</a>' in response.content.decode()
    assert Topic.objects.count() == 0


def test_announcements_are_not_offered_to_members_and_are_refused_if_forced(client, member, space):
    client.force_login(member)
    form = client.get(new_topic_url(space)).content.decode()
    assert 'value="announcement"' not in form
    response = client.post(
        new_topic_url(space),
        {
            "kind": "announcement",
            "title": "Big news",
            "body": "Hello everyone",
        },
    )
    assert response.status_code == 422
    assert Topic.objects.count() == 0


def test_brand_team_is_offered_announcements(client, moderator, space):
    client.force_login(moderator)
    assert 'value="announcement"' in client.get(new_topic_url(space)).content.decode()


def test_member_cannot_post_in_a_gated_space_they_cannot_enter(client, member):
    gated = SpaceFactory(visibility=Visibility.GATED)
    client.force_login(member)
    response = client.post(
        new_topic_url(gated),
        {
            "kind": "discussion",
            "title": "Let me in",
            "body": "Please",
        },
    )
    assert response.status_code == 403
    assert Topic.objects.count() == 0


# ---------------------------------------------------------------- topic page


def test_topic_page_shows_posts_in_order_with_team_badge_and_deleted_placeholder(
    client, member, moderator, space
):
    topic = make_topic(space=space, author=member, body="Opening words")
    make_reply(topic=topic, author=moderator, body="Team answer here")
    removed = make_reply(topic=topic, body="Something rude")
    make_reply(topic=topic, body="Last words")
    services.delete_post(post=removed, by=moderator)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert html.index("Opening words") < html.index("Team answer here") < html.index("Last words")
    assert "Flywheel Team" in html
    assert "[deleted]" in html
    assert "Something rude" not in html


def test_topic_page_shows_the_quoted_post_link_and_edited_marker(client, member, space):
    topic = make_topic(space=space, author=member)
    first = make_reply(topic=topic, author=member, body="First reply")
    second = make_reply(topic=topic, reply_to=first, body="Answering the first")
    services.edit_post(post=first, editor=member, body="First reply, corrected")
    html = client.get(topic.get_absolute_url()).content.decode()
    assert reverse("community:post", kwargs={"post_id": first.pk}) in html
    assert "In reply to" in html
    assert reverse("community:post_history", kwargs={"post_id": first.pk}) in html
    assert second.body in html


def test_edit_history_lists_the_earlier_versions(client, member, space):
    topic = make_topic(space=space, author=member)
    reply = make_reply(topic=topic, author=member, body="Version one")
    services.edit_post(post=reply, editor=member, body="Version two")
    response = client.get(reverse("community:post_history", kwargs={"post_id": reply.pk}))
    assert response.status_code == 200
    assert "Version one" in response.content.decode()


def test_accepted_answer_is_highlighted_and_shown_under_the_question(client, member, space):
    question = make_topic(space=space, author=member, kind=TopicKind.QUESTION)
    make_reply(topic=question, body="Not quite")
    answer = make_reply(topic=question, body="Use a silk liner")
    services.accept_answer(reply=answer, by=member)
    html = client.get(question.get_absolute_url()).content.decode()
    # The body only: the head's schema.org markup names the answers too (docs/seo.md).
    html = html[html.index("<body") :]
    assert "fw-accepted-summary" in html
    assert html.index("fw-accepted-summary") < html.index("Not quite")
    assert "fw-post is-accepted" in html


def test_anonymous_sees_no_reply_form_but_a_sign_in_prompt(client, space):
    topic = make_topic(space=space)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert 'name="body"' not in html
    assert "Sign in to reply" in html


# ---------------------------------------------------------------- replies


def test_member_replies_and_is_sent_to_the_new_post(client, member, space):
    topic = make_topic(space=space)
    client.force_login(member)
    response = client.post(
        reverse("community:reply", kwargs={"topic_id": topic.pk}), {"body": "Count me in"}
    )
    reply = topic.posts.get(number=2)
    assert response.status_code == 302
    assert response["Location"].endswith("#post-2")
    assert reply.body == "Count me in"
    assert reply.author == member


def test_empty_reply_re_renders_the_topic_with_the_error(client, member, space):
    topic = make_topic(space=space)
    client.force_login(member)
    response = client.post(
        reverse("community:reply", kwargs={"topic_id": topic.pk}), {"body": "  "}
    )
    assert response.status_code == 422
    assert "Write something first." in response.content.decode()
    assert topic.posts.count() == 1


def test_quote_link_prefills_the_reply_form(client, member, space):
    topic = make_topic(space=space)
    quoted = make_reply(topic=topic, body="Bring two stoves")
    client.force_login(member)
    html = client.get(topic.get_absolute_url(), {"reply_to": quoted.pk}).content.decode()
    assert "&gt; Bring two stoves" in html
    assert f'name="reply_to" value="{quoted.pk}"' in html


def test_closed_topic_shows_a_notice_and_refuses_replies(client, member, moderator, space):
    topic = make_topic(space=space)
    services.set_topic_flags(topic=topic, by=moderator, closed=True)
    client.force_login(member)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "This topic is closed." in html
    assert 'name="body"' not in html
    response = client.post(
        reverse("community:reply", kwargs={"topic_id": topic.pk}), {"body": "Sneaking in"}
    )
    assert response.status_code == 403
    assert topic.posts.count() == 1


def test_anonymous_post_of_a_reply_is_refused(client, space):
    topic = make_topic(space=space)
    response = client.post(
        reverse("community:reply", kwargs={"topic_id": topic.pk}), {"body": "Hi"}
    )
    assert response.status_code == 403
    assert topic.posts.count() == 1


# ---------------------------------------------------------------- edit and delete


def test_member_edits_their_own_reply(client, member, space):
    topic = make_topic(space=space)
    reply = make_reply(topic=topic, author=member, body="Old text")
    client.force_login(member)
    response = client.post(
        reverse("community:post_edit", kwargs={"post_id": reply.pk}), {"body": "New text"}
    )
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.body == "New text"
    assert reply.revisions.get().body == "Old text"


def test_member_cannot_edit_another_members_reply_and_it_stays_unchanged(
    client, member, other_member, space
):
    topic = make_topic(space=space)
    reply = make_reply(topic=topic, author=other_member, body="Not yours")
    client.force_login(member)
    url = reverse("community:post_edit", kwargs={"post_id": reply.pk})
    assert client.get(url).status_code == 403
    response = client.post(url, {"body": "Hijacked"})
    assert response.status_code == 403
    reply.refresh_from_db()
    assert reply.body == "Not yours"
    assert reply.revisions.count() == 0


def test_editing_the_opening_post_with_an_empty_title_names_the_field(client, member, space):
    topic = make_topic(space=space, author=member, title="Original title")
    opening = topic.posts.get(number=1)
    client.force_login(member)
    response = client.post(
        reverse("community:post_edit", kwargs={"post_id": opening.pk}),
        {"title": "", "body": "Body", "tags": ""},
    )
    assert response.status_code == 422
    assert 'href="#id_title">Title</a>' in response.content.decode()
    topic.refresh_from_db()
    assert topic.title == "Original title"


def test_delete_asks_for_confirmation_before_deleting(client, member, space):
    topic = make_topic(space=space)
    reply = make_reply(topic=topic, author=member)
    client.force_login(member)
    url = reverse("community:post_delete", kwargs={"post_id": reply.pk})
    assert "Delete this reply?" in client.get(url).content.decode()
    reply.refresh_from_db()
    assert reply.deleted_at is None
    client.post(url)
    reply.refresh_from_db()
    assert reply.deleted_at is not None


def test_moderator_can_delete_any_post(client, member, space):
    topic = make_topic(space=space)
    reply = make_reply(topic=topic, author=member)
    keeper = UserFactory()
    services.set_space_moderator(
        space=space, member=keeper, is_moderator=True, by=UserFactory(role="admin")
    )
    client.force_login(keeper)
    response = client.post(reverse("community:post_delete", kwargs={"post_id": reply.pk}))
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.deleted_by == keeper
    assert "[deleted]" in client.get(topic.get_absolute_url()).content.decode()


def test_member_cannot_delete_another_members_post(client, member, other_member, space):
    topic = make_topic(space=space)
    reply = make_reply(topic=topic, author=other_member)
    client.force_login(member)
    response = client.post(reverse("community:post_delete", kwargs={"post_id": reply.pk}))
    assert response.status_code == 403
    reply.refresh_from_db()
    assert reply.deleted_at is None


def test_deleting_the_opening_post_removes_the_topic_and_returns_to_the_space(
    client, member, space
):
    topic = make_topic(space=space, author=member)
    client.force_login(member)
    opening = topic.posts.get(number=1)
    response = client.post(reverse("community:post_delete", kwargs={"post_id": opening.pk}))
    assert response["Location"] == space_url(space)
    assert client.get(topic.get_absolute_url()).status_code == 404


# ---------------------------------------------------------------- reactions (htmx)


def test_reaction_toggle_via_htmx_returns_only_the_bar_with_the_new_count(
    client, member, other_member, space
):
    topic = make_topic(space=space)
    post = make_reply(topic=topic, author=other_member)
    services.toggle_reaction(member=other_member, post=post, kind="like")
    client.force_login(member)
    url = reverse("community:post_react", kwargs={"post_id": post.pk})
    response = client.post(url, {"kind": "like"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert f'id="reactions-{post.pk}"' in html
    assert "Like: 2 reactions" in html
    assert 'aria-pressed="true"' in html
    response = client.post(url, {"kind": "like"}, **HTMX)
    assert "Like: 1 reaction" in response.content.decode()
    assert Reaction.objects.filter(post=post).count() == 1


def test_reaction_with_an_unknown_kind_is_a_4xx_and_stores_nothing(client, member, space):
    post = make_topic(space=space).posts.get(number=1)
    client.force_login(member)
    response = client.post(
        reverse("community:post_react", kwargs={"post_id": post.pk}), {"kind": "rocket"}, **HTMX
    )
    assert response.status_code == 422
    assert "Unknown reaction." in response.content.decode()
    assert Reaction.objects.count() == 0


def test_anonymous_reaction_is_refused_with_403(client, space):
    post = make_topic(space=space).posts.get(number=1)
    response = client.post(
        reverse("community:post_react", kwargs={"post_id": post.pk}), {"kind": "like"}, **HTMX
    )
    assert response.status_code == 403
    assert Reaction.objects.count() == 0


def test_reaction_without_htmx_redirects_back_to_the_post(client, member, space):
    post = make_topic(space=space).posts.get(number=1)
    client.force_login(member)
    response = client.post(
        reverse("community:post_react", kwargs={"post_id": post.pk}), {"kind": "heart"}
    )
    assert response.status_code == 302
    assert Reaction.objects.filter(member=member, kind="heart").exists()


# ---------------------------------------------------------------- answers and moderation


def test_asker_accepts_an_answer(client, member, space):
    question = make_topic(space=space, author=member, kind=TopicKind.QUESTION)
    answer = make_reply(topic=question)
    client.force_login(member)
    response = client.post(reverse("community:post_accept", kwargs={"post_id": answer.pk}))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.accepted_answer == answer


def test_another_member_cannot_accept_an_answer(client, member, other_member, space):
    question = make_topic(space=space, author=member, kind=TopicKind.QUESTION)
    answer = make_reply(topic=question)
    client.force_login(other_member)
    html = client.get(question.get_absolute_url()).content.decode()
    assert "Accept answer" not in html
    response = client.post(reverse("community:post_accept", kwargs={"post_id": answer.pk}))
    assert response.status_code == 403
    question.refresh_from_db()
    assert question.accepted_answer is None


def test_moderator_pins_and_closes_a_topic_but_a_member_cannot(client, member, moderator, space):
    topic = make_topic(space=space)
    url = reverse("community:topic_moderate", kwargs={"topic_id": topic.pk})
    client.force_login(member)
    assert client.post(url, {"action": "close"}).status_code == 403
    client.force_login(moderator)
    client.post(url, {"action": "pin"})
    client.post(url, {"action": "close"})
    topic.refresh_from_db()
    assert topic.is_pinned and topic.is_closed


# ---------------------------------------------------------------- join and follow (htmx)


def test_join_and_leave_a_space_via_htmx_swaps_the_button(client, member, space):
    client.force_login(member)
    url = reverse("community:space_join", kwargs={"slug": space.slug})
    joined = client.post(url, {"action": "join"}, **HTMX)
    assert joined.status_code == 200
    assert "Joined" in joined.content.decode()
    assert "<html" not in joined.content.decode()
    assert SpaceMembership.objects.filter(space=space, member=member).exists()
    left = client.post(url, {"action": "leave"}, **HTMX)
    assert "Join space" in left.content.decode()
    assert not SpaceMembership.objects.filter(space=space, member=member).exists()


def test_joining_a_gated_space_without_passing_the_gate_is_refused(client, member):
    gated = SpaceFactory(visibility=Visibility.GATED, gate_description="Buy a tent")
    client.force_login(member)
    response = client.post(
        reverse("community:space_join", kwargs={"slug": gated.slug}), {"action": "join"}, **HTMX
    )
    assert response.status_code == 409
    assert "Buy a tent" in response.content.decode()
    assert not SpaceMembership.objects.filter(space=gated).exists()


def test_join_requires_a_signed_in_member(client, space):
    response = client.post(
        reverse("community:space_join", kwargs={"slug": space.slug}), {"action": "join"}
    )
    assert response.status_code == 403
    assert not SpaceMembership.objects.exists()


def test_follow_and_unfollow_a_topic_via_htmx(client, member, space):
    topic = make_topic(space=space)
    client.force_login(member)
    url = reverse("community:topic_follow", kwargs={"topic_id": topic.pk})
    followed = client.post(url, {"action": "follow"}, **HTMX)
    assert 'aria-pressed="true"' in followed.content.decode()
    assert topic.follows.filter(follower=member).exists()
    unfollowed = client.post(url, {"action": "unfollow"}, **HTMX)
    assert 'aria-pressed="false"' in unfollowed.content.decode()
    assert not topic.follows.filter(follower=member).exists()


def test_follow_a_space(client, member, space):
    client.force_login(member)
    client.post(
        reverse("community:space_follow", kwargs={"slug": space.slug}), {"action": "follow"}
    )
    assert space.follows.filter(follower=member).exists()


def test_cannot_follow_a_members_only_space_anonymously(client):
    private = SpaceFactory(visibility=Visibility.MEMBERS)
    response = client.post(
        reverse("community:space_follow", kwargs={"slug": private.slug}),
        {"action": "follow"},
        **HTMX,
    )
    assert response.status_code == 403
