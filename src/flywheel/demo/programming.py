"""The demo's content calendar: a month of planned posts around the demo's "today" (its
anchor), written through `programming.services` as the brand team would plan them.

Items before the anchor are published by the same service the minute task calls
(`publish_calendar_item`, at their scheduled time), so their topics sit in the community;
later ones stay scheduled (the task publishes them when their time comes) and one is a
draft. Items are found by title, so a second run writes nothing, and an item planned but not
yet published by an interrupted run is published by the next."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from flywheel.community.models import Space, TopicKind
from flywheel.programming import services
from flywheel.programming.models import CalendarItem, CalendarItemState, CalendarLabel


@dataclass(frozen=True)
class PlannedItem:
    days: int  # from the anchor's day; negative is the past
    hour: int  # UTC
    author: str  # staff handle
    space: str
    label: str
    title: str
    body: str
    kind: str = TopicKind.DISCUSSION
    draft: bool = False


L = CalendarLabel
ITEMS = [
    PlannedItem(
        -15,
        8,
        "maya",
        "hiking-trekking",
        L.EDUCATIONAL,
        "Reading a contour map in five minutes",
        "Close lines mean steep ground. Here is how to spot a saddle, a spur and a gully before you reach them.",
    ),
    PlannedItem(
        -13,
        17,
        "elena_marchetti",
        "members-lounge",
        L.INTERACTIVE,
        "Show us your view from this weekend",
        "One photo, one line about where it was. Best view gets pinned next week.",
    ),
    PlannedItem(
        -11,
        9,
        "tomasz_wrobel",
        "gear-care-repair",
        L.EDUCATIONAL,
        "Re-proofing a shell jacket at home",
        "Wash, tumble, spray: the three steps that bring the beading back, and what not to use.",
    ),
    PlannedItem(
        -9,
        12,
        "maya",
        "announcements",
        L.PROMOTIONAL,
        "The autumn gear swap is open",
        "Bring what you no longer use, take what you need. Members get first pick on Saturday morning.",
        TopicKind.ANNOUNCEMENT,
    ),
    PlannedItem(
        -7,
        18,
        "elena_marchetti",
        "trail-running",
        L.MEMBER_SPOTLIGHT,
        "Member spotlight, from couch to first ultra",
        "A member tells how they went from 5 km to 50 km in a year, and what they would do differently.",
    ),
    PlannedItem(
        -5,
        10,
        "tomasz_wrobel",
        "camping-bivouac",
        L.UGC,
        "Your best one-pot camp recipes",
        "We collected the recipes you shared this month. Add yours below.",
    ),
    PlannedItem(
        -3,
        7,
        "maya",
        "climbing",
        L.INSPIRATIONAL,
        "Why we still climb in the rain",
        "A short essay from the team on bad weather, good company and turning back.",
    ),
    PlannedItem(
        -1,
        16,
        "elena_marchetti",
        "hiking-trekking",
        L.INTERACTIVE,
        "Poll, which hut should we review next?",
        "Vote in the replies: the three most named huts get a full write-up.",
    ),
    PlannedItem(
        1,
        9,
        "tomasz_wrobel",
        "gear-care-repair",
        L.EDUCATIONAL,
        "Patching a down jacket without losing feathers",
        "Tape first, then thread: a step-by-step with photos.",
    ),
    PlannedItem(
        3,
        12,
        "maya",
        "announcements",
        L.PROMOTIONAL,
        "Members' early access to the Summit Series",
        "The new Summit Series opens to members a week before everyone else.",
        TopicKind.ANNOUNCEMENT,
    ),
    PlannedItem(
        5,
        17,
        "elena_marchetti",
        "members-lounge",
        L.MEMBER_SPOTLIGHT,
        "Member spotlight, the Dolomites in winter",
        "A member's ten days on the Alta Via 1 in January, in pictures.",
    ),
    PlannedItem(
        8,
        8,
        "tomasz_wrobel",
        "trail-running",
        L.EDUCATIONAL,
        "Downhill technique for steep trails",
        "Short steps, quiet feet, eyes three metres ahead.",
    ),
    PlannedItem(
        11,
        18,
        "maya",
        "camping-bivouac",
        L.INSPIRATIONAL,
        "A night out every month, the challenge",
        "Twelve nights outdoors in twelve months. Who is in?",
    ),
    PlannedItem(
        14,
        10,
        "elena_marchetti",
        "hiking-trekking",
        L.UGC,
        "Your photos of first snow",
        "Share your first-snow pictures; we will gather them in one post.",
        draft=True,
    ),
]


def seed_calendar(*, anchor: dt.datetime, progress: Callable[[str], None]) -> int:
    """Plan (and for the past, publish) the demo month; returns how many rows it wrote."""
    handles = {item.author for item in ITEMS}
    staff = {u.handle: u for u in get_user_model().objects.filter(handle__in=handles)}
    spaces = {s.slug: s for s in Space.objects.filter(slug__in={i.space for i in ITEMS})}
    existing = {
        item.title: item for item in CalendarItem.objects.filter(title__in=[i.title for i in ITEMS])
    }
    written = 0
    day = anchor.replace(hour=0, minute=0, second=0, microsecond=0)
    for planned in ITEMS:
        author, space = staff.get(planned.author), spaces.get(planned.space)
        if author is None or space is None:
            continue  # a smaller demo without this member or space
        at = day + dt.timedelta(days=planned.days, hours=planned.hour)
        item = existing.get(planned.title)
        if item is None:
            item = services.plan_calendar_item(
                by=author,
                space=space,
                title=planned.title,
                body=planned.body,
                kind=planned.kind,
                label=planned.label,
                scheduled_at=at,
                schedule=not planned.draft,
                enforce_rate_limit=False,
            )
            written += 1
        if item.state == CalendarItemState.SCHEDULED and at <= anchor:
            services.publish_calendar_item(item_id=item.pk, at=at)
            written += 1
    progress(f"calendar: {written} rows")
    return written
