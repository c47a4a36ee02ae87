"""The staff console at /manage/. Thin: check the role, parse the filters, call queries.py.

Every table on a page is also a CSV download (`?table=<name>` with the same filters)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from flywheel.analytics import links, permissions, queries, services
from flywheel.analytics.models import CostCategory, SegmentPush
from flywheel.analytics.queries import Figure, Period, Table
from flywheel.community.models import Space
from flywheel.community.views import hub_view, member_required
from flywheel.core.exceptions import InvalidInput

PERIOD_CHOICES = (7, 30, 90, 365)
DEFAULT_PERIOD = 30
MAX_PERIOD_DAYS = 366 * 3
MEMBERS_PAGE_SIZE = 50
ACTIVITY_ROWS = 50
ADVOCATE_DAYS = 90
PUSH_ROWS = 10


def _parse_day(raw: str, *, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidInput(
            _("%(field)s: enter a day as YYYY-MM-DD.") % {"field": field}, field=field
        ) from None


def parse_period(request: HttpRequest) -> tuple[Period, str]:
    """`?period=7|30|90|365` (days up to today) or `?start=…&end=…` (days, both included)."""
    today = timezone.localdate()
    start, end = request.GET.get("start", ""), request.GET.get("end", "")
    if start or end:
        first = _parse_day(start, field="start")
        last = _parse_day(end, field="end") if end else today
        if last < first:
            raise InvalidInput(_("end: the end is before the start."), field="end")
        if (last - first).days >= MAX_PERIOD_DAYS:
            raise InvalidInput(_("start: choose at most three years."), field="start")
        return Period(first, last), "custom"
    raw = request.GET.get("period") or str(DEFAULT_PERIOD)
    if not raw.isdigit() or int(raw) not in PERIOD_CHOICES:
        raise InvalidInput(_("period: choose 7, 30, 90 or 365 days."), field="period")
    days = int(raw)
    return Period(today - dt.timedelta(days=days - 1), today), raw


def parse_space(request: HttpRequest) -> Space | None:
    slug = request.GET.get("space", "")
    if not slug:
        return None
    space = Space.objects.filter(slug=slug).first()
    if space is None:
        raise InvalidInput(_("space: no such space."), field="space")
    return space


def parse_segment(request: HttpRequest, *, today: dt.date):
    """`?segment=<name>`: a subquery of the segment's member ids, or None for everyone."""
    name = request.GET.get("segment", "")
    if not name:
        return "", None
    if name not in dict(member_segments(request.user)):
        raise InvalidInput(_("segment: choose one of the listed segments."), field="segment")
    return name, queries.segment_member_ids(name, today)


def segments_for(user) -> list[tuple[str, str]]:
    """The segments this role may list: purchase-defined ones for owners and admins only."""
    commerce = permissions.can_see_commerce(user)
    return [
        (name, label)
        for name, label in queries.SEGMENTS.items()
        if commerce or name not in queries.COMMERCE_SEGMENTS
    ]


def member_segments(user) -> list[tuple[str, str]]:
    return [(n, label) for n, label in segments_for(user) if n in queries.MEMBER_SEGMENTS]


def _csv_or_page(request, tables: list[Table], template: str, context: dict) -> HttpResponse:
    wanted = request.GET.get("table")
    if wanted:
        table = next((t for t in tables if t.name == wanted), None)
        if table is None:
            raise Http404(_("No such table on this page."))
        response = HttpResponse(table.csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{table.name}.csv"'
        return response
    return render(request, template, {**context, "tables": {t.name: t for t in tables}})


def _base_context(request, *, section: str, period: Period | None = None, choice: str = "") -> dict:
    return {
        "section": section,
        "period": period,
        "period_choice": choice,
        "period_choices": PERIOD_CHOICES,
        "can_see_commerce": permissions.can_see_commerce(request.user),
        "spaces": Space.objects.order_by("position", "name").only("name", "slug"),
        "filters": request.GET.urlencode(),
    }


def _series(points) -> dict:
    return {"labels": [day.isoformat() for day, _v in points], "values": [v for _d, v in points]}


@require_GET
@member_required
@hub_view
def dashboard(request: HttpRequest) -> HttpResponse:
    permissions.check_console_permission(request.user)
    period, choice = parse_period(request)
    space = parse_space(request)
    segment, members = parse_segment(request, today=timezone.localdate())
    previous = period.previous
    # The member-fact counts of both periods in one aggregate (docs/benchmarks.md).
    facts, facts_before = queries.member_fact_figures(period, members)
    now = queries.activity_summary(period, space, members, facts=facts)
    before = queries.activity_summary(previous, space, members, facts=facts_before)
    growth = queries.growth_summary(period, members, facts=facts)
    growth_before = queries.growth_summary(previous, members, facts=facts_before)
    reads, reads_before = (
        queries.reads_summary(period, space),
        queries.reads_summary(previous, space),
    )
    support = queries.peer_support_summary(period, space)
    support_before = queries.peer_support_summary(previous, space)
    figures = [
        Figure(_("New members"), growth["new"], growth_before["new"]),
        Figure(_("Growth rate"), growth["growth_rate"], growth_before["growth_rate"], "percent"),
        Figure(
            _("Referral rate"), growth["referral_rate"], growth_before["referral_rate"], "percent"
        ),
        Figure(_("K-factor"), growth["k_factor"], growth_before["k_factor"]),
        Figure(_("Active members"), now["active"], before["active"]),
        Figure(_("Average daily active"), now["dau"], before["dau"]),
        Figure(_("Weekly active (last 7 days)"), now["wau"], before["wau"]),
        Figure(_("Monthly active (last 30 days)"), now["mau"], before["mau"]),
        Figure(_("Stickiness (DAU/MAU)"), now["stickiness"], before["stickiness"], "percent"),
        Figure(
            _("Active share of members"), now["active_share"], before["active_share"], "percent"
        ),
        Figure(
            _("Interactions per active member"),
            now["interactions_per_active"],
            before["interactions_per_active"],
        ),
        Figure(_("Reactions per post"), now["reactions_per_post"], before["reactions_per_post"]),
        Figure(_("Replies per topic"), now["replies_per_topic"], before["replies_per_topic"]),
        Figure(_("Topic reads"), reads["reads"], reads_before["reads"]),
        Figure(_("Reads per topic read"), reads["per_topic"], reads_before["per_topic"]),
        Figure(_("Questions asked"), support["asked"], support_before["asked"]),
        Figure(
            _("Answered by members"),
            support["member_answer_share"],
            support_before["member_answer_share"],
            "percent",
        ),
        Figure(_("Solved rate"), support["solved_rate"], support_before["solved_rate"], "percent"),
        Figure(
            _("Median hours to first reply"),
            support["median_hours_to_first_reply"],
            support_before["median_hours_to_first_reply"],
            "hours",
        ),
    ]
    money_figures = []
    if permissions.can_see_commerce(request.user):
        commerce, commerce_before = (
            queries.commerce_summary(period, members, facts=facts),
            queries.commerce_summary(previous, members, facts=facts_before),
        )
        for currency, values in commerce["currencies"].items():
            old = commerce_before["currencies"].get(currency, {})
            money_figures.append(
                (
                    currency,
                    [
                        Figure(_("Net revenue"), values["revenue"], old.get("revenue"), "money"),
                        Figure(
                            _("Member revenue"),
                            values["member_revenue"],
                            old.get("member_revenue"),
                            "money",
                        ),
                        Figure(_("Average order value"), values["aov"], old.get("aov"), "money"),
                        Figure(_("Orders"), values["orders"], old.get("orders")),
                    ],
                )
            )
    tables = [
        queries.contributions_by_space(period, members),
        queries.most_read_topics(period, space),
        queries.peer_support_by_space(period),
        queries.sources_table(period, members, growth),
    ]
    context = _base_context(request, section="dashboard", period=period, choice=choice)
    # Only those who can open the admin are walked through setting it up.
    steps = queries.first_steps() if permissions.can_see_commerce(request.user) else []
    context.update(
        {
            "first_steps": steps if not all(step.done for step in steps) else [],
            "space": space,
            "segment": segment,
            "member_segments": member_segments(request.user),
            "figures": figures,
            "money_figures": money_figures,
            "chart_data": {
                "active": {
                    "title": _("Daily active members"),
                    **_series(now["series"]),
                },
                "new_members": {
                    "title": _("New members per day"),
                    **_series(queries.new_members_series(period, members)),
                },
            },
        }
    )
    return _csv_or_page(request, tables, "analytics/dashboard.html", context)


@require_GET
@member_required
@hub_view
def retention(request: HttpRequest) -> HttpResponse:
    permissions.check_console_permission(request.user)
    today = timezone.localdate()
    cohorts = queries.cohort_table(today)
    at_risk = (
        queries.at_risk_members(today)
        .select_related("member")
        .order_by("-last_active_on", "member_id")[:50]
    )
    at_risk_table = Table(
        "at_risk",
        _("At risk: active before, silent for 7 to 28 days"),
        [_("Member"), _("Joined"), _("Last active")],
        [[f"@{f.member.handle}", f.joined_on, f.last_active_on] for f in at_risk],
    )
    context = _base_context(request, section="retention")
    context.update(
        {
            "at_risk_count": queries.at_risk_members(today).count(),
            "churned_count": queries.churned_members(today).count(),
            "chart_data": {
                "cohorts": {
                    "title": _("Share of each cohort active N months after joining"),
                    "labels": cohorts.columns[2:],
                    "series": [
                        {"label": row[0], "values": [v for v in row[2:] if v is not None]}
                        for row in cohorts.rows[-6:]
                        if row[1]
                    ],
                }
            },
        }
    )
    return _csv_or_page(request, [cohorts, at_risk_table], "analytics/retention.html", context)


@require_GET
@member_required
@hub_view
def voice(request: HttpRequest) -> HttpResponse:
    """Voice of the member: sentiment by space and week, themes, pain points, requests."""
    permissions.check_console_permission(request.user)
    period, choice = parse_period(request)
    space = parse_space(request)
    theme_list = queries.themes(period, space)
    pain_points = queries.themes(period, space, negative=True)
    requests = queries.feature_requests(period, space)
    tables = [
        queries.sentiment_by_space_and_week(period, space),
        queries.themes_table("themes", _("Recurring themes"), theme_list),
        queries.themes_table(
            "pain_points", _("Pain points (themes of negative posts)"), pain_points
        ),
        queries.feature_requests_table(requests),
    ]
    context = _base_context(request, section="voice", period=period, choice=choice)
    context.update(
        {
            "space": space,
            "themes": theme_list,
            "pain_points": pain_points,
            "requests": requests,
            "chart_data": {
                "sentiment": {
                    "title": _("Average sentiment per week (−1 to 1)"),
                    **_series(queries.sentiment_series(period, space)),
                }
            },
        }
    )
    return _csv_or_page(request, tables, "analytics/voice.html", context)


@require_http_methods(["GET", "POST"])
@member_required
@hub_view
def commerce(request: HttpRequest) -> HttpResponse:
    permissions.check_commerce_permission(request.user)
    if request.method == "POST":
        services.record_monthly_cost(
            month=request.POST.get("month", ""),
            category=request.POST.get("category", ""),
            amount=request.POST.get("amount", ""),
            currency=request.POST.get("currency", ""),
            note=request.POST.get("note", ""),
            by=request.user,
        )
        messages.success(request, _("Cost saved."))
        return redirect(request.get_full_path())
    period, choice = parse_period(request)
    today = timezone.localdate()
    summary = queries.commerce_summary(period)
    incentives = queries.incentive_cost(period)
    referrals = queries.referral_summary(period)
    tables = [
        queries.commerce_table(period, summary),
        queries.referral_table(referrals),
        queries.attribution_table(queries.attribution_summary(period)),
        queries.member_value_comparison(period),
        queries.before_after_joining(today),
        queries.roi_table(period, commerce=summary, incentives=incentives),
        queries.costs_table(period),
    ]
    context = _base_context(request, section="commerce", period=period, choice=choice)
    context.update(
        {
            "summary": summary,
            "incentives": incentives,
            "referrals": referrals,
            "cost_categories": CostCategory.choices,
            "this_month": today.strftime("%Y-%m"),
            "chart_data": {
                "revenue": {
                    "title": _("Net revenue per day"),
                    "datasets": [
                        {"label": currency, **_series(points)}
                        for currency, points in queries.revenue_series(period).items()
                    ],
                }
            },
        }
    )
    return _csv_or_page(request, tables, "analytics/commerce.html", context)


@require_GET
@member_required
@hub_view
def members(request: HttpRequest) -> HttpResponse:
    permissions.check_console_permission(request.user)
    today = timezone.localdate()
    search = request.GET.get("q", "").strip()[:100]
    segment = request.GET.get("segment", "")
    segments = segments_for(request.user)
    if segment and segment not in dict(segments):
        raise InvalidInput(_("segment: choose one of the listed segments."), field="segment")
    page = Paginator(
        queries.console_members(search=search, segment=segment, today=today), MEMBERS_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    # The advocate score weighs purchases: owners and admins only, over the last 90 days.
    with_scores = permissions.can_see_commerce(request.user)
    scores = (
        queries.advocate_scores(
            Period(today - dt.timedelta(days=ADVOCATE_DAYS - 1), today),
            member_ids=[m.pk for m in page.object_list],
        )
        if with_scores
        else {}
    )
    rows = []
    for m in page.object_list:
        m.advocate = scores.get(m.pk)
        rows.append(
            [
                m.handle,
                m.name,
                m.get_role_display(),
                getattr(getattr(m, "analytics_fact", None), "joined_on", None),
                getattr(getattr(m, "analytics_fact", None), "last_active_on", None),
                getattr(getattr(m, "trust", None), "level", 0),
            ]
            + ([m.advocate.score] if with_scores else [])
        )
    table = Table(
        "members",
        _("Members"),
        [_("Handle"), _("Name"), _("Role"), _("Joined"), _("Last active"), _("Trust level")]
        + ([_("Advocate score (90 days)")] if with_scores else []),
        rows,
    )
    context = _base_context(request, section="members")
    context.update(
        {
            "page": page,
            "search": search,
            "segment": segment,
            "segments": segments,
            "with_scores": with_scores,
            "webhook_configured": with_scores and services.segment_webhook_configured(),
            "pushes": (
                list(SegmentPush.objects.select_related("requested_by", "message")[:PUSH_ROWS])
                if with_scores
                else []
            ),
            "segment_sizes": queries.segment_sizes(today),
        }
    )
    return _csv_or_page(request, [table], "analytics/members.html", context)


@require_GET
@member_required
@hub_view
def member(request: HttpRequest, handle: str) -> HttpResponse:
    from flywheel.core.models import Activity
    from flywheel.moderation.models import Sanction
    from flywheel.trust.models import MemberTrust

    permissions.check_console_permission(request.user)
    person = get_object_or_404(
        get_user_model().objects.select_related("analytics_fact"), handle=handle
    )
    activity = list(
        Activity.objects.filter(actor=person)
        .select_related("space")
        .order_by("-created_at")[:ACTIVITY_ROWS]
    )
    context = _base_context(request, section="members")
    context.update(
        {
            "person": person,
            "fact": getattr(person, "analytics_fact", None),
            "trust": MemberTrust.objects.filter(member=person).first(),
            "sanctions": list(
                Sanction.objects.filter(member=person)
                .select_related("issued_by")
                .order_by("-created_at")[:20]
            ),
            "activity": activity,
        }
    )
    tables = []
    if permissions.can_see_commerce(request.user):
        from flywheel.rewards.models import LedgerEntry, PointsAccount

        orders = list(queries.member_orders(person))
        context.update(
            {
                "orders": orders,
                "order_totals": queries.member_order_totals(person),
                "points": PointsAccount.objects.filter(member=person).first(),
                "ledger": list(
                    LedgerEntry.objects.filter(member=person).order_by("-occurred_at", "-pk")[:20]
                ),
            }
        )
        tables.append(
            Table(
                "orders",
                _("Orders"),
                [_("Number"), _("Placed"), _("Status"), _("Total"), _("Refunded"), _("Currency")],
                [
                    [
                        o.number or o.external_id,
                        o.placed_at,
                        o.get_financial_status_display(),
                        o.total,
                        o.refunded_total,
                        o.currency,
                    ]
                    for o in orders
                ],
            )
        )
    tables.append(
        Table(
            "activity",
            _("Recent activity"),
            [_("When"), _("What"), _("Space")],
            [
                [a.created_at, a.get_verb_display(), a.space.name if a.space else ""]
                for a in activity
            ],
        )
    )
    return _csv_or_page(request, tables, "analytics/member.html", context)


@require_GET
@member_required
@hub_view
def segment_csv(request: HttpRequest, name: str) -> HttpResponse:
    permissions.check_console_permission(request.user)
    if name not in queries.SEGMENTS:
        raise Http404(_("No such segment."))
    # Exports carry e-mail addresses and, for new buyers, store customers: owners and admins.
    permissions.check_commerce_permission(request.user)
    audience = request.GET.get("format", "klaviyo")
    if audience not in ("klaviyo", "hubspot"):
        raise InvalidInput(_("format: choose klaviyo or hubspot."), field="format")
    # Streamed: the first bytes leave at once and memory stays flat whatever the segment's
    # size (rows read in chunks through a server-side cursor; docs/metrics.md).
    columns, rows = queries.segment_export_rows(name, timezone.localdate(), audience=audience)
    response = StreamingHttpResponse(
        queries.csv_chunks(columns, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}-{audience}.csv"'
    return response


@require_GET
def product_link(request: HttpRequest, token: str) -> HttpResponse:
    """A product link from a post: record the click on our own domain, then go to the shop.

    Open to everyone (guests follow links too); the signed token means it only goes where a
    rendered post pointed."""
    url = links.url_for_token(token)
    if url is None:
        raise Http404(_("This link is not valid."))
    services.record_product_link_click(
        url=url, member=request.user, rate_key=request.META.get("REMOTE_ADDR", "")
    )
    response = HttpResponseRedirect(url)
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@member_required
@hub_view
def segment_push(request: HttpRequest, name: str) -> HttpResponse:
    """Owners and admins send a segment to the configured outbound webhook."""
    permissions.check_commerce_permission(request.user)
    services.push_segment(name=name, by=request.user)
    messages.success(request, _("The segment is on its way to the webhook."))
    return redirect(reverse("analytics:members") + "#segment-pushes")


@require_POST
@member_required
@hub_view
def segment_push_resend(request: HttpRequest, push_id: int) -> HttpResponse:
    permissions.check_commerce_permission(request.user)
    push = get_object_or_404(SegmentPush, pk=push_id)
    services.resend_segment_push(push=push, by=request.user)
    messages.success(request, _("The segment will be sent again."))
    return redirect(reverse("analytics:members") + "#segment-pushes")
