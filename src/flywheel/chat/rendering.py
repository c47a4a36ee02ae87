"""A message as HTML, the same for every reader (pages, history, polling and live events).

Nothing per-reader is rendered: the edit, delete and flag controls are in every copy and the
page shows the ones that apply (chat.js marks the reader's own messages; the server checks
every action anyway), so one rendering serves every connection in a room."""

import json
from collections import Counter

from django.template.loader import render_to_string

from flywheel.chat.models import Message
from flywheel.community.models import ReactionKind

EMOJI = dict(ReactionKind.choices)


def reaction_summary(reactions) -> list[dict]:
    """[{"kind", "emoji", "count"}] in the order the kinds are offered."""
    counts = Counter(reaction.kind for reaction in reactions)
    return [
        {"kind": kind, "emoji": EMOJI[kind], "count": counts[kind]}
        for kind in ReactionKind.values
        if counts.get(kind)
    ]


def render_message(message: Message, *, reactions=None) -> str:
    """`reactions`: the message's reactions when the caller fetched them (a page of history
    prefetches them); otherwise they are read here (one query)."""
    if reactions is None:
        reactions = list(message.reactions.all()) if not message.is_deleted else []
    return render_to_string(
        "chat/_message.html",
        {"message": message, "reactions": reaction_summary(reactions), "kinds": EMOJI.items()},
    )


def message_event(message: Message, event_type: str) -> dict:
    """The channel-layer event for a new or changed message: rendered once and encoded once
    here, for every connection in the room. ``frame`` is the WebSocket text the page gets
    (type, room, message, author, html); consumers forward it as it is to the connections
    that follow the room (consumers.LiveConsumer._forward) instead of encoding it again
    each, the per-recipient cost that bench/chat_fanout.py measures."""
    page_event = {
        "type": event_type,
        "room": message.room_id,
        "message": message.pk,
        "author": message.author_id,
        "html": render_message(message),
    }
    return {"type": event_type, "room": message.room_id, "frame": json.dumps(page_event)}
