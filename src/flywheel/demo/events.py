"""The demo's events: a Milan chapter run by a trusted member, three past events with their
attendance (check-ins logged as event_attended, so points and badges follow) and an answered
AMA, and three coming up: a product-launch live stream, an AMA taking questions, and a chapter
hike that is full with a waitlist (one cancellation already promoted the first in line).

Everything goes through `events.services` with the planned moments (`at=`), as members
would have done it. Each event is written in one transaction and recognised by its title, so
a second run (or one after an interrupted run) writes nothing twice."""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from flywheel.demo.plan import Plan
from flywheel.events import services
from flywheel.events.models import Chapter, Event, EventFormat, EventKind
from flywheel.trust.models import TrustLevel
from flywheel.trust.queries import trust_level_for
from flywheel.trust.services import set_locked_level

DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
CHAPTER_NAME = "Milano Trail Club"


@dataclass(frozen=True)
class PlannedEvent:
    title: str
    kind: str
    format: str
    days_from_anchor: float  # negative: in the past
    hours: float
    host: str  # "elena", "tomasz" or "organiser"
    time_zone: str
    description: str
    going: int  # members who RSVP
    attended: int = 0  # of those, how many checked in (past events)
    capacity: int | None = None
    venue: str = ""
    address: str = ""
    online_url: str = ""
    in_chapter: bool = False
    questions: list[tuple[str, int, str]] = field(default_factory=list)  # text, votes, answer
    cancellations: int = 0


EVENTS = [
    PlannedEvent(
        title="Waterproofing workshop: re-proof your shell at home",
        kind=EventKind.WORKSHOP,
        format=EventFormat.ONLINE,
        days_from_anchor=-40,
        hours=1.5,
        host="tomasz",
        time_zone="Europe/Warsaw",
        description="Tomasz shows how to wash and re-proof a shell jacket without a laundry "
        "service. Have your jacket and a wash-in proofer ready.",
        going=10,
        attended=6,
        capacity=30,
        online_url="https://meet.northtrail.example/waterproofing",
    ),
    PlannedEvent(
        title="Ask our designers anything: the Summit Series",
        kind=EventKind.AMA,
        format=EventFormat.ONLINE,
        days_from_anchor=-21,
        hours=1,
        host="elena",
        time_zone="Europe/Rome",
        description="Elena and the design team answer your questions about the **Summit "
        "Series**: fabrics, fit, and what comes next.",
        going=12,
        attended=9,
        online_url="https://live.northtrail.example/summit-ama",
        questions=[
            (
                "Will the Summit jacket come in a longer cut?",
                7,
                "Yes: a long cut arrives in autumn, 8 cm longer at the back.",
            ),
            (
                "How warm is the down vest below -10 °C?",
                5,
                "It is rated to -8 °C on its own; layer it under the shell for colder days.",
            ),
            (
                "Are the zips replaceable?",
                4,
                "Every zip is sewn to be replaced: any repair "
                "shop can do it, or send it to us for free in the first two years.",
            ),
            (
                "Which fabrics are recycled?",
                2,
                "The face fabric and the lining: 100 % recycled nylon since this season.",
            ),
            ("Any plans for kids' sizes?", 1, ""),
        ],
    ),
    PlannedEvent(
        title="Milano Trail Club: Navigli evening walk",
        kind=EventKind.MEETUP,
        format=EventFormat.IN_PERSON,
        days_from_anchor=-10,
        hours=2,
        host="organiser",
        time_zone="Europe/Rome",
        description="An easy 8 km along the canals, then aperitivo. All paces welcome.",
        going=8,
        attended=7,
        capacity=15,
        venue="Darsena, by the old toll house",
        address="Piazza XXIV Maggio, Milano",
        in_chapter=True,
    ),
    PlannedEvent(
        title="Live: the Ridge 2 tent launch",
        kind=EventKind.LIVESTREAM,
        format=EventFormat.ONLINE,
        days_from_anchor=3,
        hours=1,
        host="elena",
        time_zone="Europe/London",
        description="Watch the Ridge 2 being pitched in a storm chamber, with launch-day "
        "prices for members.",
        going=15,
        online_url="https://live.northtrail.example/ridge-2",
    ),
    PlannedEvent(
        title="AMA with the Northtrail trail running team",
        kind=EventKind.AMA,
        format=EventFormat.ONLINE,
        days_from_anchor=6,
        hours=1,
        host="tomasz",
        time_zone="Europe/Warsaw",
        description="Our running team answers your questions on shoes, vests and training "
        "for your first ultra. Ask now and vote for the questions you want answered.",
        going=10,
        online_url="https://live.northtrail.example/running-ama",
        questions=[
            ("How many pairs of shoes do you rotate?", 6, ""),
            ("Hydration vest or belt for a half marathon?", 4, ""),
            ("What do you eat during a 50 km race?", 3, ""),
            ("Is the new Trail 3 shoe good for wide feet?", 1, ""),
        ],
    ),
    PlannedEvent(
        title="Milano Trail Club: Monte Barro day hike",
        kind=EventKind.MEETUP,
        format=EventFormat.IN_PERSON,
        days_from_anchor=13,
        hours=7,
        host="organiser",
        time_zone="Europe/Rome",
        description="A day on Monte Barro above Lecco: 900 m of climbing, lunch at the "
        "rifugio. Train from Milano Centrale at 8:05.",
        going=11,
        capacity=8,
        venue="Galbiate station",
        address="Galbiate (LC)",
        in_chapter=True,
        cancellations=1,
    ),
]


class EventSeeder:
    def __init__(self, plan: Plan, *, anchor: dt.datetime, progress):
        self.plan = plan
        self.anchor = anchor.replace(minute=0, second=0, microsecond=0)
        self.progress = progress
        users = get_user_model().objects.filter(email__in=[m.email for m in plan.members])
        by_email = {user.email: user for user in users}
        self.people = [by_email[m.email] for m in plan.members if m.email in by_email]
        self.owner = next(
            (by_email[m.email] for m in plan.members if m.role == "owner" and m.email in by_email),
            None,
        )
        self.hosts = {
            "elena": next((u for u in self.people if u.handle == "elena_marchetti"), self.owner),
            "tomasz": next((u for u in self.people if u.handle == "tomasz_wrobel"), self.owner),
        }
        self.members = [user for user in self.people if not user.is_brand_team]
        self.created = 0

    def run(self) -> int:
        if self.owner is None or len(self.members) < 4:
            return 0
        chapter = self.ensure_chapter()
        for number, planned in enumerate(EVENTS):
            if not Event.objects.filter(title=planned.title).exists():
                with transaction.atomic():
                    self.write_event(planned, number=number, chapter=chapter)
                self.created += 1
        self.progress(f"events: {len(EVENTS)} events, chapter {CHAPTER_NAME}")
        return self.created

    def ensure_chapter(self) -> Chapter:
        chapter = Chapter.objects.filter(name=CHAPTER_NAME).first()
        organiser = self.organiser()
        if chapter is None:
            chapter = services.create_chapter(
                by=self.owner,
                name=CHAPTER_NAME,
                city="Milan",
                country="Italy",
                time_zone="Europe/Rome",
                description="Walks, hikes and the odd via ferrata around Milano, every few "
                "weeks. Run by members for members.",
                at=self.anchor - 60 * DAY,
            )
            self.created += 1
            # Organisers are drawn from trusted members: staff vouch for Giulia (level 3).
            if trust_level_for(organiser) < TrustLevel.REGULAR:
                set_locked_level(member=organiser, level=TrustLevel.REGULAR, by=self.owner)
                organiser._flywheel_trust_level = TrustLevel.REGULAR
            services.appoint_organiser(chapter=chapter, member=organiser, by=self.owner)
            for offset, member in enumerate(self.members[1:9]):
                services.join_chapter(
                    chapter=chapter, member=member, at=self.anchor - (55 - offset) * DAY
                )
        return chapter

    def organiser(self):
        return next((u for u in self.members if u.handle == "giulia"), self.members[0])

    def _attendees(self, planned: PlannedEvent, number: int) -> list:
        pool = [member for member in self.members if member != self.organiser()]
        start = (number * 5) % max(len(pool), 1)
        rotated = pool[start:] + pool[:start]
        return rotated[: planned.going]

    def write_event(self, planned: PlannedEvent, *, number: int, chapter: Chapter) -> None:
        starts_at = self.anchor + dt.timedelta(days=planned.days_from_anchor)
        organiser = self.organiser()
        host = organiser if planned.host == "organiser" else self.hosts[planned.host]
        by = organiser if planned.in_chapter else self.owner
        # Everything the demo records happened before its anchor (the history ends there).
        scheduled_at = min(starts_at - 14 * DAY, self.anchor - 5 * DAY)
        event = services.schedule_event(
            by=by,
            title=planned.title,
            kind=planned.kind,
            format=planned.format,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=planned.hours),
            time_zone=planned.time_zone,
            description=planned.description,
            venue=planned.venue,
            address=planned.address,
            online_url=planned.online_url,
            capacity=planned.capacity,
            host=host,
            chapter=chapter if planned.in_chapter else None,
            at=scheduled_at,
        )
        people = self._attendees(planned, number)
        if planned.in_chapter and organiser not in people:
            people = [organiser, *people]
        for offset, member in enumerate(people):
            services.register_for_event(
                event=event, member=member, at=scheduled_at + HOUR * (offset + 1)
            )
        for member in people[1 : 1 + planned.cancellations]:
            services.cancel_registration(event=event, member=member, at=scheduled_at + 2 * DAY)
        self.write_questions(planned, event=event, host=host, people=people, at=scheduled_at)
        for offset, member in enumerate(people[: planned.attended]):
            services.check_in(
                event=event,
                member=member,
                code=event.check_in_code,
                at=starts_at + dt.timedelta(minutes=2 + offset),
            )

    def write_questions(self, planned, *, event, host, people, at) -> None:
        askers = [member for member in self.members if member != host]
        for index, (text, votes, answer) in enumerate(planned.questions):
            author = askers[(index * 3) % len(askers)]
            question = services.ask_question(
                event=event, author=author, body=text, at=at + DAY + HOUR * index
            )
            voters = [member for member in askers if member != author][:votes]
            for voter in voters:
                services.upvote_question(question=question, member=voter)
            if answer:
                services.answer_question(
                    question=question,
                    by=host,
                    answer=answer,
                    at=event.starts_at + dt.timedelta(minutes=5 + 10 * index),
                )


def seed_events(plan: Plan, *, anchor: dt.datetime, progress) -> int:
    """Write the demo's events and chapter; returns how many were new."""
    return EventSeeder(plan, anchor=anchor, progress=progress).run()
