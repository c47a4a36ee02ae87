"""The demo's ideas portal and feedback boards, written through `ideas.services` at planned
moments in the past: one product idea at every status (new, gaining support, expired, in
review, accepted, in production, released, declined), with supporters, comments, the
brand's decisions and the creators' rewards; two feedback boards with votes, a merged
duplicate and requests on the roadmap.

Each step checks whether it already happened (by title), so a second run writes nothing.
"Gaining support" needs the first milestone's supporters for real (100 by default): the full
demo (200 members) has them; a smaller plan leaves that idea new."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from flywheel.demo.content import people
from flywheel.demo.plan import Plan
from flywheel.ideas import services
from flywheel.ideas.milestones import milestones
from flywheel.ideas.models import (
    FeatureRequest,
    Idea,
    IdeaStatus,
    RequestStatus,
    RewardKind,
)

DAY = dt.timedelta(days=1)
CATEGORIES = ["Tents & shelter", "Packs & bags", "Camp kitchen", "Apparel"]


@dataclass(frozen=True)
class PlannedIdea:
    title: str
    description: str
    category: str
    days_ago: int
    status: str
    supporters: int  # -1: as many as the first milestone needs, and a few more
    # (status, days ago) the brand team moved it through, after submission
    steps: tuple[tuple[str, int], ...] = ()
    reason: str = ""
    reward: tuple[str, str, str] | None = None  # kind, percent, description
    comments: tuple[str, ...] = ()


IDEAS = [
    PlannedIdea(
        "Trekking-pole tent with a built-in vestibule light",
        "A two-person shelter pitched with **trekking poles**, with a dimmable LED strip sewn "
        "into the vestibule seam and a USB-C port inside.\n\n- under 1 kg\n- pitch in 3 minutes",
        "Tents & shelter",
        days_ago=4,
        status=IdeaStatus.NEW,
        supporters=3,
        comments=("Love it. Would the light run off a power bank?",),
    ),
    PlannedIdea(
        "Modular hip-belt pockets that fit any Northtrail pack",
        "Clip-on pockets for phone, snacks and a map, moving from pack to pack with a "
        "universal rail.",
        "Packs & bags",
        days_ago=40,
        status=IdeaStatus.GAINING_SUPPORT,
        supporters=-1,
        comments=("I'd buy three of these.", "Please make one big enough for a Pixel Fold."),
    ),
    PlannedIdea(
        "Heated insoles for the Summit boots",
        "Thin, rechargeable heated insoles cut to the Summit boot's last.",
        "Apparel",
        days_ago=95,
        status=IdeaStatus.EXPIRED,
        supporters=4,
    ),
    PlannedIdea(
        "Nesting cook set with a folding windscreen",
        "Pot, pan, two mugs and a windscreen that all nest in a 1-litre pot.",
        "Camp kitchen",
        days_ago=60,
        status=IdeaStatus.IN_REVIEW,
        supporters=14,
        steps=((IdeaStatus.IN_REVIEW, 10),),
        comments=("The windscreen is the part every set gets wrong.",),
    ),
    PlannedIdea(
        "Recycled-down puffy vest in trail colours",
        "A vest filled with reclaimed down, in the moss and rust of the trail collection.",
        "Apparel",
        days_ago=330,
        status=IdeaStatus.ACCEPTED,
        supporters=16,
        steps=((IdeaStatus.IN_REVIEW, 300), (IdeaStatus.ACCEPTED, 150)),
        reward=(RewardKind.REVENUE_SHARE, "1", "1% of net sales for the first two years"),
    ),
    PlannedIdea(
        "Roll-top dry bag with a map window",
        "A 20-litre roll-top dry bag with a clear, welded map window on the front.",
        "Packs & bags",
        days_ago=420,
        status=IdeaStatus.IN_PRODUCTION,
        supporters=18,
        steps=(
            (IdeaStatus.IN_REVIEW, 400),
            (IdeaStatus.ACCEPTED, 250),
            (IdeaStatus.IN_PRODUCTION, 200),
        ),
        reward=(RewardKind.PERK, "", "A lifetime Summit membership and the first bag off the line"),
    ),
    PlannedIdea(
        "Ultralight camp chair that packs into its own seat",
        "A 600 g chair whose frame folds into a pouch sewn under the seat.",
        "Tents & shelter",
        days_ago=520,
        status=IdeaStatus.RELEASED,
        supporters=19,
        steps=(
            (IdeaStatus.IN_REVIEW, 500),
            (IdeaStatus.ACCEPTED, 380),
            (IdeaStatus.IN_PRODUCTION, 300),
            (IdeaStatus.RELEASED, 30),
        ),
        reward=(RewardKind.REVENUE_SHARE, "1.5", "1.5% of net sales"),
        comments=("Got mine last week. Sturdier than it looks!",),
    ),
    PlannedIdea(
        "Glow-in-the-dark guy lines for every tent",
        "Guy lines you never trip over at night, standard on every Northtrail tent.",
        "Tents & shelter",
        days_ago=260,
        status=IdeaStatus.DECLINED,
        supporters=11,
        steps=((IdeaStatus.IN_REVIEW, 240), (IdeaStatus.DECLINED, 100)),
        reason="Every Northtrail tent already ships with reflective guy lines since the 2025 "
        "range; we'd rather not add a second kind.",
    ),
]

BOARDS = [
    ("Northtrail app", "The trail app: maps, trip plans and your gear list."),
    ("Web shop", "Ordering, delivery, returns and your account on northtrail.example."),
]
# board, title, body, status, votes
REQUESTS = [
    (0, "Offline maps", "Download a region before a trip.", RequestStatus.IN_PROGRESS, 12),
    (0, "Maps that work without signal", "Same as offline maps, I think.", RequestStatus.OPEN, 4),
    (0, "Share a trip plan with friends", "", RequestStatus.PLANNED, 9),
    (0, "Dark mode", "For reading in the tent at night.", RequestStatus.DONE, 15),
    (0, "Gear checklist templates", "Winter, summer, bikepacking.", RequestStatus.OPEN, 5),
    (1, "Wishlist you can share", "", RequestStatus.PLANNED, 7),
    (1, "Klarna at checkout", "", RequestStatus.DECLINED, 3),
    (1, "Track my return", "See where a returned parcel is.", RequestStatus.OPEN, 6),
]


def seed_ideas(plan: Plan, *, anchor: dt.datetime, progress=None) -> int:
    progress = progress or (lambda line: None)
    users = {
        user.email: user
        for user in get_user_model().objects.filter(email__in=[m.email for m in plan.members])
    }
    owner = users[people.STAFF[0]["email"]]
    members = [users[m.email] for m in plan.members if not m.is_brand_team and m.email in users]
    if len(members) < 3:
        return 0
    created = 0
    categories = {}
    for position, name in enumerate(CATEGORIES):
        categories[name] = services.create_category(name=name, by=owner, position=position)
    first_milestone = milestones()[0].supporters
    existing = set(
        Idea.objects.filter(title__in=[i.title for i in IDEAS]).values_list("title", flat=True)
    )
    for index, planned in enumerate(IDEAS):
        if planned.title in existing:
            continue
        author = members[(index * 7) % len(members)]
        submitted = anchor - planned.days_ago * DAY
        idea = services.submit_idea(
            author=author,
            title=planned.title,
            description=planned.description,
            category=categories[planned.category],
            at=submitted,
            enforce_rate_limit=False,
        )
        wanted = first_milestone + 8 if planned.supporters < 0 else planned.supporters
        fans = [member for member in members if member.pk != author.pk][:wanted]
        for number, fan in enumerate(fans):
            services.support_idea(
                idea=idea, member=fan, at=submitted + dt.timedelta(hours=1 + number)
            )
        for number, body in enumerate(planned.comments):
            services.comment_on_idea(
                idea=idea,
                author=fans[number % len(fans)] if fans else author,
                body=body,
                at=submitted + dt.timedelta(days=1, hours=number),
            )
        for status, days_ago in planned.steps:
            services.change_idea_status(
                idea=idea,
                by=owner,
                status=status,
                reason=planned.reason if status == IdeaStatus.DECLINED else "",
                at=anchor - days_ago * DAY,
            )
            if status == IdeaStatus.ACCEPTED and planned.reward:
                kind, percent, description = planned.reward
                services.record_creator_reward(
                    idea=idea,
                    by=owner,
                    kind=kind,
                    revenue_share_percent=percent or None,
                    description=description,
                )
        created += 1
        progress(f"ideas {index + 1}/{len(IDEAS)}")
    # The expired idea's window closed long ago: the hourly task would have expired it.
    created += services.expire_ideas(now=anchor)
    created += _seed_boards(owner, members, anchor=anchor)
    return created


def _seed_boards(owner, members, *, anchor: dt.datetime) -> int:
    created = 0
    boards = [
        services.create_board(name=name, description=description, by=owner, position=position)
        for position, (name, description) in enumerate(BOARDS)
    ]
    existing = set(FeatureRequest.objects.values_list("title", flat=True))
    requests = {}
    for index, (board, title, body, _status, votes) in enumerate(REQUESTS):
        if title in existing:
            continue
        author = members[(index * 5 + 3) % len(members)]
        request = services.request_feature(
            board=boards[board],
            author=author,
            title=title,
            body=body,
            at=anchor - (60 - index * 5) * DAY,
        )
        voters = [member for member in members if member.pk != author.pk][: max(0, votes - 1)]
        for number, voter in enumerate(voters):
            services.vote_for_request(
                request=request,
                member=voter,
                at=anchor - (50 - index * 5) * DAY + number * 60 * dt.timedelta(seconds=1),
            )
        requests[title] = request
        created += 1
    # Staff decisions once the votes are in (done and declined requests take no more votes).
    decided = anchor - 20 * DAY
    for title, request in requests.items():
        status = next(spec[3] for spec in REQUESTS if spec[1] == title)
        if status != RequestStatus.OPEN:
            services.change_request_status(request=request, by=owner, status=status, at=decided)
    duplicate = requests.get("Maps that work without signal")
    original = requests.get("Offline maps")
    if duplicate is not None and original is not None:
        services.merge_requests(source=duplicate, into=original, by=owner, at=decided)
    return created
