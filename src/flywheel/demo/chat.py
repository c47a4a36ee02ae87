"""The demo's live chat: rooms in three spaces with an afternoon of history (reactions, a
mention, read markers) and a direct conversation between Giulia and the owner, written
through `chat.services` as members would. A second run writes nothing (the rooms' history is
checked first)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from flywheel.chat import services
from flywheel.chat.models import Message
from flywheel.community.models import Space

OWNER = "manager@northtrail.example"
MINUTE = 60

# room name, space slug, room topic, [(minutes before the anchor, author handle, text)]
ROOMS = [
    (
        "trail-talk",
        "hiking-trekking",
        "Conditions, routes and who is heading out this weekend",
        [
            (
                190,
                "giulia",
                "Morning all! Anyone been up the **Rifugio Vaccarone** path this week?",
            ),
            (186, "sam_okafor", "Yesterday. Snow from 2,300 m, microspikes were enough."),
            (183, "giulia", "Perfect, thanks @sam_okafor! Was the upper bridge open?"),
            (180, "sam_okafor", "Open, but the handrail is loose on the left side. Go slow."),
            (
                150,
                "tomasz_wrobel",
                "Reminder: trip reports with photos go in the Hiking space, "
                "so they stay findable. This room is for quick questions.",
            ),
            (
                121,
                "ruta_kalnina",
                "Heading to the Tatras on Saturday, two seats free in the car "
                "from Kraków if anyone wants in.",
            ),
            (118, "giulia", "Tempting! Which trailhead?"),
            (116, "ruta_kalnina", "Palenica Białczańska, leaving at 5:30 🥱"),
            (
                64,
                "lin_xiaodong",
                "Has anyone tried the new Ridge 40 pack on a multi-day? "
                "Wondering how the hip belt holds up past 12 kg.",
            ),
            (
                61,
                "sam_okafor",
                "Three days on the Alta Via 1 with 13 kg: no hot spots. "
                "Tighten the load lifters more than you think.",
            ),
            (12, "giulia", "Forecast for Saturday looks clear ☀️ see you on the trail!"),
        ],
    ),
    (
        "gear-help",
        "gear-care-repair",
        "Quick repair questions; a moderator is usually around",
        [
            (
                240,
                "giulia",
                "My jacket's DWR stopped beading after one season. Wash first or "
                "re-proof straight away?",
            ),
            (
                236,
                "elena_marchetti",
                "Wash first with a technical cleaner, then tumble dry "
                "low: heat reactivates what is left. Re-proof only if that does not help.",
            ),
            (233, "giulia", "Tumble dry, really? I was told never to."),
            (
                231,
                "elena_marchetti",
                "For the Summit Series, yes: low heat, 20 minutes. The care "
                "label inside the chest pocket says so too.",
            ),
            (95, "lin_xiaodong", "Small tear (1 cm) in a tent fly. Tenacious Tape or seam sealer?"),
            (
                93,
                "elena_marchetti",
                "Tape on both sides, rounded corners. Seam sealer over it if it is on a seam.",
            ),
        ],
    ),
    (
        "launch-ama",
        "announcements",
        "Ask the product team about the spring collection",
        [
            (
                300,
                "maya",
                "Welcome to the spring launch AMA! The design team is here for the "
                "next hour. Ask anything 🎉",
            ),
            (297, "ruta_kalnina", "Will the Ridge packs come in a women's fit this year?"),
            (
                294,
                "maya",
                "Yes: Ridge 35 W and Ridge 45 W ship in April, shorter torso and a "
                "different hip belt.",
            ),
            (290, "sam_okafor", "Any plans for a repair programme for older jackets?"),
            (
                286,
                "maya",
                "We are piloting one in Italy and Poland from May. Details in "
                "Announcements next week.",
            ),
        ],
    ),
]

DIRECT = [
    (
        70,
        "giulia",
        "Hi Maya! Quick one: is the members' discount valid on the new Ridge 45 W pre-orders?",
    ),
    (66, "maya", "Hi Giulia, yes, your code works on pre-orders too. It shows at checkout."),
    (65, "giulia", "Brilliant, thank you! 🙏"),
    (
        40,
        "maya",
        "Also: would you like to test the repair pilot in Turin? We need three "
        "people who hike every week.",
    ),
]

REACTIONS = [
    # (room name, message index, reactor handle, kind)
    ("trail-talk", 1, "giulia", "like"),
    ("trail-talk", 3, "giulia", "heart"),
    ("trail-talk", 5, "sam_okafor", "celebrate"),
    ("trail-talk", 9, "lin_xiaodong", "insightful"),
    ("gear-help", 1, "giulia", "insightful"),
    ("launch-ama", 0, "ruta_kalnina", "celebrate"),
    ("launch-ama", 2, "ruta_kalnina", "heart"),
]


def _members() -> dict:
    handles = {author for *_rest, history in ROOMS for _minutes, author, _text in history}
    handles |= {"maya", "giulia"}
    users = get_user_model().objects.filter(handle__in=handles)
    return {user.handle: user for user in users}


@transaction.atomic
def seed_chat(*, anchor: dt.datetime, progress=None) -> int:
    """Rooms, their history and the direct conversation; returns the messages written."""
    owner = get_user_model().objects.filter(email=OWNER).first()
    if owner is None:
        return 0
    members = _members()
    spaces = {space.slug: space for space in Space.objects.filter(slug__in=[r[1] for r in ROOMS])}
    written = 0
    rooms = {}
    # Rooms were opened before their oldest message (the history runs up to the anchor).
    opened = anchor - dt.timedelta(days=7)
    for position, (name, slug, topic, history) in enumerate(ROOMS):
        space = spaces.get(slug)
        if space is None:
            continue
        room = services.open_room(
            name=name, space=space, by=owner, topic=topic, position=position, at=opened
        )
        rooms[name] = room
        if Message.objects.filter(room=room).exists():
            continue
        for minutes, handle, text in history:
            author = members.get(handle)
            if author is None:
                continue
            services.post_message(
                author=author,
                room=room,
                body=text,
                enforce_rate_limit=False,
                at=anchor - dt.timedelta(seconds=minutes * MINUTE),
            )
            written += 1
        for room_name, index, handle, kind in REACTIONS:
            if room_name != name or handle not in members:
                continue
            messages = list(Message.objects.filter(room=room).order_by("id"))
            if index < len(messages):
                services.toggle_reaction(
                    message=messages[index],
                    member=members[handle],
                    kind=kind,
                    at=min(messages[index].created_at + dt.timedelta(minutes=2), anchor),
                )
        # The moderators and the owner have read to the end; the others' markers stay at
        # their own last message, so Giulia finds unread messages in the gear room.
        last = Message.objects.filter(room=room).order_by("-id").first()
        for handle in ("maya", "elena_marchetti", "tomasz_wrobel"):
            if handle in members and last is not None:
                services.mark_read(member=members[handle], room=room, message_id=last.pk)
    giulia = members.get("giulia")
    if giulia is not None:
        direct = services.open_direct_room(by=giulia, members=[owner], at=opened)
        if not Message.objects.filter(room=direct).exists():
            for minutes, handle, text in DIRECT:
                services.post_message(
                    author=members.get(handle, owner),
                    room=direct,
                    body=text,
                    enforce_rate_limit=False,
                    at=anchor - dt.timedelta(seconds=minutes * MINUTE),
                )
                written += 1
    _open_event_room(owner, at=opened)
    if progress and written:
        progress(f"chat: {len(rooms)} rooms, {written} messages")
    return written


def _open_event_room(owner, *, at: dt.datetime) -> None:
    """The upcoming AMA gets its own room, linked from the event's page (idempotent)."""
    from flywheel.events.models import Event, EventKind

    event = (
        Event.objects.filter(kind=EventKind.AMA, starts_at__gt=dt.datetime.now(dt.UTC))
        .order_by("starts_at")
        .first()
    )
    if event is not None:
        services.open_room(
            name=event.title[:60], by=owner, target=event, topic=event.title, position=99, at=at
        )
