"""The poll under a topic's opening post (core.hooks.topic_panels)."""

from django.template.loader import render_to_string

from flywheel.surveys import permissions, queries


def poll_panel(*, request, topic) -> str:
    """The poll (results once voted or closed), or an "Add a poll" link for the topic's
    author and moderators; "" for everyone else on a topic without a poll. One query on a
    topic without a poll, five with one."""
    poll = queries.poll_for_topic(topic)
    if poll is None:
        if request.user.is_authenticated and permissions.can_add_poll(request.user, topic):
            return render_to_string(
                "surveys/_add_poll_link.html", {"topic": topic}, request=request
            )
        return ""
    poll.topic = topic
    return render_poll(request, poll)


def render_poll(request, poll, *, error: str = "") -> str:
    results = queries.poll_results(poll, viewer=request.user)
    return render_to_string(
        "surveys/_poll.html", {"results": results, "poll": poll, "error": error}, request=request
    )
