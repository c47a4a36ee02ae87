"""Write a demo plan into the database through the community services, idempotently.

Everything a member would do goes through `community.services` (so Activity rows, counters,
follows and notifications exist as in real life), at the planned moment in the past. Every
step first checks whether it already happened, so a second run creates nothing and an
interrupted run picks up where it stopped.

Some services have no `at=` argument (reactions, follows, joins, accepted answers, edits);
their rows are moved back to the planned moment right after the call, inside the same
transaction, so the activity consumers that run on commit already see the historical time.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.db import transaction
from django.utils import timezone

from flywheel.accounts.services import record_member_signed_up
from flywheel.community import services
from flywheel.community.models import (
    Follow,
    Post,
    PostRevision,
    Reaction,
    Space,
    SpaceAccessGrant,
    SpaceMembership,
    Topic,
)
from flywheel.core.models import Activity, Verb
from flywheel.demo.content import people, world
from flywheel.demo.plan import STAFF_JOINED_BEFORE, Plan

BATCH_SIZE = 200  # events per transaction: fast on SQLite, and a crash loses one batch at most
GRANT_REASON = "Bought a Summit Series jacket (demo)"


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    planned: dict[str, int] = field(default_factory=dict)

    def count(self, stage: str) -> None:
        self.created[stage] = self.created.get(stage, 0) + 1


def demo_anchor(now: dt.datetime | None = None) -> dt.datetime:
    """The moment the demo's history ends: fixed by the owner's sign-up once it exists."""
    owner = get_user_model().objects.filter(email=people.STAFF[0]["email"]).first()
    if owner is not None:
        return owner.date_joined + dt.timedelta(seconds=STAFF_JOINED_BEFORE)
    return (now or timezone.now()).replace(second=0, microsecond=0)


class DemoSeeder:
    def __init__(
        self, plan: Plan, *, anchor: dt.datetime, progress: Callable[[str], None] | None = None
    ):
        self.plan = plan
        self.anchor = anchor
        self.progress = progress or (lambda line: None)
        self.report = SeedReport()
        self.users: dict = {}
        self.spaces: dict[str, Space] = {}
        self.topics: dict[int, Topic] = {}  # plan index → topic
        self.posts: dict[tuple[int, int], Post] = {}  # (plan topic, plan post) → post

    def at(self, seconds_before: int) -> dt.datetime:
        return self.anchor - dt.timedelta(seconds=seconds_before)

    # Stages ----------------------------------------------------------------------------------

    def run(self) -> SeedReport:
        self.ensure_site()
        self.ensure_spaces()
        self.ensure_members()
        self.load_existing()
        self.run_history()
        self.run_store()
        self.run_referrals()
        self.run_events()
        self.run_trials()
        self.run_analytics()
        self.run_ideas()
        self.run_surveys()
        self.run_calendar()
        self.run_challenges()
        return self.report

    def run_store(self) -> None:
        from flywheel.demo.store import seed_store

        created = seed_store(self.plan, anchor=self.anchor, progress=self.progress)
        if created:
            self.report.created["store orders"] = created

    def run_referrals(self) -> None:
        from flywheel.demo.referrals import seed_referrals

        created = seed_referrals(self.plan, anchor=self.anchor, progress=self.progress)
        if created:
            self.report.created["referral rows"] = created

    def run_events(self) -> None:
        from flywheel.demo.events import seed_events

        created = seed_events(self.plan, anchor=self.anchor, progress=self.progress)
        if created:
            self.report.created["events and chapters"] = created

    def run_trials(self) -> None:
        from flywheel.demo.trials import seed_trials

        created = seed_trials(anchor=self.anchor, progress=self.progress)
        if created:
            self.report.created["product trials"] = created

    def run_analytics(self) -> None:
        from flywheel.demo.analytics import seed_analytics

        created = seed_analytics(anchor=self.anchor, progress=self.progress)
        if created:
            self.report.created["analytics rows"] = created

    def run_ideas(self) -> None:
        from flywheel.demo.ideas import seed_ideas

        created = seed_ideas(self.plan, anchor=self.anchor, progress=self.progress)
        if created:
            self.report.created["ideas and feature requests"] = created

    def run_surveys(self) -> None:
        from flywheel.demo.surveys import seed_surveys

        created = seed_surveys(self.plan, anchor=self.anchor, progress=self.progress)
        if created:
            self.report.created["poll votes and survey answers"] = created

    def run_calendar(self) -> None:
        from flywheel.demo.programming import seed_calendar

        created = seed_calendar(anchor=self.anchor, progress=self.progress)
        if created:
            self.report.created["calendar rows"] = created

    def run_challenges(self) -> None:
        from flywheel.demo.challenges import seed_challenges

        created = seed_challenges(self.plan, anchor=self.anchor, progress=self.progress)
        if created:
            self.report.created["challenge rows"] = created

    def ensure_site(self) -> None:
        Site.objects.update_or_create(
            pk=1, defaults={"domain": world.SITE_DOMAIN, "name": world.SITE_NAME}
        )

    def ensure_spaces(self) -> None:
        for position, spec in enumerate(world.SPACES):
            space, created = Space.objects.get_or_create(
                slug=spec["slug"],
                defaults={
                    "name": spec["name"],
                    "description": spec["description"],
                    "icon": spec["icon"],
                    "color": spec["color"],
                    "visibility": spec["visibility"],
                    "gate_description": spec.get("gate_description", ""),
                    "position": position,
                },
            )
            if created:
                self.report.count("spaces")
            self.spaces[spec["slug"]] = space
        self.progress(f"spaces {len(self.spaces)}/{len(world.SPACES)}")

    @transaction.atomic
    def ensure_members(self) -> None:
        user_model = get_user_model()
        planned = self.plan.members
        existing = {
            user.email: user
            for user in user_model.objects.filter(email__in=[m.email for m in planned])
        }
        # One hash for everyone: hashing 200 passwords one by one takes over a minute.
        password = make_password(people.DEMO_PASSWORD)
        for member in planned:
            user = existing.get(member.email)
            if user is None:
                user = user_model.objects.create(
                    email=member.email,
                    handle=member.handle,
                    display_name=member.display_name,
                    bio=member.bio,
                    language=member.language,
                    timezone=member.timezone,
                    role=member.role,
                    is_staff=member.superuser,
                    is_superuser=member.superuser,
                    password=password,
                    date_joined=self.at(member.joined_s),
                )
                record_member_signed_up(member=user)
                self.report.count("members")
            self.users[member.email] = user
        verified = set(
            EmailAddress.objects.filter(user__in=self.users.values()).values_list(
                "email", flat=True
            )
        )
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user=self.users[m.email], email=m.email, primary=True, verified=True)
                for m in planned
                if m.email not in verified
            ]
        )
        summit = self.spaces["summit-club"]
        granted = set(
            SpaceAccessGrant.objects.filter(space=summit).values_list("member_id", flat=True)
        )
        for member in planned:
            user = self.users[member.email]
            if member.summit_access and not member.is_brand_team and user.pk not in granted:
                grant = SpaceAccessGrant.objects.create(
                    space=summit, member=user, reason=GRANT_REASON
                )
                SpaceAccessGrant.objects.filter(pk=grant.pk).update(
                    granted_at=self.at(member.joined_s)
                )
        owner = self.users[planned[0].email]
        for member in planned:
            if member.moderates:
                space, user = self.spaces[member.moderates], self.users[member.email]
                at = self.at(member.joined_s)
                services.set_space_moderator(space=space, member=user, is_moderator=True, by=owner)
                SpaceMembership.objects.filter(space=space, member=user).update(joined_at=at)
                Activity.objects.filter(
                    actor=user, verb=Verb.SPACE_JOINED, space=space, created_at__gt=at
                ).update(created_at=at)
        self.progress(f"members {len(self.users)}/{len(planned)}")

    def load_existing(self) -> None:
        """What an earlier run already wrote, keyed like the plan, in a handful of queries."""
        by_title = {
            (topic.space_id, topic.title): topic
            for topic in Topic.objects.filter(space__in=self.spaces.values()).select_related(
                "space"
            )
        }
        for index, planned in enumerate(self.plan.topics):
            topic = by_title.get((self.spaces[planned.space].pk, planned.title))
            if topic is not None:
                self.topics[index] = topic
        topic_index = {topic.pk: index for index, topic in self.topics.items()}
        for post in Post.objects.filter(topic__in=list(self.topics.values())):
            self.posts[(topic_index[post.topic_id], post.number - 1)] = post
        self.reactions = set(
            Reaction.objects.filter(post__topic__in=list(self.topics.values())).values_list(
                "post_id", "member_id", "kind"
            )
        )
        follows = Follow.objects.filter(follower__in=self.users.values())
        self.topic_follows = set(
            follows.filter(topic__isnull=False).values_list("follower_id", "topic_id")
        )
        self.member_follows = set(
            follows.filter(member__isnull=False).values_list("follower_id", "member_id")
        )
        self.space_follows = set(
            follows.filter(space__isnull=False).values_list("follower_id", "space_id")
        )
        self.edited = set(
            PostRevision.objects.filter(post__in=self.posts.values()).values_list(
                "post_id", flat=True
            )
        )

    # History -----------------------------------------------------------------------------------

    def events(self) -> list[tuple[int, int, Callable[[], None]]]:
        """Every planned action as (seconds before anchor, order, action), oldest first."""
        plan = self.plan
        events: list[tuple[int, int, Callable[[], None]]] = [
            (join.at_s, 0, lambda j=join: self.join(j)) for join in plan.joins
        ]
        for index, topic in enumerate(plan.topics):
            events.append((topic.at_s, 1, lambda i=index: self.create_topic(i)))
            events.extend(
                (topic.posts[number].at_s, 2, lambda i=index, n=number: self.create_reply(i, n))
                for number in range(1, len(topic.posts))
            )
            if topic.accepted is not None:
                events.append((topic.accepted_s, 3, lambda i=index: self.accept(i)))
        events.extend((r.at_s, 4, lambda r=r: self.react(r)) for r in plan.reactions)
        events.extend((f.at_s, 5, lambda f=f: self.follow(f)) for f in plan.follows)
        events.extend((e.at_s, 6, lambda e=e: self.edit(e)) for e in plan.edits)
        events.sort(key=lambda event: (-event[0], event[1]))
        return events

    def run_history(self) -> None:
        plan = self.plan
        self.report.planned = {
            "topics": len(plan.topics),
            "replies": plan.reply_count,
            "reactions": len(plan.reactions),
            "follows": len(plan.follows),
        }
        events = self.events()
        step = max(len(events) // 10, 1)
        for start in range(0, len(events), BATCH_SIZE):
            with transaction.atomic():
                for _at, _order, action in events[start : start + BATCH_SIZE]:
                    action()
            done = min(start + BATCH_SIZE, len(events))
            if done // step != start // step or done == len(events):
                self.progress(self.progress_line(done, len(events)))

    def progress_line(self, done: int, total: int) -> str:
        plan = self.plan
        replies = sum(1 for _topic, number in self.posts if number)
        return (
            f"history {100 * done // max(total, 1):3d}%  topics {len(self.topics)}/"
            f"{len(plan.topics)}  replies {replies}/{plan.reply_count}  "
            f"reactions {len(self.reactions)}/{len(plan.reactions)}"
        )

    # One action each: skip when done, else call the service and date it -----------------------

    def join(self, join) -> None:
        member, space = self.users[join.member], self.spaces[join.space]
        if (member.pk, space.pk) in self.space_follows:
            return
        at = self.at(join.at_s)
        services.join_space(member=member, space=space)
        SpaceMembership.objects.filter(space=space, member=member, joined_at__gt=at).update(
            joined_at=at
        )
        Follow.objects.filter(follower=member, space=space).update(created_at=at)
        Activity.objects.filter(
            actor=member, verb=Verb.SPACE_JOINED, space=space, created_at__gt=at
        ).update(created_at=at)
        self.space_follows.add((member.pk, space.pk))
        self.report.count("joins")

    def create_topic(self, index: int) -> None:
        if index in self.topics:
            return
        planned = self.plan.topics[index]
        opening = planned.posts[0]
        topic = services.create_topic(
            author=self.users[opening.author],
            space=self.spaces[planned.space],
            title=planned.title,
            body=opening.body,
            kind=planned.kind,
            tags=planned.tags,
            at=self.at(opening.at_s),
            enforce_rate_limit=False,
        )
        if planned.pinned:
            topic = services.set_topic_flags(
                topic=topic, by=self.users[opening.author], pinned=True
            )
        self.topics[index] = topic
        self.posts[(index, 0)] = topic.posts.get(number=1)
        self.topic_follows.add((self.users[opening.author].pk, topic.pk))
        self.report.count("topics")

    def create_reply(self, index: int, number: int) -> None:
        if (index, number) in self.posts or index not in self.topics:
            return
        planned = self.plan.topics[index].posts[number]
        reply_to = (
            self.posts.get((index, planned.reply_to)) if planned.reply_to is not None else None
        )
        self.posts[(index, number)] = services.create_reply(
            author=self.users[planned.author],
            topic=self.topics[index],
            body=planned.body,
            reply_to=reply_to,
            at=self.at(planned.at_s),
            enforce_rate_limit=False,
        )
        self.report.count("replies")

    def accept(self, index: int) -> None:
        planned = self.plan.topics[index]
        reply = self.posts.get((index, planned.accepted))
        topic = self.topics.get(index)
        if reply is None or topic is None or topic.accepted_answer_id is not None:
            return
        self.topics[index] = services.accept_answer(reply=reply, by=self.users[planned.accepted_by])
        Activity.objects.filter(dedupe_key=f"answer_accepted:{reply.pk}").update(
            created_at=self.at(planned.accepted_s)
        )
        self.report.count("accepted answers")

    def react(self, reaction) -> None:
        post = self.posts.get((reaction.topic, reaction.post))
        member = self.users[reaction.member]
        if post is None or (post.pk, member.pk, reaction.kind) in self.reactions:
            return
        at = self.at(reaction.at_s)
        services.toggle_reaction(
            member=member, post=post, kind=reaction.kind, enforce_rate_limit=False
        )
        Reaction.objects.filter(post=post, member=member, kind=reaction.kind).update(created_at=at)
        Activity.objects.filter(
            actor=member,
            verb=Verb.REACTION_ADDED,
            target_type=self.content_type(Post),
            target_id=post.pk,
            created_at__gt=at,
        ).update(created_at=at)
        self.reactions.add((post.pk, member.pk, reaction.kind))
        self.report.count("reactions")

    def follow(self, follow) -> None:
        follower = self.users[follow.follower]
        at = self.at(follow.at_s)
        if follow.member is not None:
            target = self.users[follow.member]
            if (follower.pk, target.pk) in self.member_follows:
                return
            services.follow(follower=follower, member=target)
            Follow.objects.filter(follower=follower, member=target).update(created_at=at)
            self.member_follows.add((follower.pk, target.pk))
        else:
            target = self.topics.get(follow.topic)
            if target is None or (follower.pk, target.pk) in self.topic_follows:
                return
            services.follow(follower=follower, topic=target)
            Follow.objects.filter(follower=follower, topic=target).update(created_at=at)
            self.topic_follows.add((follower.pk, target.pk))
        Activity.objects.filter(
            actor=follower,
            verb=Verb.FOLLOWED,
            target_type=self.content_type(type(target)),
            target_id=target.pk,
            created_at__gt=at,
        ).update(created_at=at)
        self.report.count("follows")

    def edit(self, edit) -> None:
        post = self.posts.get((edit.topic, edit.post))
        if post is None or post.pk in self.edited:
            return
        at = self.at(edit.at_s)
        services.edit_post(
            post=post,
            editor=self.users[self.plan.topics[edit.topic].posts[edit.post].author],
            body=edit.body,
        )
        Post.objects.filter(pk=post.pk).update(edited_at=at)
        PostRevision.objects.filter(post=post).update(created_at=at)
        Activity.objects.filter(
            verb=Verb.POST_EDITED, target_type=self.content_type(Post), target_id=post.pk
        ).update(created_at=at)
        self.edited.add(post.pk)
        self.report.count("edits")

    def content_type(self, model) -> ContentType:
        return ContentType.objects.get_for_model(model)
