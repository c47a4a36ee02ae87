"""Auto-moderation: score a new or edited post and put it in the queue (or hide it).

Toxicity comes from the configured classifier (FLYWHEEL_TEXT_CLASSIFIER), spam from the
signals in spam.py. At FLYWHEEL_TOXICITY_HIDE / FLYWHEEL_SPAM_HIDE the post is hidden pending
review; at FLYWHEEL_TOXICITY_FLAG / FLYWHEEL_SPAM_FLAG a system flag puts it in the queue with
its scores and reasons. Idempotent per activity (the flag's source_key).
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from flywheel.community.models import Post
from flywheel.moderation import services
from flywheel.moderation.classifiers import Scores, get_classifier
from flywheel.moderation.models import (
    ActionKind,
    Flag,
    FlagReason,
    FlagState,
    ModeratedPost,
    PostState,
)
from flywheel.moderation.spam import SpamReport, recent_posts_of, spam_report

SECOND_LANGUAGE = "en"  # members often write English whatever their interface language


@dataclass(frozen=True)
class Decision:
    action: str  # "none", "flag" or "hide"
    scores: Scores
    spam: SpamReport


def text_of(post: Post) -> str:
    if post.is_opening_post:
        return f"{post.topic.title}\n{post.body}"
    return post.body


def score_text(text: str, language: str) -> Scores:
    """The classifier's scores in the member's language, and in English when that is worse."""
    classifier = get_classifier()
    scores = classifier.score(text, language)
    if language != SECOND_LANGUAGE:
        english = classifier.score(text, SECOND_LANGUAGE)
        if english.toxicity > scores.toxicity:
            scores = Scores(
                toxicity=english.toxicity,
                sentiment=scores.sentiment,
                reasons=[*scores.reasons, *english.reasons],
            )
    return scores


def decide(post: Post) -> Decision:
    language = (post.author.language if post.author else None) or "en"
    scores = score_text(text_of(post), language)
    bodies, times = recent_posts_of(post)
    spam = spam_report(post=post, recent_bodies=bodies, recent_times=times)
    if (
        scores.toxicity >= services.toxicity_hide_threshold()
        or spam.score >= services.spam_hide_threshold()
    ):
        action = "hide"
    elif (
        scores.toxicity >= services.toxicity_flag_threshold()
        or spam.score >= services.spam_flag_threshold()
    ):
        action = "flag"
    else:
        action = "none"
    return Decision(action=action, scores=scores, spam=spam)


def moderate_post(post: Post, *, source_key: str) -> Decision:
    decision = decide(post)
    if decision.action == "none":
        return decision
    reasons = [*decision.scores.reasons, *decision.spam.reasons]
    summary = "; ".join(reasons[:5])
    target = post.topic if post.is_opening_post else post
    with transaction.atomic():
        if Flag.objects.filter(source_key=source_key).exists():
            return decision
        item = services.open_review_item(
            target=target,
            reason=f"auto: {summary}",
            toxicity=decision.scores.toxicity,
            spam_score=decision.spam.score,
        )
        from django.contrib.contenttypes.models import ContentType

        Flag.objects.create(
            target_type=ContentType.objects.get_for_model(target),
            target_id=target.pk,
            flagger=None,
            review_item=item,
            reason=FlagReason.AUTOMATIC,
            text=summary[:1000],
            weight=0.0,
            state=FlagState.OPEN,
            source_key=source_key,
        )
        state = (
            ModeratedPost.objects.filter(post=post).values_list("state", flat=True).first() or ""
        )
        scores = {
            "toxicity": decision.scores.toxicity,
            "sentiment": decision.scores.sentiment,
            "spam": decision.spam.score,
            "reasons": reasons,
        }
        if decision.action == "hide" and state != PostState.PENDING:
            before = services.set_post_state(post, PostState.HIDDEN)
            services.log_action(
                actor=None,
                action=ActionKind.AUTO_HIDE,
                target=target,
                reason=_("Hidden pending review: %(reasons)s") % {"reasons": summary},
                before={"state": before or "visible", "post_id": post.pk},
                after={"state": PostState.HIDDEN, **scores},
                space=item.space,
            )
        else:
            services.log_action(
                actor=None,
                action=ActionKind.AUTO_FLAG,
                target=target,
                reason=_("Sent to the queue: %(reasons)s") % {"reasons": summary},
                before={"state": state or "visible", "post_id": post.pk},
                after=scores,
                space=item.space,
            )
    return decision
