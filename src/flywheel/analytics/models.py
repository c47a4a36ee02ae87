"""Rollup tables: what the console reads instead of the activity log and the orders.

Every row here is derived: `flywheel analytics rebuild` deletes and recomputes them from
`core.Activity`, `commerce.Order` and the community tables, and the periodic task
`analytics.tasks.update_rollups` recomputes only what changed since its last run
(`RollupCursor`). Days are the member's *local* calendar days (`User.timezone`), so "active
on Monday" means Monday where the member lives. Only `CommunityCost` is entered by staff.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0.00")


class MemberSource(models.TextChoices):
    ORGANIC = "organic", _("Organic")
    STORE_CUSTOMER = "store_customer", _("Store customer who joined")
    REFERRAL = "referral", _("Referral")


class MemberFact(models.Model):
    """One row per member: when they joined (local day), where they came from, first order."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="analytics_fact"
    )
    joined_on = models.DateField(db_index=True)
    cohort_month = models.DateField()  # the first of joined_on's month
    source = models.CharField(max_length=20, choices=MemberSource.choices)
    is_team = models.BooleanField(default=False)
    first_order_on = models.DateField(null=True, blank=True)
    first_active_on = models.DateField(null=True, blank=True)
    last_active_on = models.DateField(null=True, blank=True, db_index=True)
    # The time zone the member's local days were computed in (their rows: days, months,
    # customer-days). The periodic update recomputes a member whose zone has changed since.
    timezone = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("member fact")
        verbose_name_plural = _("member facts")

    def __str__(self) -> str:
        return f"{self.member_id} joined {self.joined_on}"


class MemberDay(models.Model):
    """One row per member, local day and space (NULL: no space) on which they interacted."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    space = models.ForeignKey(
        "community.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    topics = models.PositiveIntegerField(default=0)
    questions = models.PositiveIntegerField(default=0)
    replies = models.PositiveIntegerField(default=0)
    reactions = models.PositiveIntegerField(default=0)
    # Follows, joins, accepted answers and edits: interactions that are not posts or reactions.
    other = models.PositiveIntegerField(default=0)
    # The member's role is on the brand team (copied from the role, refreshed with the rollups):
    # member figures leave the team out without joining the user table, which at a million
    # members is most of a query's time (docs/benchmarks.md).
    is_team = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("member day")
        verbose_name_plural = _("member days")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "day", "space"],
                condition=Q(space__isnull=False),
                name="analytics_memberday_unique_in_space",
            ),
            models.UniqueConstraint(
                fields=["member", "day"],
                condition=Q(space__isnull=True),
                name="analytics_memberday_unique_no_space",
            ),
        ]
        indexes = [
            # Community figures: index-only scans of the member-days of a period (and space),
            # the counts carried in the index (PostgreSQL; SQLite ignores `include`).
            models.Index(
                fields=["day", "member"],
                name="analytics_memberday_community",
                condition=Q(is_team=False),
                include=["space", "topics", "questions", "replies", "reactions", "other"],
            ),
            models.Index(
                fields=["space", "day", "member"],
                name="analytics_memberday_space",
                condition=Q(is_team=False),
                include=["topics", "questions", "replies", "reactions", "other"],
            ),
            # A segment's figures: a nested loop over the segment's stored members reads only
            # their member-days of the period (the planner keeps the period scan above for a
            # segment too large for that).
            models.Index(
                fields=["member", "day"],
                name="analytics_memberday_member",
                condition=Q(is_team=False),
                include=["space", "topics", "questions", "replies", "reactions", "other"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.day} {self.space_id}"

    @property
    def interactions(self) -> int:
        return self.topics + self.replies + self.reactions + self.other


# The trailing windows (days, ending on a summary's day) whose distinct active members each
# DaySummary carries: the console's period choices (7, 30, 90, 365 days) and WAU/MAU.
SUMMARY_WINDOWS = (7, 30, 90, 365)


class DaySummary(models.Model):
    """The community's figures of one local day, for all spaces (space NULL) or one space,
    brand team left out: the day's sums and distinct active members (`active` is the DAU),
    and the distinct members active in the 7, 30, 90 and 365 days ending that day.

    Derived from MemberDay by the rollups (services.recompute_day_summaries) for every day
    up to tomorrow, so a standard period's figures are a read of a few hundred rows instead
    of a distinct count over every member-day in it (docs/benchmarks.md)."""

    day = models.DateField()
    space = models.ForeignKey(
        "community.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    active = models.PositiveIntegerField(default=0)
    active_7 = models.PositiveIntegerField(default=0)
    active_30 = models.PositiveIntegerField(default=0)
    active_90 = models.PositiveIntegerField(default=0)
    active_365 = models.PositiveIntegerField(default=0)
    topics = models.PositiveIntegerField(default=0)
    questions = models.PositiveIntegerField(default=0)
    replies = models.PositiveIntegerField(default=0)
    reactions = models.PositiveIntegerField(default=0)
    other = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["space", "day"],
                condition=Q(space__isnull=False),
                name="analytics_daysummary_unique_space",
            ),
            models.UniqueConstraint(
                fields=["day"],
                condition=Q(space__isnull=True),
                name="analytics_daysummary_unique_all",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.space_id or 'all'}"


# The all-currencies row of CommerceDaySummary (distinct and repeat customers whatever the
# currency; its money columns stay zero: amounts are never summed across currencies).
ALL_CURRENCIES = ""


class CommerceDaySummary(models.Model):
    """The store's figures of one local day (CustomerDay's days) per currency: the day's
    counting orders and net revenue (and the members' part), and the distinct customers (and
    member customers) with an order in the 7, 30, 90 and 365 days ending that day. The row
    with currency ALL_CURRENCIES counts customers whatever the currency, and the repeat
    customers (two orders or more) of each window.

    Derived from CustomerDay by the rollups (services.recompute_commerce_summaries) for every
    day up to tomorrow, like DaySummary: the commerce figures of a standard period are a read
    of its rows instead of distinct counts over every customer-day (docs/benchmarks.md)."""

    day = models.DateField()
    currency = models.CharField(max_length=3, blank=True)
    orders = models.PositiveIntegerField(default=0)
    revenue = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    member_orders = models.PositiveIntegerField(default=0)
    member_revenue = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    customers_7 = models.PositiveIntegerField(default=0)
    customers_30 = models.PositiveIntegerField(default=0)
    customers_90 = models.PositiveIntegerField(default=0)
    customers_365 = models.PositiveIntegerField(default=0)
    member_customers_7 = models.PositiveIntegerField(default=0)
    member_customers_30 = models.PositiveIntegerField(default=0)
    member_customers_90 = models.PositiveIntegerField(default=0)
    member_customers_365 = models.PositiveIntegerField(default=0)
    repeat_7 = models.PositiveIntegerField(default=0)
    repeat_30 = models.PositiveIntegerField(default=0)
    repeat_90 = models.PositiveIntegerField(default=0)
    repeat_365 = models.PositiveIntegerField(default=0)
    # Existing customers (member_value_comparison): the customers whose first counting order
    # in this currency fell on this day, and the member customers counted from this day (their
    # first order in the currency and their joining both on or before it). Summed over the
    # days before a period they are the period's existing customers, members or not.
    new_customers = models.PositiveIntegerField(default=0)
    new_member_customers = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "currency"], name="analytics_commercedaysummary_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.currency or 'all'}"


class SegmentMember(models.Model):
    """A member is in a saved member segment (queries.MEMBER_SEGMENTS) as of the segment's
    SegmentState.as_of: rewritten by the periodic update (services.refresh_segments), so the
    console's segment filters, lists and exports read this instead of evaluating the
    segment over the member-days on every request."""

    segment = models.CharField(max_length=40)
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["segment", "member"], name="analytics_segment_member")
        ]

    def __str__(self) -> str:
        return f"{self.segment} {self.member_id}"


class SegmentState(models.Model):
    """The day a saved segment (any of queries.SEGMENTS) was last evaluated for, and its size
    then. A segment whose state is not today's is evaluated on request, as before."""

    segment = models.CharField(max_length=40, unique=True)
    as_of = models.DateField()
    size = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.segment} {self.as_of} {self.size}"


class MemberMonth(models.Model):
    """A member was active in this local calendar month: retention cohorts and MAU by month."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    cohort_month = models.DateField()
    is_team = models.BooleanField(default=False)  # as MemberDay.is_team

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="analytics_membermonth_unique")
        ]
        indexes = [models.Index(fields=["cohort_month", "month"], name="analytics_cohort")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.month:%Y-%m}"


class CustomerDay(models.Model):
    """A store customer's counting orders on one day (the linked member's local day, else
    UTC), per currency: order count and net revenue (total minus refunds)."""

    customer = models.ForeignKey("commerce.Customer", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    currency = models.CharField(max_length=3)
    orders = models.PositiveIntegerField(default=0)
    revenue = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    # Days between the member's sign-up (local day) and this day: negative before joining.
    # Stored so the before/after-joining comparison is plain SQL on both databases.
    days_since_joined = models.IntegerField(null=True, blank=True)
    # The customer's first counting order day (any currency), on every row of the customer:
    # "an existing customer" of a period that starts after it.
    customer_since = models.DateField(null=True, blank=True)
    # For a customer linked to a member: the later of customer_since and the member's joining
    # day, on every row (an existing customer who is a member from that day on); else NULL.
    member_customer_since = models.DateField(null=True, blank=True)
    # The customer's first row in this currency (counted in CommerceDaySummary.new_customers),
    # and for a member's customer the day it counts in new_member_customers (the later of
    # this day and their joining day); NULL on their other rows.
    first_in_currency = models.BooleanField(default=False)
    member_counted_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "day", "currency"], name="analytics_customerday_unique"
            )
        ]
        indexes = [
            # A period's customer-days, index-only for the members-vs-non-members revenue (its
            # rows are spread over the table in customer order: a heap read per row otherwise).
            models.Index(
                fields=["day", "currency"],
                name="analytics_customerday_period",
                include=["revenue", "customer_since", "member_customer_since"],
            ),
            models.Index(fields=["member", "day"], name="analytics_customerday_member"),
            # The commerce summaries' new member customers of a few days (the periodic update).
            models.Index(
                fields=["member_counted_on", "currency"],
                name="analytics_customerday_counted",
                condition=Q(member_counted_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.day} {self.orders} {self.revenue} {self.currency}"


class QuestionFact(models.Model):
    """One row per question topic: who answered it first, how fast, and whether it is solved."""

    topic = models.OneToOneField("community.Topic", on_delete=models.CASCADE, related_name="+")
    space = models.ForeignKey("community.Space", on_delete=models.CASCADE, related_name="+")
    asked_on = models.DateField()
    asked_at = models.DateTimeField()
    first_reply_at = models.DateTimeField(null=True, blank=True)
    # The person who answered: the accepted answer's author, else the first other replier.
    answered_by_team = models.BooleanField(null=True, blank=True)
    solved = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["space", "asked_on"], name="analytics_question_space")]

    def __str__(self) -> str:
        return f"question {self.topic_id}"


class CostCategory(models.TextChoices):
    TOOLS = "tools", _("Tools and software")
    INCENTIVES = "incentives", _("Incentives (other than points)")
    STAFF_TIME = "staff_time", _("Staff time")
    OTHER = "other", _("Other")


class CommunityCost(models.Model):
    """What the community cost in one month, entered by owners and admins."""

    month = models.DateField(_("month"))
    category = models.CharField(_("category"), max_length=20, choices=CostCategory.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    note = models.CharField(_("note"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("community cost")
        verbose_name_plural = _("community costs")
        ordering = ["-month", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "category", "currency"], name="analytics_cost_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="analytics_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.category} {self.amount} {self.currency}"


class RollupCursor(models.Model):
    """Where the incremental rollup stands: the last activity id and order change time seen."""

    name = models.CharField(max_length=40, unique=True)
    last_activity_id = models.BigIntegerField(default=0)
    # The ids within the lookback below last_activity_id that had no committed row at the last
    # run (a transaction still open then, or rolled back): the next run reads those again and
    # not the rows it has counted, whose days may lie anywhere in the past. Null: not known
    # (after a rebuild), so the next run counts every row of the lookback again.
    activity_gaps = models.JSONField(null=True, blank=True)
    orders_changed_since = models.DateTimeField(null=True, blank=True)
    last_post_id = models.BigIntegerField(default=0)  # the voice of the member (PostVoice)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name


class StaffReportSent(models.Model):
    """The weekly staff e-mail went (or is going) to this recipient for this week.

    Written before sending, deleted if sending fails: the unique pair makes a second run of
    the beat, or `flywheel analytics send-weekly` by hand, send nothing twice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    week_start = models.DateField()  # the Monday of the reported week
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "week_start"], name="analytics_one_report_per_week"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.week_start.isoformat()}"


class TopicReadDay(models.Model):
    """How many times a topic page was shown on a UTC day, signed in or not (analytics/reads.py
    buffers the views in the cache and adds them here every minute)."""

    topic = models.ForeignKey("community.Topic", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    reads = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "day"], name="analytics_topic_read_day")
        ]
        indexes = [models.Index(fields=["day", "topic"], name="analytics_topicread_day")]

    def __str__(self) -> str:
        return f"{self.topic_id} {self.day} {self.reads}"


class ProductLinkClick(models.Model):
    """Someone followed a link to the brand's shop from a post (analytics/links.py): the
    signed-in member, or nobody for a guest. Orders the member places within the attribution
    window after a click are community-attributed revenue."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    url = models.URLField(max_length=2000)
    clicked_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["member", "clicked_at"], name="analytics_click_member")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.clicked_at:%Y-%m-%d %H:%M} {self.url[:60]}"


class PostVoice(models.Model):
    """A post as the voice of the member reads it (analytics/voice.py), written once when the
    rollup first sees the post: its sentiment through the moderation classifier, its
    candidate theme phrases and whether it asks for something."""

    post = models.OneToOneField("community.Post", on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey("community.Topic", on_delete=models.CASCADE, related_name="+")
    space = models.ForeignKey("community.Space", on_delete=models.CASCADE, related_name="+")
    posted_on = models.DateField()  # UTC day
    week = models.DateField()  # the Monday of posted_on's week
    language = models.CharField(max_length=10)
    sentiment = models.FloatField()  # -1 .. 1
    phrases = models.JSONField(default=list)
    is_request = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["posted_on", "space"], name="analytics_voice_day"),
            models.Index(fields=["week", "space"], name="analytics_voice_week"),
        ]

    def __str__(self) -> str:
        return f"post {self.post_id} {self.sentiment:+.2f}"


class PushStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be delivered")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Given up (dead letter)")


class SegmentPush(models.Model):
    """One segment sent to the configured outbound webhook (FLYWHEEL_SEGMENT_WEBHOOK_URL):
    the payload as it was when staff pushed it. Its delivery is a core.OutboundMessage
    (kind "analytics.segment_push"): stored, retried with backoff, dead-lettered after the
    core's attempts, replayable from the console, the admin or `flywheel outbound replay`."""

    segment = models.CharField(max_length=40)
    payload = models.JSONField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    message = models.OneToOneField(
        "core.OutboundMessage", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.segment} {self.status} ({self.attempts})"

    # How the delivery went, as the console shows it (select_related("message") for lists).
    @property
    def status(self) -> str:
        state = self.message.state if self.message else "pending"
        return {"failed": PushStatus.PENDING}.get(state, state)

    def get_status_display(self) -> str:
        return PushStatus(self.status).label

    @property
    def attempts(self) -> int:
        return self.message.attempts if self.message else 0

    @property
    def last_error(self) -> str:
        return self.message.last_error if self.message else ""

    @property
    def delivered_at(self):
        return self.message.delivered_at if self.message else None
