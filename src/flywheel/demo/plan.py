"""Compose the demo community from the hand-written blocks in content/, deterministically.

`build_plan(seed=…)` touches no database: the same seed and sizes always give the same
members, topics, replies, reactions and follows. Times are seconds *before* an anchor that
the seeder chooses, so the plan itself does not depend on when it runs.
"""

import random
import re
import unicodedata
from bisect import bisect
from dataclasses import dataclass, field
from itertools import accumulate

from flywheel.demo.content import people, replies, world
from flywheel.demo.content.subjects import ANNOUNCEMENTS, SUBJECTS_BY_SPACE, WELCOME

DAY = 86_400
WINDOW = 120 * DAY  # the community's visible history
STAFF_JOINED_BEFORE = 420 * DAY  # the owner's date_joined anchors every later run
MAX_REACTIONS_PER_MEMBER = 100  # stays under toggle_reaction's 120/minute limit

HOME_PLACES = {
    "en": {
        "lake-district",
        "scottish-highlands",
        "peak-district",
        "snowdonia",
        "yosemite",
        "colorado",
    },
    "it": {"dolomites", "gran-paradiso", "arco", "mont-blanc"},
    "lv": {"gauja", "kemeri", "jurtaka"},
    "pl": {"tatras", "bieszczady", "jura", "karkonosze"},
    "zh-hans": {"huangshan", "yangshuo", "tiger-leaping-gorge", "siguniang", "great-wall"},
}
ACTIVITY_OF_SPACE = {space["slug"]: space.get("activity") for space in world.SPACES}
REACTION_KINDS = {
    "default": (
        ["like", "heart", "laugh", "insightful", "eyes", "celebrate"],
        [50, 16, 8, 14, 5, 7],
    ),
    "answer": (["like", "insightful", "heart", "celebrate"], [40, 40, 12, 8]),
    "announcement": (["like", "celebrate", "heart", "eyes"], [35, 35, 22, 8]),
}


@dataclass
class PlannedMember:
    email: str
    handle: str
    display_name: str
    language: str
    timezone: str
    role: str
    bio: str
    joined_s: int  # seconds before the anchor
    activity: float  # how much this person posts and reacts, relative to others
    summit_access: bool = False
    superuser: bool = False
    moderates: str | None = None

    @property
    def is_brand_team(self) -> bool:
        return self.role in {"owner", "admin", "moderator"}


@dataclass
class PlannedPost:
    author: str  # e-mail
    body: str
    at_s: int
    language: str
    reply_to: int | None = None  # index into the topic's posts; 0 is the opening post
    is_answer: bool = False


@dataclass
class PlannedTopic:
    space: str
    kind: str
    title: str
    tags: list[str]
    language: str
    posts: list[PlannedPost]  # posts[0] is the opening post
    pinned: bool = False
    # What the thread is about, so every reply can stay on the same trip and product.
    subject: dict | None = None
    scene: dict = field(default_factory=dict)
    accepted: int | None = None  # index into posts
    accepted_by: str | None = None
    accepted_s: int | None = None

    @property
    def author(self) -> str:
        return self.posts[0].author

    @property
    def at_s(self) -> int:
        return self.posts[0].at_s


@dataclass
class PlannedReaction:
    topic: int
    post: int
    member: str
    kind: str
    at_s: int


@dataclass
class PlannedFollow:
    follower: str
    at_s: int
    member: str | None = None
    topic: int | None = None


@dataclass
class PlannedJoin:
    member: str
    space: str
    at_s: int


@dataclass
class PlannedEdit:
    topic: int
    post: int
    body: str
    at_s: int


@dataclass
class Plan:
    members: list[PlannedMember] = field(default_factory=list)
    topics: list[PlannedTopic] = field(default_factory=list)
    reactions: list[PlannedReaction] = field(default_factory=list)
    follows: list[PlannedFollow] = field(default_factory=list)
    joins: list[PlannedJoin] = field(default_factory=list)
    edits: list[PlannedEdit] = field(default_factory=list)

    @property
    def reply_count(self) -> int:
        return sum(len(topic.posts) - 1 for topic in self.topics)


def _weighted(rng: random.Random, items: list, weights: list[float]):
    cumulative = list(accumulate(weights))
    return items[bisect(cumulative, rng.random() * cumulative[-1])]


def _after(at_s: int, delay_s: float) -> int:
    """A moment `delay_s` after `at_s`, never at or past the anchor, always after `at_s`."""
    return max(int(at_s - delay_s), at_s // 2, 1) if at_s > 1 else 1


_ASCII = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "đ": "d", "ß": "ss", "'": ""})


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_ASCII))
    text = text.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _fill(template: str, slots: dict[str, str]) -> str:
    text = template.format_map(slots)
    return text[:1].upper() + text[1:]


# Members -------------------------------------------------------------------------------------


def _plan_members(rng: random.Random, count: int) -> list[PlannedMember]:
    members = []
    taken = set()
    for staff in people.STAFF:
        taken.add(staff["handle"])
        members.append(
            PlannedMember(
                email=staff["email"],
                handle=staff["handle"],
                display_name=staff["display_name"],
                language=staff["language"],
                timezone=staff["timezone"],
                role=staff["role"],
                bio=staff["bio"],
                joined_s=STAFF_JOINED_BEFORE - len(members) * DAY,
                activity=6.0 if staff["role"] != "member" else 4.0,
                summit_access=staff["role"] != "member",
                superuser=staff.get("superuser", False),
                moderates=staff.get("moderates"),
            )
        )
    languages = list(people.LANGUAGE_WEIGHTS)
    language_weights = list(people.LANGUAGE_WEIGHTS.values())
    while len(members) < count:
        language = _weighted(rng, languages, language_weights)
        display_name, handle_parts = _person_name(rng, language)
        handle = _unique_handle(rng, handle_parts, taken)
        zones, zone_weights = zip(*people.TIME_ZONES[language], strict=True)
        joined_s = (
            rng.randint(5, WINDOW - 2 * DAY)
            if rng.random() < 0.25
            else rng.randint(WINDOW + 10 * DAY, STAFF_JOINED_BEFORE - 20 * DAY)
        )
        members.append(
            PlannedMember(
                email=f"{handle.replace('_', '.')}@{rng.choice(people.EMAIL_DOMAINS)}",
                handle=handle,
                display_name=display_name,
                language=language,
                timezone=_weighted(rng, list(zones), list(zone_weights)),
                role="member",
                bio=_bio(rng, language),
                joined_s=joined_s,
                activity=min(rng.paretovariate(1.4), 12.0),
                summit_access=rng.random() < 0.2,
            )
        )
    return members[:count]


def _person_name(rng: random.Random, language: str) -> tuple[str, list[str]]:
    if language == "zh-hans":
        (family, family_pinyin) = rng.choice(people.CHINESE_SURNAMES)
        (given, given_pinyin) = rng.choice(people.CHINESE_GIVEN_NAMES)
        if rng.random() < 0.25:  # some prefer the romanised, given-name-first form
            return f"{given_pinyin.title()} {family_pinyin.title()}", [given_pinyin, family_pinyin]
        return f"{family}{given}", [family_pinyin, given_pinyin]
    gender = rng.choice("mf")
    first = rng.choice(people.FIRST_NAMES[language][gender])
    masculine, feminine = rng.choice(people.SURNAMES[language])
    last = masculine if gender == "m" else feminine
    return f"{first} {last}", [first, last]


def _unique_handle(rng: random.Random, parts: list[str], taken: set[str]) -> str:
    first, last = (_ascii(part) for part in parts)
    styles = [
        f"{first}_{last}",
        f"{first}{last}",
        f"{first}_{last[:1]}",
        f"{last}_{first}",
        f"{first}_{last}{rng.randint(70, 99)}",
        f"{first}_outdoors",
        f"{first}_hikes",
    ]
    for candidate in styles + [f"{first}_{last}{n}" for n in range(2, 500)]:
        candidate = candidate[:30].strip("_")
        if len(candidate) >= 3 and candidate not in taken:
            taken.add(candidate)
            return candidate
    raise RuntimeError("ran out of demo handles")


def _bio(rng: random.Random, language: str) -> str:
    place = _pick_place(rng, language, activity=None)
    parts = [
        rng.choice(people.BIO_ACTIVITIES[language]),
        _fill(rng.choice(people.BIO_PLACES[language]), _slots(place=place, language=language)),
        rng.choice(people.BIO_EXTRAS[language]),
    ]
    joiner = "" if language == "zh-hans" else " "
    return joiner.join(part for part in parts if part)


# Places and slots ------------------------------------------------------------------------------


def _pick_place(rng: random.Random, language: str, activity: str | None) -> dict:
    candidates = [
        place for place in world.PLACES if activity in (None, "any") or activity in place["for"]
    ]
    home = HOME_PLACES.get(language, set())
    return _weighted(rng, candidates, [4 if p["tag"] in home else 1 for p in candidates])


def _slots(
    *, place: dict, language: str, gear: str = "", month: dict | None = None, days: int = 3
) -> dict[str, str]:
    month = month or world.MONTHS[0]
    return {
        "in_place": place[language],
        "place": place[language],
        "gear": gear,
        "month": month[language],
        "days": str(days),
    }


# Topics and replies --------------------------------------------------------------------------


class _Composer:
    """Writes a topic and its thread; keeps one rng so the whole plan is one deterministic walk."""

    def __init__(self, rng: random.Random, members: list[PlannedMember]):
        self.rng = rng
        self.members = members
        self.by_email = {member.email: member for member in members}
        self.titles: set[tuple[str, str]] = set()

    def viewers(self, space: str, at_s: int) -> list[PlannedMember]:
        """Members who had joined by then and can read the space."""
        gated = space == "summit-club"
        return [
            m
            for m in self.members
            if m.joined_s > at_s and (not gated or m.summit_access or m.is_brand_team)
        ]

    def pick(self, pool: list[PlannedMember], *, exclude: set[str] = frozenset()):
        pool = [member for member in pool if member.email not in exclude]
        if not pool:
            return None
        return _weighted(self.rng, pool, [member.activity for member in pool])

    def topic(self, *, space: str, at_s: int) -> PlannedTopic | None:
        rng = self.rng
        if space == "announcements":
            return self._announcement(at_s)
        author = self.pick(self.viewers(space, at_s))
        if author is None:
            return None
        subjects = SUBJECTS_BY_SPACE[space]
        for _attempt in range(12):
            subject = rng.choice(subjects)
            language = author.language
            if language == "en" or language not in subject or rng.random() < 0.4:
                language = "en"
            text = subject[language]
            place = _pick_place(rng, author.language, ACTIVITY_OF_SPACE[space])
            scene = {
                "place": place,
                "gear": rng.choice(subject.get("gear") or world.PRODUCTS),
                "month": rng.choice(world.MONTHS),
                "days": rng.randint(2, 7),
            }
            slots = _slots(language=language, **scene)
            title = _fill(rng.choice(text["titles"]), slots)
            if (space, title.lower()) in self.titles:
                continue
            self.titles.add((space, title.lower()))
            tags = list(subject["tags"]) + ([place["tag"]] if rng.random() < 0.6 else [])
            opening = PlannedPost(
                author=author.email,
                body=_fill(rng.choice(text["bodies"]), slots),
                at_s=at_s,
                language=language,
            )
            topic = PlannedTopic(
                space=space,
                kind=subject["kind"],
                title=title,
                tags=tags,
                language=language,
                posts=[opening],
            )
            topic.subject, topic.scene = subject, scene
            return topic
        return None

    def _announcement(self, at_s: int) -> PlannedTopic | None:
        rng = self.rng
        team = [m for m in self.members if m.is_brand_team and m.joined_s > at_s]
        author = self.pick(team)
        for _attempt in range(12):
            announcement = rng.choice(ANNOUNCEMENTS)
            scene = {
                "place": _pick_place(rng, "en", None),
                "gear": rng.choice(world.PRODUCTS),
                "month": rng.choice(world.MONTHS),
                "days": 3,
            }
            slots = _slots(language="en", **scene)
            title = _fill(rng.choice(announcement["titles"]), slots)
            if ("announcements", title.lower()) in self.titles:
                continue
            self.titles.add(("announcements", title.lower()))
            topic = PlannedTopic(
                space="announcements",
                kind="announcement",
                title=title,
                tags=list(announcement["tags"]),
                language="en",
                posts=[
                    PlannedPost(
                        author=author.email,
                        body=_fill(announcement["body"], slots),
                        at_s=at_s,
                        language="en",
                    )
                ],
            )
            topic.subject, topic.scene = None, scene
            return topic
        return None

    def welcome(self) -> PlannedTopic:
        owner = self.members[0]
        self.titles.add(("announcements", WELCOME["title"].lower()))
        topic = PlannedTopic(
            space="announcements",
            kind="announcement",
            title=WELCOME["title"],
            tags=list(WELCOME["tags"]),
            language="en",
            pinned=True,
            posts=[
                PlannedPost(author=owner.email, body=WELCOME["body"], at_s=WINDOW, language="en")
            ],
        )
        topic.scene = {
            "place": world.PLACES[0],
            "gear": world.PRODUCTS[0],
            "month": world.MONTHS[0],
            "days": 3,
        }
        return topic

    def thread(self, topic: PlannedTopic, count: int) -> None:
        """Add `count` replies, in time order, that answer and discuss the opening post."""
        rng = self.rng
        gaps = [rng.expovariate(1 / (4 * 3600))]
        gaps += [rng.expovariate(1 / (10 * 3600)) + 60 for _ in range(count - 1)]
        room = topic.at_s - 300
        total = sum(gaps)
        if total > room:
            gaps = [gap * room / total for gap in gaps]
        asker = self.by_email[topic.author]
        used_answers: set[str] = set()
        at_s = topic.at_s
        answer_indices: list[int] = []
        thanked = False
        for _index in range(count):
            at_s = max(int(at_s - gaps[_index]), 1) if at_s > 1 else 1
            at_s = min(at_s, topic.posts[-1].at_s - 1) if topic.posts[-1].at_s > 1 else 1
            if topic.kind == "question" and answer_indices and not thanked and rng.random() < 0.35:
                answer = topic.posts[rng.choice(answer_indices)]
                if answer.language == topic.language:
                    thanked = True
                    who = "@" + self.by_email[answer.author].handle
                    body = _fill(rng.choice(replies.THANKS[topic.language]), {"who": who})
                    topic.posts.append(
                        PlannedPost(
                            author=asker.email,
                            body=body,
                            at_s=at_s,
                            language=topic.language,
                            reply_to=topic.posts.index(answer),
                        )
                    )
                    continue
            topic.posts.append(self._reply(topic, at_s, used_answers, answer_indices))

    def _reply(
        self, topic: PlannedTopic, at_s: int, used_answers: set[str], answer_indices: list[int]
    ) -> PlannedPost:
        rng = self.rng
        viewers = self.viewers(topic.space, at_s)
        same_language = [m for m in viewers if m.language == topic.language]
        pool = viewers if topic.language == "en" else same_language
        last_author = topic.posts[-1].author
        exclude = {last_author} | ({topic.author} if topic.kind == "question" else set())
        author = self.pick(pool, exclude=exclude) or self.pick(viewers, exclude=exclude)
        author = author or self.by_email[topic.author]
        language = topic.language if author.language == topic.language else "en"
        slots = _slots(language=language, **topic.scene)
        subject = topic.subject
        own_answers = [
            text
            for text in (subject or {}).get(language, {}).get("replies", [])
            if text not in used_answers
        ]
        wants_answer = topic.kind == "question" and len(answer_indices) < 3
        is_answer = bool(own_answers) and (
            wants_answer and rng.random() < 0.85 or rng.random() < 0.45
        )
        if is_answer:
            core = rng.choice(own_answers)
            used_answers.add(core)
        elif topic.kind == "announcement":
            core = rng.choice(replies.ANNOUNCEMENT_REPLIES[language])
        else:
            lines = replies.CHATTER[language]
            if subject and subject["key"].endswith("report"):
                lines = lines + replies.REPORT_CHATTER[language]
            core = rng.choice(lines)
        parts = [_fill(core, slots)]
        if is_answer and rng.random() < 0.4:
            opener = rng.choice(replies.OPENERS[language])
            if opener[-1].isalpha() and parts[0][1:2].islower():  # "…, but pitch away…"
                parts[0] = parts[0][:1].lower() + parts[0][1:]
            parts.insert(0, opener)
        if is_answer and rng.random() < 0.3:
            parts.append(rng.choice(replies.CLOSERS[language]))
        reply_to = None
        others = [i for i, post in enumerate(topic.posts) if post.author != author.email]
        if others and rng.random() < 0.12:
            reply_to = rng.choice(others)
            parts[0] = f"@{self.by_email[topic.posts[reply_to].author].handle} {parts[0]}"
        elif rng.random() < 0.04:
            someone = self.pick(same_language or viewers, exclude={author.email, topic.author})
            if someone is not None:
                ask = _fill(
                    rng.choice(replies.ASK_SOMEONE[language]), {"who": "@" + someone.handle}
                )
                parts.append(ask)
        joiner = "" if language == "zh-hans" else " "
        body = joiner.join(parts[:2]) + ("\n\n" + "\n\n".join(parts[2:]) if parts[2:] else "")
        if is_answer:
            answer_indices.append(len(topic.posts))
        return PlannedPost(
            author=author.email,
            body=body,
            at_s=at_s,
            language=language,
            reply_to=reply_to,
            is_answer=is_answer,
        )


def _plan_topics(
    rng: random.Random, members: list[PlannedMember], *, topics: int, reply_total: int
) -> list[PlannedTopic]:
    composer = _Composer(rng, members)
    spaces = [space["slug"] for space in world.SPACES]
    weights = [space["weight"] for space in world.SPACES]
    planned = [composer.welcome()] if topics else []
    attempts = 0
    while len(planned) < topics and attempts < topics * 5:
        attempts += 1
        at_s = max(int(WINDOW * rng.random() ** 1.3), 6 * 3600)
        topic = composer.topic(space=_weighted(rng, spaces, weights), at_s=at_s)
        if topic is not None:
            planned.append(topic)
    thread_weights = [
        rng.lognormvariate(0, 0.8) * (1.5 if t.kind == "question" else 1.0) for t in planned
    ]
    counts = [0] * len(planned)
    for _reply in range(reply_total if planned else 0):
        counts[_weighted(rng, list(range(len(planned))), thread_weights)] += 1
    for topic, count in zip(planned, counts, strict=True):
        composer.thread(topic, count)
        _plan_acceptance(rng, topic, members)
    return planned


def _plan_acceptance(rng: random.Random, topic: PlannedTopic, members) -> None:
    answers = [
        i for i, post in enumerate(topic.posts) if post.is_answer and post.author != topic.author
    ]
    if topic.kind != "question" or not answers or rng.random() > 0.7:
        return
    topic.accepted = answers[0] if rng.random() < 0.6 else rng.choice(answers)
    moderators = [m.email for m in members if m.is_brand_team or m.moderates == topic.space]
    topic.accepted_by = (
        rng.choice(moderators) if moderators and rng.random() < 0.15 else topic.author
    )
    topic.accepted_s = _after(topic.posts[topic.accepted].at_s, rng.expovariate(1 / 10_800))


# Reactions, follows, joins, edits -------------------------------------------------------------


def _plan_reactions(rng: random.Random, plan: Plan) -> None:
    composer = _Composer(rng, plan.members)
    given: dict[str, int] = {}
    counts, count_weights = [0, 1, 2, 3, 4, 5, 7], [50, 25, 11, 7, 4, 2, 1]
    for topic_index, topic in enumerate(plan.topics):
        for post_index, post in enumerate(topic.posts):
            wanted = _weighted(rng, counts, count_weights)
            if topic.pinned and post_index == 0:
                wanted += 12
            elif topic.kind == "announcement" and post_index == 0:
                wanted += 3
            if topic.accepted == post_index:
                wanted += 2
            style = (
                "announcement"
                if topic.kind == "announcement" and post_index == 0
                else "answer"
                if post.is_answer
                else "default"
            )
            kinds, kind_weights = REACTION_KINDS[style]
            chosen: set[str] = {post.author}
            for _reaction in range(wanted):
                at_s = _after(post.at_s, rng.expovariate(1 / 18_000) + 30)
                pool = [
                    m
                    for m in composer.viewers(topic.space, at_s)
                    if given.get(m.email, 0) < MAX_REACTIONS_PER_MEMBER
                ]
                member = composer.pick(pool, exclude=chosen)
                if member is None:
                    break
                chosen.add(member.email)
                given[member.email] = given.get(member.email, 0) + 1
                plan.reactions.append(
                    PlannedReaction(
                        topic=topic_index,
                        post=post_index,
                        member=member.email,
                        kind=_weighted(rng, kinds, kind_weights),
                        at_s=at_s,
                    )
                )
                if rng.random() < 0.08 and member.email != topic.author:
                    plan.follows.append(
                        PlannedFollow(
                            follower=member.email, topic=topic_index, at_s=_after(at_s, 60)
                        )
                    )


def _plan_joins_and_follows(rng: random.Random, plan: Plan) -> None:
    spaces = [space for space in world.SPACES if space["slug"] != "announcements"]
    for member in plan.members:
        if member.is_brand_team:
            chosen = [space["slug"] for space in world.SPACES]
        else:
            readable = [s for s in spaces if s["slug"] != "summit-club" or member.summit_access]
            # Many members never press "join": posting makes them members without following.
            chosen = ["announcements"] if rng.random() < 0.4 else []
            for _join in range(_weighted(rng, [0, 1, 2], [45, 40, 15])):
                slug = _weighted(rng, readable, [s["weight"] for s in readable])["slug"]
                if slug not in chosen:
                    chosen.append(slug)
        for slug in chosen:
            plan.joins.append(
                PlannedJoin(
                    member=member.email,
                    space=slug,
                    at_s=_after(member.joined_s, rng.randint(60, 5 * DAY)),
                )
            )
    followable = [m for m in plan.members]
    for member in plan.members:
        for _follow in range(_weighted(rng, [0, 1, 2, 3], [35, 35, 20, 10])):
            target = _weighted(rng, followable, [m.activity**1.5 for m in followable])
            if target.email == member.email:
                continue
            start = min(member.joined_s, target.joined_s, WINDOW)
            plan.follows.append(
                PlannedFollow(
                    follower=member.email,
                    member=target.email,
                    at_s=rng.randint(60, max(start - 60, 61)),
                )
            )


def _plan_edits(rng: random.Random, plan: Plan) -> None:
    candidates = [
        (t, p)
        for t, topic in enumerate(plan.topics)
        if not topic.pinned
        for p in range(len(topic.posts))
    ]
    for topic_index, post_index in rng.sample(
        candidates, min(len(candidates), max(2, len(plan.topics) // 25))
    ):
        topic = plan.topics[topic_index]
        post = topic.posts[post_index]
        note = _fill(rng.choice(replies.EDIT_NOTES[post.language]), {"gear": topic.scene["gear"]})
        plan.edits.append(
            PlannedEdit(
                topic=topic_index,
                post=post_index,
                body=f"{post.body}\n\n{note}",
                at_s=_after(post.at_s, rng.randint(300, 5400)),
            )
        )


def build_plan(
    *, seed: int = 2024, members: int = 200, topics: int = 300, replies_total: int = 2000
) -> Plan:
    """The whole demo community, from the seed alone. Each stage has its own random stream."""
    plan = Plan()
    plan.members = _plan_members(random.Random(f"{seed}:members"), max(members, 1))
    plan.topics = _plan_topics(
        random.Random(f"{seed}:topics"), plan.members, topics=topics, reply_total=replies_total
    )
    _plan_reactions(random.Random(f"{seed}:reactions"), plan)
    _plan_joins_and_follows(random.Random(f"{seed}:follows"), plan)
    _plan_edits(random.Random(f"{seed}:edits"), plan)
    return plan
