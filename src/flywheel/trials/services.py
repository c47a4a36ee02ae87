"""Every write about product trials: opening one, applying and withdrawing, selecting by hand
or by a reproducible draw, shipping and receipt, feedback, and the reminder e-mails.

Places are counted under a lock on the trial row (select_for_update), so two staff members
selecting at once never pass the number of places."""

import logging
import random
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from flywheel.core.exceptions import Conflict, InvalidInput
from flywheel.core.markup import render_markdown
from flywheel.core.member_mail import email_member
from flywheel.core.ratelimit import check_rate_limit
from flywheel.core.services import record_activity
from flywheel.trials import permissions
from flywheel.trials.models import (
    TRIAL_APPLIED,
    TRIAL_FEEDBACK_GIVEN,
    TRIAL_SELECTED,
    Application,
    ApplicationStatus,
    FeedbackKind,
    Trial,
    TrialState,
)

logger = logging.getLogger(__name__)

TITLE_MAX = 150
DESCRIPTION_MAX = 5000
QUESTION_MAX = 300
ANSWER_MAX = 2000
MAX_PLACES = 10_000
SEED_MAX = 64
# The first reminder goes this long before the feedback date; the second once it has passed
# (and not later than OVERDUE_WINDOW after it: a tester long gone is not written to).
REMIND_BEFORE = timedelta(days=3)
OVERDUE_WINDOW = timedelta(days=14)


# ---------------------------------------------------------------- e-mail


def _trial_url(trial: Trial) -> str:
    return settings.SITE_URL.rstrip("/") + trial.get_absolute_url()


def _email_after_commit(member, **kwargs) -> None:
    def send() -> None:
        try:
            email_member(member, **kwargs)
        except Exception:  # a selection already saved must not fail on the mail server
            logger.exception("trials: e-mail to member %s failed", member.pk)

    transaction.on_commit(send, robust=True)


# ---------------------------------------------------------------- opening a trial


def _locked(trial: Trial) -> Trial:
    return Trial.objects.select_for_update(of=("self",)).get(pk=trial.pk)


@transaction.atomic
def open_trial(
    *,
    by,
    product,
    title: str,
    places,
    question: str,
    apply_by: datetime,
    feedback_due: datetime,
    description: str = "",
    min_trust_level=0,
    min_tier=None,
    survey=None,
    at: datetime | None = None,
) -> Trial:
    """The brand team opens a tester programme for a product. `min_trust_level` and
    `min_tier` make the segment (neither: any member). Members apply until `apply_by`;
    testers owe their feedback by `feedback_due`. `at` backdates the row (the demo)."""
    permissions.check_run_trials_permission(by)
    now = at or timezone.now()
    if product is None or getattr(product, "deleted", False):
        raise InvalidInput(_("Choose a product that is on sale."), field="product")
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("Give the trial a title."), field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(
            _("Keep the title under %(count)d characters.") % {"count": TITLE_MAX}, field="title"
        )
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise InvalidInput(
            _("Keep the description under %(count)d characters.") % {"count": DESCRIPTION_MAX},
            field="description",
        )
    try:
        places = int(places)
    except (TypeError, ValueError):
        places = 0
    if not 1 <= places <= MAX_PLACES:
        raise InvalidInput(_("Places is a number of testers, at least 1."), field="places")
    question = (question or "").strip()
    if not question:
        raise InvalidInput(_("Ask applicants a question."), field="question")
    if len(question) > QUESTION_MAX:
        raise InvalidInput(
            _("Keep the question under %(count)d characters.") % {"count": QUESTION_MAX},
            field="question",
        )
    try:
        min_trust_level = int(min_trust_level or 0)
    except (TypeError, ValueError):
        min_trust_level = -1
    if not 0 <= min_trust_level <= 4:
        raise InvalidInput(_("Choose a trust level from 0 to 4."), field="min_trust_level")
    if not isinstance(apply_by, datetime) or timezone.is_naive(apply_by):
        raise InvalidInput(_("Give the date applications close."), field="apply_by")
    if not isinstance(feedback_due, datetime) or timezone.is_naive(feedback_due):
        raise InvalidInput(_("Give the date feedback is due."), field="feedback_due")
    if at is None and apply_by <= now:
        raise InvalidInput(_("Applications must close in the future."), field="apply_by")
    if feedback_due <= apply_by:
        raise InvalidInput(_("Feedback is due after applications close."), field="feedback_due")
    return Trial.objects.create(
        product=product,
        title=title,
        description=description,
        description_html=render_markdown(description) if description else "",
        places=places,
        min_trust_level=min_trust_level,
        min_tier=min_tier,
        question=question,
        apply_by=apply_by,
        feedback_due=feedback_due,
        survey=survey,
        created_by=by,
        created_at=now,
    )


@transaction.atomic
def cancel_trial(*, trial: Trial, by) -> Trial:
    """Calls the trial off: it takes no more applications and leaves the members' list."""
    permissions.check_run_trials_permission(by)
    trial = _locked(trial)
    if trial.state != TrialState.CANCELLED:
        trial.state = TrialState.CANCELLED
        trial.save(update_fields=["state"])
    return trial


# ---------------------------------------------------------------- applying


@transaction.atomic
def apply_to_trial(*, trial: Trial, member, answer: str, at: datetime | None = None) -> Application:
    """A member in the trial's segment applies once, answering its question, until the
    apply-by date. A withdrawn application stays: nobody applies twice."""
    permissions.check_apply_permission(member, trial)
    now = at or timezone.now()
    if at is None:
        check_rate_limit(key=f"trials:apply:{member.pk}", rate="20/h")
    if not trial.takes_applications(now):
        raise Conflict(_("Applications for this trial are closed."), field="trial")
    answer = (answer or "").strip()
    if not answer:
        raise InvalidInput(_("Answer the question to apply."), field="answer")
    if len(answer) > ANSWER_MAX:
        raise InvalidInput(
            _("Keep the answer under %(count)d characters.") % {"count": ANSWER_MAX},
            field="answer",
        )
    try:
        with transaction.atomic():
            application = Application.objects.create(
                trial=trial, member=member, answer=answer, applied_at=now
            )
    except IntegrityError as duplicate:
        raise Conflict(_("You already applied to this trial."), field="trial") from duplicate
    record_activity(
        actor=member,
        verb=TRIAL_APPLIED,
        target=trial,
        payload={"trial_id": trial.pk, "product_id": trial.product_id},
        dedupe_key=f"{TRIAL_APPLIED}:{trial.pk}:{member.pk}",
        at=now,
    )
    return application


@transaction.atomic
def withdraw_application(*, trial: Trial, member, at: datetime | None = None) -> Application:
    """A member takes their application back; a selected tester may too until the product
    ships, which frees the place for another applicant."""
    now = at or timezone.now()
    _locked(trial)
    application = Application.objects.select_for_update().filter(trial=trial, member=member).first()
    if application is None or application.status == ApplicationStatus.WITHDRAWN:
        raise Conflict(_("You have no application to withdraw."), field="trial")
    if application.shipped_at is not None:
        raise Conflict(_("Your product has shipped; it can no longer be withdrawn."), field="trial")
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = now
    application.save(update_fields=["status", "withdrawn_at"])
    return application


# ---------------------------------------------------------------- selecting


def places_left(trial: Trial) -> int:
    taken = Application.objects.filter(trial=trial, status=ApplicationStatus.SELECTED).count()
    return max(0, trial.places - taken)


def _select(application: Application, trial: Trial, *, by, draw: bool, now: datetime) -> None:
    application.status = ApplicationStatus.SELECTED
    application.selected_at = now
    application.selected_by = by
    application.selected_by_draw = draw
    application.save(update_fields=["status", "selected_at", "selected_by", "selected_by_draw"])
    record_activity(
        actor=application.member,
        verb=TRIAL_SELECTED,
        target=trial,
        payload={"trial_id": trial.pk, "product_id": trial.product_id, "draw": draw},
        dedupe_key=f"{TRIAL_SELECTED}:{trial.pk}:{application.member_id}",
        at=now,
    )
    _email_after_commit(
        application.member,
        subject="trials/email/selected_subject.txt",
        template="trials/email/selected.txt",
        context={"trial": trial, "url": _trial_url(trial)},
    )


@transaction.atomic
def select_testers(
    *, trial: Trial, by, application_ids, at: datetime | None = None
) -> list[Application]:
    """Staff pick testers by hand among the applicants, within the places left. Picking one
    already selected changes nothing."""
    permissions.check_run_trials_permission(by)
    now = at or timezone.now()
    trial = _locked(trial)
    if trial.state == TrialState.CANCELLED:
        raise Conflict(_("This trial was cancelled."), field="trial")
    try:
        wanted = sorted({int(value) for value in application_ids})
    except (TypeError, ValueError) as error:
        raise InvalidInput(_("Choose applicants from the list."), field="applications") from error
    if not wanted:
        raise InvalidInput(_("Choose at least one applicant."), field="applications")
    applications = list(
        Application.objects.filter(trial=trial, pk__in=wanted)
        .select_related("member")
        .order_by("pk")
    )
    if len(applications) != len(wanted):
        raise InvalidInput(_("Choose applicants from the list."), field="applications")
    waiting = [a for a in applications if a.status == ApplicationStatus.APPLIED]
    if any(a.status == ApplicationStatus.WITHDRAWN for a in applications):
        raise Conflict(_("An applicant withdrew their application."), field="applications")
    if len(waiting) > places_left(trial):
        raise Conflict(
            _("Only %(count)d places are left.") % {"count": places_left(trial)},
            field="applications",
        )
    for application in waiting:
        _select(application, trial, by=by, draw=False, now=now)
    return applications


def draw_order(application_ids, *, seed: str, places: int) -> list[int]:
    """The reproducible draw: the applicants' ids in ascending order, shuffled by Python's
    Mersenne Twister seeded with the seed string (random.Random(seed), whose string seeding
    does not depend on PYTHONHASHSEED), and the first `places` taken. The same seed and the
    same applicants always give the same testers; anyone can check a draw with this function."""
    pool = sorted(int(value) for value in application_ids)
    generator = random.Random(seed)  # noqa: S311 - fairness and reproducibility, not secrecy
    return generator.sample(pool, min(max(places, 0), len(pool)))


@transaction.atomic
def draw_testers(
    *, trial: Trial, by, seed: str = "", at: datetime | None = None
) -> list[Application]:
    """Staff fill the places left at random among the waiting applicants (draw_order). The
    seed is stored on the trial; without one a fresh random seed is made."""
    permissions.check_run_trials_permission(by)
    now = at or timezone.now()
    trial = _locked(trial)
    if trial.state == TrialState.CANCELLED:
        raise Conflict(_("This trial was cancelled."), field="trial")
    seed = (seed or "").strip() or secrets.token_hex(8)
    if len(seed) > SEED_MAX:
        raise InvalidInput(
            _("Keep the seed under %(count)d characters.") % {"count": SEED_MAX}, field="seed"
        )
    free = places_left(trial)
    if free == 0:
        raise Conflict(_("Every place is taken."), field="trial")
    waiting = dict(
        Application.objects.filter(trial=trial, status=ApplicationStatus.APPLIED)
        .select_related("member")
        .in_bulk()
    )
    if not waiting:
        raise Conflict(_("Nobody is waiting to be drawn."), field="trial")
    chosen = [waiting[pk] for pk in draw_order(waiting, seed=seed, places=free)]
    for application in chosen:
        _select(application, trial, by=by, draw=True, now=now)
    trial.draw_seed = seed
    trial.drawn_at = now
    trial.save(update_fields=["draw_seed", "drawn_at"])
    return chosen


# ---------------------------------------------------------------- shipping and receipt


def _tester(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("trial", "member")
        .get(pk=application.pk)
    )


@transaction.atomic
def mark_shipped(*, application: Application, by, at: datetime | None = None) -> Application:
    """Staff record that the tester's product is on its way (once)."""
    permissions.check_run_trials_permission(by)
    application = _tester(application)
    if application.status != ApplicationStatus.SELECTED:
        raise Conflict(_("Only selected testers are shipped a product."), field="application")
    if application.shipped_at is None:
        application.shipped_at = at or timezone.now()
        application.save(update_fields=["shipped_at"])
    return application


@transaction.atomic
def mark_received(*, application: Application, member, at: datetime | None = None) -> Application:
    """The tester says the product arrived (once); their feedback is now due."""
    application = _tester(application)
    permissions.check_tester_permission(member, application)
    if application.shipped_at is None:
        raise Conflict(_("Your product has not shipped yet."), field="application")
    if application.received_at is None:
        application.received_at = at or timezone.now()
        application.save(update_fields=["received_at"])
    return application


# ---------------------------------------------------------------- feedback


@transaction.atomic
def record_feedback(
    *,
    application: Application,
    kind: str,
    review_id: int | None = None,
    rating: int | None = None,
    at: datetime | None = None,
) -> Application:
    """The tester's feedback arrived (a published review of the product, or an answer to the
    trial's survey): logged once as trial_feedback_given. Later feedback changes nothing."""
    application = _tester(application)
    if application.status != ApplicationStatus.SELECTED or application.feedback_given_at:
        return application
    now = at or timezone.now()
    application.feedback_given_at = now
    application.feedback_kind = FeedbackKind(kind)
    application.feedback_review_id = review_id
    application.feedback_rating = rating
    application.save(
        update_fields=[
            "feedback_given_at",
            "feedback_kind",
            "feedback_review_id",
            "feedback_rating",
        ]
    )
    trial = application.trial
    record_activity(
        actor=application.member,
        verb=TRIAL_FEEDBACK_GIVEN,
        target=trial,
        payload={
            "trial_id": trial.pk,
            "product_id": trial.product_id,
            "kind": kind,
            "on_time": now <= trial.feedback_due,
        },
        dedupe_key=f"{TRIAL_FEEDBACK_GIVEN}:{trial.pk}:{application.member_id}",
        at=now,
    )
    return application


# ---------------------------------------------------------------- reminders


def send_feedback_reminders(*, now: datetime | None = None) -> dict[str, int]:
    """E-mail each tester whose product shipped and whose feedback is missing: once in the
    REMIND_BEFORE days before the feedback date, once after it (within OVERDUE_WINDOW), in
    their language and time zone. Run by the beat every hour.

    Exactly once: each reminder is claimed by a conditional update of its stamp in the
    transaction that sends it (a second run, or a concurrent worker, finds it claimed; a failed
    send rolls the claim back for the next run)."""
    now = now or timezone.now()
    owing = Application.objects.filter(
        status=ApplicationStatus.SELECTED,
        shipped_at__isnull=False,
        feedback_given_at__isnull=True,
        trial__state=TrialState.OPEN,
    )
    windows = (
        (
            "reminded_soon_at",
            "soon",
            {"trial__feedback_due__gt": now, "trial__feedback_due__lte": now + REMIND_BEFORE},
        ),
        (
            "reminded_overdue_at",
            "overdue",
            {"trial__feedback_due__lte": now, "trial__feedback_due__gt": now - OVERDUE_WINDOW},
        ),
    )
    counts = {}
    for field, name, window in windows:
        due = (
            owing.filter(**window, **{f"{field}__isnull": True})
            .select_related("trial__product", "member")
            .order_by("trial__feedback_due", "pk")
        )
        sent = 0
        for application in due[:1000]:
            with transaction.atomic():
                claimed = Application.objects.filter(
                    pk=application.pk,
                    feedback_given_at__isnull=True,
                    **{f"{field}__isnull": True},
                ).update(**{field: now})
                if not claimed:
                    continue
                trial = application.trial
                email_member(
                    application.member,
                    subject="trials/email/reminder_subject.txt",
                    template="trials/email/reminder.txt",
                    context={
                        "trial": trial,
                        "overdue": name == "overdue",
                        "url": _trial_url(trial),
                    },
                )
                sent += 1
        counts[name] = sent
    return counts
