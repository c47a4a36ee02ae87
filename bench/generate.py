"""Generate a large, realistic community straight into the database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/flywheel_bench \\
        .venv/bin/python -m bench.generate --members 100000 --posts 1000000 --seed 1

Why around the services: `create_topic`/`create_reply` take about a millisecond each (a
transaction, counter updates, the activity row, a Markdown render), so a million posts would
take hours. This is a bulk load instead: every row is computed in memory, the way the services
would have written it, and sent with PostgreSQL's COPY (bulk_create elsewhere, which the tests
use on SQLite). What the services keep consistent, this keeps consistent too:

- Topic.reply_count (live replies), last_posted_at and last_poster, reaction_count;
  Post.number 1..n per topic in time order; Post.reaction_count; Space.member_count and
  topic_count; an accepted answer is a live reply of a question;
- posting joins the space (a SpaceMembership at the first post); joining by hand also
  follows the space; a topic's author follows it; gated spaces only hold members with an
  access grant (or the brand team); announcements come from the brand team;
- body_html is render_markdown(body): each distinct body is rendered once and reused;
- edits keep a PostRevision with the old text; deletions are soft (deleted_at/deleted_by), a
  deleted opening post deletes its topic;
- the Activity log has the rows the services record (sign-ups, topics, replies, reactions,
  accepted answers, joins, edits, deletions) with their payloads and dedupe keys.

Not generated: notifications and the search index (consumers of the activity log; the
benchmarked pages read neither), PostgreSQL full-text vectors, avatars.
"""

import argparse
import json
import logging
import math
import os
import random
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bench import corpus

logger = logging.getLogger("bench.generate")

BENCH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/flywheel_bench"
RANDOM_PAGE_COST = 1.1
BENCH_PASSWORD = "flywheel-bench"  # noqa: S105 - every generated member shares it
DAY = 86_400.0
HISTORY = 2 * 365 * DAY
POSTS_PER_TOPIC = 16.5
STAFF_ROLES = (
    "owner",
    "admin",
    "admin",
    "moderator",
    "moderator",
    "moderator",
    "moderator",
    "moderator",
)
REACTION_KINDS = ("like", "heart", "laugh", "celebrate", "insightful", "eyes")
REACTION_KIND_WEIGHTS = (60, 15, 8, 7, 8, 2)


@dataclass(slots=True)
class TopicPlan:
    space_id: int
    kind: str
    created: float
    author_id: int
    title: str
    wanted_replies: int = 0
    tag_ids: tuple[int, ...] = ()
    id: int = 0
    is_pinned: bool = False
    is_closed: bool = False
    post_ids: list[int] = field(default_factory=list)
    reply_count: int = 0
    reaction_count: int = 0
    last_posted: float = 0.0
    last_poster_id: int = 0
    accepted_post_id: int | None = None
    deleted: float | None = None


@dataclass(slots=True)
class PostPlan:
    created: float
    topic_index: int
    number: int
    author_id: int
    template: int
    reply_to_number: int | None
    id: int = 0
    reaction_count: int = 0
    edited: float | None = None
    old_template: int | None = None  # the text before the edit, kept as a PostRevision
    deleted: float | None = None
    deleted_by_id: int | None = None


@dataclass(slots=True)
class RenderedBody:
    body: str
    body_html: str
    mentioned_handles: tuple[str, ...]


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


class CommunityGenerator:
    """Plans a community in memory (members, spaces, topics, posts, reactions, activity) and
    writes it. One instance per run; the same seed and `now` give the same community."""

    def __init__(self, *, members: int, posts: int, seed: int, now: datetime | None = None):
        if members < 50:
            raise ValueError("Generate at least 50 members.")
        if posts < 200:
            raise ValueError("Generate at least 200 posts.")
        self.member_total = members
        self.post_total = posts
        self.rng = random.Random(seed)
        self.now = (now or datetime.now(UTC)).timestamp()
        self.start = self.now - HISTORY
        self.written: dict[str, int] = {}

    # Planning --------------------------------------------------------------------------------

    def _growth_time(self, low: float | None = None) -> float:
        """A moment in the community's history; activity grows linearly towards today."""
        low = self.start if low is None else low
        return low + (self.now - low) * math.sqrt(self.rng.random())

    def plan_members(self) -> None:
        rng = self.rng
        total = self.member_total
        self.member_ids = list(range(1, total + 1))
        self.staff_ids = list(range(1, len(STAFF_ROLES) + 1))
        self.handles = [""] * (total + 1)
        for member_id in self.member_ids:
            first, last = rng.choice(corpus.FIRST_NAMES), rng.choice(corpus.LAST_NAMES)
            self.handles[member_id] = f"{first}_{last}{member_id}"
        # Posts per member follow a power law; four in ten members never post.
        weights = [
            0.0 if rng.random() < 0.4 else min(rng.paretovariate(1.1), 3000.0)
            for _member in self.member_ids
        ]
        for staff_id in self.staff_ids:
            weights[staff_id - 1] = 40.0
        self.poster_cum_weights = _cumulative(weights)
        self.famous_handles = [
            self.handles[member_id]
            for _weight, member_id in sorted(
                zip(weights, self.member_ids, strict=True), reverse=True
            )[:300]
        ]
        # Readers react far more evenly than writers write.
        self.reactor_cum_weights = _cumulative(
            [0.0 if rng.random() < 0.3 else rng.paretovariate(2.0) for _m in self.member_ids]
        )
        gate_holders = rng.sample(self.member_ids[len(self.staff_ids) :], k=max(5, total // 25))
        self.gate_holder_ids = sorted(gate_holders)
        self.gate_voices = self.staff_ids + self.gate_holder_ids
        self.first_event = [math.inf] * (total + 1)
        self.last_event = [0.0] * (total + 1)

    def plan_texts(self) -> None:
        from flywheel.core.markup import render_markdown

        rng = self.rng
        # Enough distinct texts that pages do not repeat, few enough to render each once.
        sizes = {
            "opening": min(600, max(50, self.post_total // 200)),
            "reply": min(2400, max(100, self.post_total // 50)),
        }
        self.bodies: dict[str, list[RenderedBody]] = {}
        for kind, size in sizes.items():
            templates = [
                corpus.post_body(rng, opening=kind == "opening", famous_handles=self.famous_handles)
                for _index in range(size)
            ]
            self.bodies[kind] = [
                RenderedBody(t.body, render_markdown(t.body), t.mentioned_handles)
                for t in templates
            ]
        self.handle_ids = {self.handles[member_id]: member_id for member_id in self.member_ids}

    def plan_spaces(self) -> None:
        self.spaces = list(corpus.SPACES)
        self.space_ids = list(range(1, len(self.spaces) + 1))
        self.tag_names = list(corpus.TAGS)

    def plan_topics(self) -> None:
        rng = self.rng
        topic_total = max(len(self.spaces) * 2, round(self.post_total / POSTS_PER_TOPIC))
        topic_total = min(topic_total, self.post_total // 2)
        space_cum = _cumulative([space.topic_weight for space in self.spaces])
        # Every space gets a couple of topics, however small the community.
        space_of = self.space_ids * 2 + rng.choices(
            self.space_ids, cum_weights=space_cum, k=topic_total - 2 * len(self.space_ids)
        )
        authors = rng.choices(self.member_ids, cum_weights=self.poster_cum_weights, k=topic_total)
        topics = []
        for space_id, author_id in zip(space_of, authors, strict=True):
            space = self.spaces[space_id - 1]
            if space.announcements_only or rng.random() < 0.01:
                kind = "announcement"
                author_id = rng.choice(self.staff_ids)
            elif rng.random() < space.question_share:
                kind = "question"
            else:
                kind = "discussion"
            if space.visibility == "gated" and kind != "announcement":
                author_id = rng.choice(self.gate_voices)
            tags = ()
            if rng.random() < 0.45:
                tags = tuple(
                    sorted(rng.sample(range(1, len(self.tag_names) + 1), k=rng.randint(1, 3)))
                )
            topics.append(
                TopicPlan(
                    space_id=space_id,
                    kind=kind,
                    created=self._growth_time(),
                    author_id=author_id,
                    title=corpus.topic_title(rng, kind=kind),
                    tag_ids=tags,
                    is_closed=rng.random() < 0.01,
                )
            )
        # Topic ids follow creation time, as they would in a live database.
        topics.sort(key=lambda topic: topic.created)
        for index, topic in enumerate(topics):
            topic.id = index + 1
        # Replies per topic follow a power law; about one topic in seven gets none.
        reply_weights = [
            0.0 if rng.random() < 0.15 else min(rng.paretovariate(1.2), 400.0) for _t in topics
        ]
        reply_total = self.post_total - topic_total
        for topic_index in rng.choices(
            range(topic_total), cum_weights=_cumulative(reply_weights), k=reply_total
        ):
            topics[topic_index].wanted_replies += 1
        for space_id in self.space_ids:
            announcements = [
                t for t in topics if t.space_id == space_id and t.kind == "announcement"
            ]
            for topic in announcements[-2:]:
                topic.is_pinned = True
        self.topics = topics

    def plan_posts(self) -> None:
        rng = self.rng
        reply_total = sum(topic.wanted_replies for topic in self.topics)
        authors = iter(
            rng.choices(self.member_ids, cum_weights=self.poster_cum_weights, k=reply_total)
        )
        opening_pool = len(self.bodies["opening"])
        reply_pool = len(self.bodies["reply"])
        posts: list[PostPlan] = []
        for topic_index, topic in enumerate(self.topics):
            gated = self.spaces[topic.space_id - 1].visibility == "gated"
            posts.append(
                PostPlan(
                    topic.created,
                    topic_index,
                    1,
                    topic.author_id,
                    rng.randrange(opening_pool),
                    None,
                )
            )
            replies = topic.wanted_replies
            if not replies:
                continue
            life = min(rng.expovariate(1 / (2 * DAY)) * (1 + replies / 8), 180 * DAY)
            end = min(self.now, topic.created + life)
            times = sorted(
                topic.created + 30 + (end - topic.created) * rng.random() ** 2
                for _reply in range(replies)
            )
            for number, created in enumerate(times, start=2):
                author_id = next(authors)
                if rng.random() < 0.15:
                    author_id = topic.author_id  # the asker answers back
                elif gated:
                    author_id = rng.choice(self.gate_voices)
                reply_to = rng.randint(1, number - 1) if rng.random() < 0.25 else None
                posts.append(
                    PostPlan(
                        min(created, self.now),
                        topic_index,
                        number,
                        author_id,
                        rng.randrange(reply_pool),
                        reply_to,
                    )
                )
        # Post ids follow time across topics, as they would in a live database.
        posts.sort(key=lambda post: (post.created, post.topic_index, post.number))
        for index, post in enumerate(posts):
            post.id = index + 1
        for post in posts:
            topic = self.topics[post.topic_index]
            topic.post_ids.append(post.id)
        self.posts = posts
        self._plan_edits_and_deletions()
        for post in posts:
            topic = self.topics[post.topic_index]
            if post.number > 1 and post.deleted is None:
                topic.reply_count += 1
            if post.created >= topic.last_posted:
                topic.last_posted = post.created
                topic.last_poster_id = post.author_id
            self._saw(post.author_id, post.created)

    def _plan_edits_and_deletions(self) -> None:
        rng = self.rng
        reply_pool = len(self.bodies["reply"])
        opening_pool = len(self.bodies["opening"])
        for post in self.posts:
            roll = rng.random()
            if roll < 0.01:
                post.edited = min(self.now, post.created + rng.expovariate(1 / 3600))
                post.old_template = post.template
                pool = opening_pool if post.number == 1 else reply_pool
                post.template = rng.randrange(pool)
            elif (post.number > 1 and roll < 0.013) or (post.number == 1 and roll < 0.0105):
                post.deleted = min(self.now, post.created + rng.expovariate(1 / (6 * 3600)))
                post.deleted_by_id = (
                    rng.choice(self.staff_ids) if rng.random() < 0.3 else post.author_id
                )
                if post.number == 1:
                    self.topics[post.topic_index].deleted = post.deleted

    def plan_reactions_and_answers(self) -> None:
        rng = self.rng
        kind_cum = _cumulative(REACTION_KIND_WEIGHTS)
        reactions: list[tuple[float, int, int, str]] = []  # created, post id, member, kind
        for post in self.posts:
            if post.deleted is not None or rng.random() < 0.62:
                continue
            wanted = min(int(rng.paretovariate(1.6)), 60)
            gated = self.spaces[self.topics[post.topic_index].space_id - 1].visibility == "gated"
            if gated:
                reactors = [rng.choice(self.gate_voices) for _r in range(wanted)]
            else:
                reactors = rng.choices(
                    self.member_ids, cum_weights=self.reactor_cum_weights, k=wanted
                )
            kinds = rng.choices(REACTION_KINDS, cum_weights=kind_cum, k=wanted)
            given = set()
            for member_id, kind in zip(reactors, kinds, strict=True):
                if member_id == post.author_id or (member_id, kind) in given:
                    continue
                given.add((member_id, kind))
                created = min(self.now, post.created + rng.expovariate(1 / (6 * 3600)))
                reactions.append((created, post.id, member_id, kind))
                self._saw(member_id, created)
            post.reaction_count = len(given)
            self.topics[post.topic_index].reaction_count += len(given)
        reactions.sort()
        self.reactions = reactions

        posts_by_id = self.posts  # ids are 1-based positions
        self.accepted: list[tuple[float, TopicPlan, PostPlan, int]] = []
        for topic in self.topics:
            if topic.kind != "question" or topic.deleted is not None or rng.random() < 0.55:
                continue
            candidates = [posts_by_id[post_id - 1] for post_id in topic.post_ids[1:6]]
            candidates = [post for post in candidates if post.deleted is None]
            if not candidates:
                continue
            answer = rng.choice(candidates)
            topic.accepted_post_id = answer.id
            by_id = rng.choice(self.staff_ids) if rng.random() < 0.1 else topic.author_id
            at = min(self.now, answer.created + rng.expovariate(1 / DAY))
            self.accepted.append((at, topic, answer, by_id))

    def plan_memberships(self) -> None:
        """Posting joins a space at the first post; others join by hand (and follow it)."""
        rng = self.rng
        memberships: dict[tuple[int, int], list] = {}  # (space, member) -> [joined, by hand, posts]
        for post in self.posts:
            key = (self.topics[post.topic_index].space_id, post.author_id)
            entry = memberships.get(key)
            if entry is None:
                memberships[key] = [post.created, False, 1]
            else:
                entry[2] += 1
        joinable = [
            space_id
            for space_id, space in zip(self.space_ids, self.spaces, strict=True)
            if space.visibility != "gated"
        ]
        gated = [
            space_id
            for space_id, space in zip(self.space_ids, self.spaces, strict=True)
            if space.visibility == "gated"
        ]
        gate_holders = set(self.gate_holder_ids)
        for member_id in self.member_ids:
            if rng.random() < 0.5:
                continue
            choices = joinable + (gated if member_id in gate_holders else [])
            for space_id in rng.sample(choices, k=min(len(choices), rng.randint(1, 3))):
                joined = self._growth_time()
                entry = memberships.get((space_id, member_id))
                if entry is None:
                    memberships[(space_id, member_id)] = [joined, True, 0]
                elif joined < entry[0]:
                    entry[0], entry[1] = joined, True
                self._saw(member_id, joined)
        # Each space's two most active non-staff posters moderate it.
        staff = set(self.staff_ids)
        self.moderators: set[tuple[int, int]] = set()
        for space_id in self.space_ids:
            ranked = sorted(
                (
                    (entry[2], member_id)
                    for (s, member_id), entry in memberships.items()
                    if s == space_id and member_id not in staff and entry[2]
                ),
                reverse=True,
            )
            self.moderators.update((space_id, member_id) for _count, member_id in ranked[:2])
        self.memberships = memberships

    def plan_join_dates(self) -> None:
        rng = self.rng
        self.date_joined = [0.0] * (self.member_total + 1)
        self.last_login: list[float | None] = [None] * (self.member_total + 1)
        for member_id in self.member_ids:
            first = self.first_event[member_id]
            if first == math.inf:
                self.date_joined[member_id] = self._growth_time()
                if rng.random() < 0.6:
                    self.last_login[member_id] = self.date_joined[member_id]
            else:
                joined = first - rng.expovariate(1 / (5 * DAY))
                self.date_joined[member_id] = max(joined, self.start - 30 * DAY)
                self.last_login[member_id] = self.last_event[member_id]

    def _saw(self, member_id: int, at: float) -> None:
        if at < self.first_event[member_id]:
            self.first_event[member_id] = at
        if at > self.last_event[member_id]:
            self.last_event[member_id] = at

    def plan(self) -> None:
        steps = [
            ("members", self.plan_members),
            ("texts", self.plan_texts),
            ("spaces", self.plan_spaces),
            ("topics", self.plan_topics),
            ("posts", self.plan_posts),
            ("reactions", self.plan_reactions_and_answers),
            ("memberships", self.plan_memberships),
            ("join dates", self.plan_join_dates),
        ]
        for name, step in steps:
            started = time.perf_counter()
            step()
            logger.info("planned %s in %.1f s", name, time.perf_counter() - started)

    # Writing ---------------------------------------------------------------------------------

    def write(self) -> dict[str, int]:
        from django.db import transaction

        steps = [
            ("members", self._write_members),
            ("spaces", self._write_spaces),
            # Topics point at their accepted answer and posts at their topic: one transaction,
            # so the deferred foreign keys are checked once both are in.
            ("topics and posts", self._write_topics_and_posts),
            ("memberships and follows", self._write_memberships_and_follows),
            ("reactions", self._write_reactions),
            ("activity", self._write_activity),
        ]
        for name, step in steps:
            started = time.perf_counter()
            with transaction.atomic():
                step()
            logger.info(
                "%s committed (foreign keys checked) after %.1f s",
                name,
                time.perf_counter() - started,
            )
        _reset_sequences()
        return self.written

    def _write(self, model, fields: Sequence[str], rows: Iterable[tuple]) -> None:
        label = model._meta.db_table
        self.written[label] = write_rows(model, fields, rows, label=label)

    def _write_members(self) -> None:
        from django.contrib.auth.hashers import make_password

        from flywheel.accounts.models import User

        password = make_password(BENCH_PASSWORD)  # hashed once, shared by every member
        rng = self.rng
        staff = dict(zip(self.staff_ids, STAFF_ROLES, strict=True))

        def rows():
            for member_id in self.member_ids:
                handle = self.handles[member_id]
                first, last = handle.rstrip("0123456789").split("_", 1)
                role = staff.get(member_id, "member")
                last_login = self.last_login[member_id]
                yield (
                    member_id,
                    password,
                    None if last_login is None else _utc(last_login),
                    role == "owner",
                    role in ("owner", "admin"),
                    True,
                    _utc(self.date_joined[member_id]),
                    f"{handle}@members.example",
                    handle,
                    f"{first.title()} {last.title()}",
                    corpus.FILLER[member_id % len(corpus.FILLER)] if member_id % 5 == 0 else "",
                    "",
                    rng.choice(corpus.LANGUAGES),
                    rng.choice(corpus.TIMEZONES),
                    role,
                    member_id % 4 != 0,
                    True,
                    None,
                )

        self._write(
            User,
            [
                "id",
                "password",
                "last_login",
                "is_superuser",
                "is_staff",
                "is_active",
                "date_joined",
                "email",
                "handle",
                "display_name",
                "bio",
                "avatar",
                "language",
                "timezone",
                "role",
                "digest_enabled",
                "mention_emails_enabled",
                "last_digest_at",
            ],
            rows(),
        )

    def _write_spaces(self) -> None:
        from flywheel.community.models import Space, SpaceAccessGrant, Tag

        member_counts = dict.fromkeys(self.space_ids, 0)
        for space_id, _member_id in self.memberships:
            member_counts[space_id] += 1
        topic_counts = dict.fromkeys(self.space_ids, 0)
        for topic in self.topics:
            if topic.deleted is None:
                topic_counts[topic.space_id] += 1
        created = _utc(self.start - 30 * DAY)
        self._write(
            Space,
            [
                "id",
                "name",
                "slug",
                "description",
                "icon",
                "color",
                "visibility",
                "gate_description",
                "position",
                "member_count",
                "topic_count",
                "created_at",
            ],
            (
                (
                    space_id,
                    space.name,
                    space.slug,
                    space.description,
                    space.icon,
                    space.color,
                    space.visibility,
                    space.gate_description,
                    space_id,
                    member_counts[space_id],
                    topic_counts[space_id],
                    created,
                )
                for space_id, space in zip(self.space_ids, self.spaces, strict=True)
            ),
        )
        self._write(
            Tag,
            ["id", "name", "slug"],
            ((index, name.replace("-", " "), name) for index, name in enumerate(self.tag_names, 1)),
        )
        gated = [
            space_id
            for space_id, space in zip(self.space_ids, self.spaces, strict=True)
            if space.visibility == "gated"
        ]
        self._write(
            SpaceAccessGrant,
            ["id", "space_id", "member_id", "reason", "granted_at"],
            (
                (index, space_id, member_id, "Bought a Summit series product", created)
                for index, (space_id, member_id) in enumerate(
                    (
                        (space_id, member_id)
                        for space_id in gated
                        for member_id in self.gate_holder_ids
                    ),
                    start=1,
                )
            ),
        )

    def _write_topics_and_posts(self) -> None:
        from django.utils.text import slugify

        from flywheel.community.models import Post, PostRevision, Topic

        self._write(
            Topic,
            [
                "id",
                "space_id",
                "author_id",
                "kind",
                "title",
                "slug",
                "is_pinned",
                "is_closed",
                "accepted_answer_id",
                "reply_count",
                "reaction_count",
                "last_posted_at",
                "last_poster_id",
                "created_at",
                "deleted_at",
            ],
            (
                (
                    topic.id,
                    topic.space_id,
                    topic.author_id,
                    topic.kind,
                    topic.title,
                    slugify(topic.title, allow_unicode=True)[:80] or "topic",
                    topic.is_pinned,
                    topic.is_closed,
                    topic.accepted_post_id,
                    topic.reply_count,
                    topic.reaction_count,
                    _utc(topic.last_posted),
                    topic.last_poster_id,
                    _utc(topic.created),
                    None if topic.deleted is None else _utc(topic.deleted),
                )
                for topic in self.topics
            ),
        )
        self._write(
            Topic.tags.through,
            ["id", "topic_id", "tag_id"],
            (
                (index, topic_id, tag_id)
                for index, (topic_id, tag_id) in enumerate(
                    ((topic.id, tag_id) for topic in self.topics for tag_id in topic.tag_ids),
                    start=1,
                )
            ),
        )

        def post_rows():
            for post in self.posts:
                topic = self.topics[post.topic_index]
                text = self._body(post, post.template)
                yield (
                    post.id,
                    topic.id,
                    post.author_id,
                    post.number,
                    None
                    if post.reply_to_number is None
                    else topic.post_ids[post.reply_to_number - 1],
                    text.body,
                    text.body_html,
                    post.reaction_count,
                    _utc(post.created),
                    None if post.edited is None else _utc(post.edited),
                    None if post.deleted is None else _utc(post.deleted),
                    post.deleted_by_id,
                )

        self._write(
            Post,
            [
                "id",
                "topic_id",
                "author_id",
                "number",
                "reply_to_id",
                "body",
                "body_html",
                "reaction_count",
                "created_at",
                "edited_at",
                "deleted_at",
                "deleted_by_id",
            ],
            post_rows(),
        )
        edited = [post for post in self.posts if post.edited is not None]
        self._write(
            PostRevision,
            ["id", "post_id", "editor_id", "title", "body", "created_at"],
            (
                (
                    index,
                    post.id,
                    post.author_id,
                    self.topics[post.topic_index].title if post.number == 1 else "",
                    self._body(post, post.old_template).body,
                    _utc(post.edited),
                )
                for index, post in enumerate(edited, start=1)
            ),
        )

    def _body(self, post: PostPlan, template: int) -> RenderedBody:
        return self.bodies["opening" if post.number == 1 else "reply"][template]

    def _write_memberships_and_follows(self) -> None:
        from flywheel.community.models import Follow, SpaceMembership

        ordered = sorted(
            (entry[0], space_id, member_id, entry[1])
            for (space_id, member_id), entry in self.memberships.items()
        )
        self._write(
            SpaceMembership,
            ["id", "space_id", "member_id", "role", "joined_at"],
            (
                (
                    index,
                    space_id,
                    member_id,
                    "moderator" if (space_id, member_id) in self.moderators else "member",
                    _utc(joined),
                )
                for index, (joined, space_id, member_id, _by_hand) in enumerate(ordered, start=1)
            ),
        )
        follows = sorted(
            [(topic.created, topic.author_id, topic.id, None) for topic in self.topics]
            + [
                (joined, member_id, None, space_id)
                for joined, space_id, member_id, by_hand in ordered
                if by_hand
            ],
            key=lambda follow: follow[0],
        )
        self._write(
            Follow,
            ["id", "follower_id", "topic_id", "space_id", "member_id", "created_at"],
            (
                (index, follower_id, topic_id, space_id, None, _utc(created))
                for index, (created, follower_id, topic_id, space_id) in enumerate(follows, start=1)
            ),
        )

    def _write_reactions(self) -> None:
        from flywheel.community.models import Reaction

        self._write(
            Reaction,
            ["id", "post_id", "member_id", "kind", "created_at"],
            (
                (index, post_id, member_id, kind, _utc(created))
                for index, (created, post_id, member_id, kind) in enumerate(self.reactions, start=1)
            ),
        )

    def _write_activity(self) -> None:
        from django.contrib.contenttypes.models import ContentType

        from flywheel.accounts.models import User
        from flywheel.community.models import Post, Space, Topic
        from flywheel.core.models import Activity

        user_type, space_type, topic_type, post_type = (
            ContentType.objects.get_for_model(model).pk for model in (User, Space, Topic, Post)
        )
        events: list[
            tuple
        ] = []  # created, verb, actor, target type, target id, space, payload, dedupe
        add = events.append
        for member_id in self.member_ids:
            add(
                (
                    self.date_joined[member_id],
                    "member_signed_up",
                    member_id,
                    user_type,
                    member_id,
                    None,
                    "{}",
                    f"member_signed_up:{member_id}",
                )
            )
        for (space_id, member_id), entry in self.memberships.items():
            add((entry[0], "space_joined", member_id, space_type, space_id, space_id, "{}", None))
        for post in self.posts:
            topic = self.topics[post.topic_index]
            text = self._body(post, post.template if post.edited is None else post.old_template)
            mentions = self._mention_ids(text, author_id=post.author_id)
            if post.number == 1:
                payload = {
                    "kind": topic.kind,
                    "post_id": post.id,
                    "length": len(text.body),
                    "mentions": mentions,
                }
                add(
                    (
                        post.created,
                        "topic_created",
                        post.author_id,
                        topic_type,
                        topic.id,
                        topic.space_id,
                        json.dumps(payload),
                        f"topic_created:{topic.id}",
                    )
                )
            else:
                reply_to_author = (
                    None
                    if post.reply_to_number is None
                    else self.posts[topic.post_ids[post.reply_to_number - 1] - 1].author_id
                )
                payload = {
                    "topic_id": topic.id,
                    "length": len(text.body),
                    "reply_to_author_id": reply_to_author,
                    "mentions": mentions,
                }
                add(
                    (
                        post.created,
                        "reply_created",
                        post.author_id,
                        post_type,
                        post.id,
                        topic.space_id,
                        json.dumps(payload),
                        f"reply_created:{post.id}",
                    )
                )
            if post.edited is not None:
                old = set(text.mentioned_handles)
                new_text = self._body(post, post.template)
                new_mentions = [
                    member_id
                    for member_id in self._mention_ids(new_text, author_id=post.author_id)
                    if self.handles[member_id] not in old
                ]
                payload = {"topic_id": topic.id, "mentions": new_mentions}
                add(
                    (
                        post.edited,
                        "post_edited",
                        post.author_id,
                        post_type,
                        post.id,
                        topic.space_id,
                        json.dumps(payload),
                        None,
                    )
                )
            if post.deleted is not None:
                payload = {
                    "topic_id": topic.id,
                    "author_id": post.author_id,
                    "by_moderator": post.deleted_by_id != post.author_id,
                }
                add(
                    (
                        post.deleted,
                        "post_deleted",
                        post.deleted_by_id,
                        post_type,
                        post.id,
                        topic.space_id,
                        json.dumps(payload),
                        f"post_deleted:{post.id}",
                    )
                )
        for created, post_id, member_id, kind in self.reactions:
            post = self.posts[post_id - 1]
            topic = self.topics[post.topic_index]
            payload = {"kind": kind, "author_id": post.author_id, "topic_id": topic.id}
            add(
                (
                    created,
                    "reaction_added",
                    member_id,
                    post_type,
                    post_id,
                    topic.space_id,
                    json.dumps(payload),
                    None,
                )
            )
        for at, topic, answer, by_id in self.accepted:
            payload = {"topic_id": topic.id, "answerer_id": answer.author_id}
            add(
                (
                    at,
                    "answer_accepted",
                    by_id,
                    post_type,
                    answer.id,
                    topic.space_id,
                    json.dumps(payload),
                    f"answer_accepted:{answer.id}",
                )
            )
        events.sort(key=lambda event: event[0])
        self._write(
            Activity,
            [
                "id",
                "actor_id",
                "verb",
                "target_type_id",
                "target_id",
                "space_id",
                "payload",
                "dedupe_key",
                "created_at",
            ],
            (
                (
                    index,
                    actor,
                    verb,
                    target_type,
                    target_id,
                    space_id,
                    payload,
                    dedupe,
                    _utc(created),
                )
                for index, (
                    created,
                    verb,
                    actor,
                    target_type,
                    target_id,
                    space_id,
                    payload,
                    dedupe,
                ) in enumerate(events, start=1)
            ),
        )

    def _mention_ids(self, text: RenderedBody, *, author_id: int) -> list[int]:
        ids = (self.handle_ids[handle] for handle in text.mentioned_handles)
        return [member_id for member_id in ids if member_id != author_id]


def _cumulative(weights: Iterable[float]) -> list[float]:
    total = 0.0
    cumulative = []
    for weight in weights:
        total += weight
        cumulative.append(total)
    return cumulative


def write_rows(model, fields: Sequence[str], rows: Iterable[tuple], *, label: str) -> int:
    """Insert rows (tuples of `fields`' attribute values) into model's table; returns the count.

    PostgreSQL gets COPY; other databases (the tests' SQLite) get bulk_create. Columns the
    caller does not give get the field's default, so a field added later does not break this.
    """
    from django.db import connection

    meta = model._meta
    given = [meta.get_field(name) for name in fields]
    given_columns = {model_field.column for model_field in given}
    missing = [f for f in meta.concrete_fields if f.column not in given_columns]
    defaults = []
    for model_field in missing:
        if model_field.has_default():
            defaults.append(model_field.get_default())
        elif model_field.null:
            defaults.append(None)
        else:
            raise ValueError(
                f"{label}.{model_field.name} has no default; the generator must fill it."
            )
    started = time.perf_counter()
    count = 0
    if connection.vendor == "postgresql":
        prepared = tuple(
            f.get_db_prep_save(value, connection)
            for f, value in zip(missing, defaults, strict=True)
        )
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in given + missing)
        with (
            connection.cursor() as cursor,
            cursor.copy(
                f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"  # noqa: S608 - names from the model
            ) as copy,
        ):
            for row in rows:
                copy.write_row(row + prepared if prepared else row)
                count += 1
                if count % 250_000 == 0:
                    _log_progress(label, count, started)
    else:
        names = [f.attname for f in given] + [f.attname for f in missing]
        batch = []
        for row in rows:
            batch.append(model(**dict(zip(names, row + tuple(defaults), strict=True))))
            count += 1
            if len(batch) == 1000:
                model.objects.bulk_create(batch)
                batch = []
        model.objects.bulk_create(batch)
    _log_progress(label, count, started, done=True)
    return count


def _log_progress(label: str, count: int, started: float, *, done: bool = False) -> None:
    elapsed = max(time.perf_counter() - started, 1e-6)
    logger.info(
        "%s %s: %s rows in %.1f s (%s rows/s)",
        "wrote" if done else "writing",
        label,
        f"{count:,}",
        elapsed,
        f"{count / elapsed:,.0f}",
    )


def _reset_sequences() -> None:
    """Point each id sequence past the ids written here, so the services can add rows."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    models = [model for model in apps.get_models(include_auto_created=True)]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def generate_community(
    *, members: int, posts: int, seed: int, now: datetime | None = None
) -> dict[str, int]:
    """Plan and write a community into an empty database; returns rows written per table."""
    generator = CommunityGenerator(members=members, posts=posts, seed=seed, now=now)
    generator.plan()
    return generator.write()


# Command line ----------------------------------------------------------------------------------


def ensure_database(url: str, *, recreate: bool) -> None:
    """Create the PostgreSQL database the URL names (dropping it first with recreate)."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    settings = dj_database_url.parse(url)
    if settings["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit("The generator loads PostgreSQL only: set DATABASE_URL=postgres://…")
    name = settings["NAME"]
    with psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"] or "postgres",
        password=settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and recreate:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        # The server configuration docs/deploy.md recommends on SSD storage (every benchmark
        # database lives on one): plans that read an index by space instead of scanning.
        admin.execute(
            sql.SQL("ALTER DATABASE {} SET random_page_cost = {}").format(
                sql.Identifier(name), sql.Literal(RANDOM_PAGE_COST)
            )
        )


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flywheel.config.settings")
    # The generator only talks to the database; production settings still want a key.
    os.environ.setdefault("SECRET_KEY", "bench-" + os.urandom(16).hex())
    import django

    django.setup()


def vacuum_analyze() -> None:
    """Fresh planner statistics and visibility maps, as autovacuum would leave a live site."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    logger.info("VACUUM ANALYZE in %.1f s", time.perf_counter() - started)


def database_is_empty() -> bool:
    from flywheel.accounts.models import User

    return not User.objects.exists()


def main(argv: list[str] | None = None) -> dict[str, int]:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--recreate", action="store_true", help="drop and recreate the database first"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    url = os.environ.get("DATABASE_URL", BENCH_DATABASE_URL)
    started = time.perf_counter()
    ensure_database(url, recreate=args.recreate)
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if not database_is_empty():
        raise SystemExit("The database already has members; run with --recreate to start over.")
    written = generate_community(members=args.members, posts=args.posts, seed=args.seed)
    vacuum_analyze()
    total = sum(written.values())
    elapsed = time.perf_counter() - started
    logger.info(
        "generated %s rows in %.0f s (%s rows/s overall)",
        f"{total:,}",
        elapsed,
        f"{total / elapsed:,.0f}",
    )
    return written


if __name__ == "__main__":
    main()
