"""The weekly staff e-mail: the headline figures of last week against the week before.

Figures are computed once per run from the rollups; each recipient's copy is rendered in
their language. Moderators get the community figures only, never sales (as on the console).
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from flywheel.analytics import permissions, queries
from flywheel.analytics.queries import Figure, Period


def report_week(today: dt.date) -> Period:
    """The last complete Monday-to-Sunday week before `today`."""
    this_monday = today - dt.timedelta(days=today.weekday())
    return Period(this_monday - dt.timedelta(days=7), this_monday - dt.timedelta(days=1))


@dataclass
class WeeklyNumbers:
    """Last week's and the week before's summaries, computed once for all recipients."""

    week: Period
    growth: tuple[dict, dict]
    activity: tuple[dict, dict]
    support: tuple[dict, dict]
    commerce: tuple[dict, dict]


def weekly_numbers(week: Period) -> WeeklyNumbers:
    before = week.previous
    return WeeklyNumbers(
        week=week,
        growth=(queries.growth_summary(week), queries.growth_summary(before)),
        activity=(queries.activity_summary(week), queries.activity_summary(before)),
        support=(queries.peer_support_summary(week), queries.peer_support_summary(before)),
        commerce=(queries.commerce_summary(week), queries.commerce_summary(before)),
    )


def community_figures(numbers: WeeklyNumbers) -> list[Figure]:
    """Labels in the active language: call inside the recipient's translation.override."""
    (growth, growth_before), (now, before) = numbers.growth, numbers.activity
    support, support_before = numbers.support
    return [
        Figure(_("New members"), growth["new"], growth_before["new"]),
        Figure(_("Active members"), now["active"], before["active"]),
        Figure(_("Average daily active"), now["dau"], before["dau"]),
        Figure(_("Replies per topic"), now["replies_per_topic"], before["replies_per_topic"]),
        Figure(_("Questions asked"), support["asked"], support_before["asked"]),
        Figure(
            _("Answered by members"),
            support["member_answer_share"],
            support_before["member_answer_share"],
            "percent",
        ),
        Figure(_("Solved rate"), support["solved_rate"], support_before["solved_rate"], "percent"),
    ]


def sales_figures(numbers: WeeklyNumbers) -> list[tuple[str, list[Figure]]]:
    now, before = numbers.commerce
    per_currency = []
    for currency, values in now["currencies"].items():
        old = before["currencies"].get(currency, {})
        per_currency.append(
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
                    Figure(_("Orders"), values["orders"], old.get("orders")),
                ],
            )
        )
    return per_currency


def render_weekly_report(*, recipient, numbers: WeeklyNumbers) -> EmailMultiAlternatives:
    """The recipient's copy, in their language; sales only for owners and admins."""
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        context = {
            "recipient": recipient,
            "brand_name": settings.BRAND_NAME,
            "week": numbers.week,
            "figures": community_figures(numbers),
            "sales": sales_figures(numbers) if permissions.can_see_commerce(recipient) else None,
            "console_url": settings.SITE_URL.rstrip("/") + reverse("analytics:dashboard"),
        }
        subject = render_to_string("analytics/email/weekly_report_subject.txt", context)
        text = render_to_string("analytics/email/weekly_report.txt", context)
        html = render_to_string("analytics/email/weekly_report.html", context)
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body=text,
        to=[recipient.email],
    )
    message.attach_alternative(html, "text/html")
    return message
