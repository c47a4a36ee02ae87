"""Thin views: the share link, the invite page, the ambassador programme, staff review."""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from flywheel.core.exceptions import DomainError
from flywheel.moderation.services import hash_ip
from flywheel.referrals import fraud, queries, services
from flywheel.referrals.models import (
    Ambassador,
    AmbassadorApplication,
    AmbassadorTier,
    ApplicationStatus,
    LinkTarget,
    Referral,
    ReferralCode,
)
from flywheel.referrals.permissions import check_ambassador_permission, check_staff_permission


def _store_url(code: str) -> str | None:
    from flywheel.commerce.models import Store

    store = Store.objects.filter(active=True).only("domain").order_by("pk").first()
    if store is None:
        return None
    # The `ref` parameter lands in the order's landing page (attribution, docs/referrals.md).
    return f"https://{store.domain}/?ref={code}"


def _device_token(request: HttpRequest, response: HttpResponse) -> str:
    """The visitor's first-party device cookie, set when missing (a random token; only its
    keyed hash is stored, for the same-device fraud check)."""
    name = services.device_cookie_name()
    token = (request.COOKIES.get(name) or "")[:100]
    if not token:
        token = services.new_device_token()
        response.set_cookie(
            name,
            token,
            max_age=400 * 24 * 3600,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    return token


def share_link(request: HttpRequest, code: str) -> HttpResponse:
    """`/r/<code>`: count the click, set the attribution cookie, send the visitor on to the
    shop or a page of this site (never elsewhere: `next` must be a local path)."""
    referral_code = (
        ReferralCode.objects.select_related("member")
        .filter(code=code.upper(), retired_at__isnull=True, member__is_active=True)
        .first()
    )
    if referral_code is None:
        raise Http404
    target = request.GET.get("to") or settings.FLYWHEEL_REFERRAL_DEFAULT_TARGET
    destination = None
    if target == LinkTarget.STORE:
        destination = _store_url(referral_code.code)
    if destination is None:
        target = LinkTarget.COMMUNITY
        next_path = request.GET.get("next") or ""
        if next_path.startswith("/") and url_has_allowed_host_and_scheme(
            next_path, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            destination = next_path
        else:
            destination = reverse("account_signup")
    response = HttpResponseRedirect(destination)
    device_hash = services.hash_device(_device_token(request, response))
    ip_hash = hash_ip(request.META.get("REMOTE_ADDR"))
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    if request.user.is_authenticated and request.user.pk == referral_code.member_id:
        # The owner trying their own link is not a click, but it is one of their devices.
        services.note_owner_device(
            member=request.user, device_hash=device_hash, ip_hash=ip_hash, user_agent=user_agent
        )
        return response
    _click, token = services.record_click(
        code=referral_code,
        ip_hash=ip_hash,
        user_agent=user_agent,
        landing_path=destination if target == LinkTarget.COMMUNITY else f"store:{destination}",
        target=target,
        device_hash=device_hash,
    )
    existing = request.COOKIES.get(services.cookie_name())
    if not (existing and not services.last_touch() and services.click_for_token(existing)):
        # First touch wins: a valid earlier cookie is kept (unless configured last touch).
        response.set_cookie(
            services.cookie_name(),
            token,
            max_age=int(services.attribution_window().total_seconds()),
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    return response


@login_required
def invite(request: HttpRequest) -> HttpResponse:
    code = services.code_for_member(request.user)
    ip_hash = hash_ip(request.META.get("REMOTE_ADDR"))
    services.note_owner_visit(code=code, ip_hash=ip_hash)
    link = request.build_absolute_uri(reverse("referrals:share_link", args=[code.code]))
    response = render(
        request,
        "referrals/invite.html",
        {
            "welcome": queries.welcome_code_for(request.user),
            "store_credits": list(queries.store_credits_of(request.user)[:20]),
            "code": code,
            "link": link,
            "store_link": link + "?to=store",
            "referrals": list(queries.referrals_of(request.user)[:100]),
            "figures": queries.figures_for(request.user),
            "is_ambassador": Ambassador.objects.filter(
                member=request.user, left_at__isnull=True
            ).exists(),
        },
    )
    services.note_owner_device(
        member=request.user,
        device_hash=services.hash_device(_device_token(request, response)),
        ip_hash=ip_hash,
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    return response


@login_required
def apply(request: HttpRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    values = {"why": "", "social_profiles": "", "audience_size": ""}
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in values}
        try:
            audience = int(values["audience_size"])
        except ValueError:
            errors["audience_size"] = _("Give your audience size as a whole number.")
        else:
            try:
                services.apply_for_ambassador(
                    member=request.user,
                    why=values["why"],
                    social_profiles=values["social_profiles"],
                    audience_size=audience,
                )
            except DomainError as error:
                errors[getattr(error, "field", None) or "why"] = str(error)
            else:
                messages.success(request, _("Thanks! Staff will review your application."))
                return redirect("referrals:invite")
    return render(
        request,
        "referrals/apply.html",
        {"values": values, "errors": errors},
        status=400 if errors else 200,
    )


def _chart_data(weeks: list[queries.Week], currency: str) -> dict:
    """What the dashboard's charts draw (json_script; referrals/dashboard.js)."""
    labels = [week.starts.isoformat() for week in weeks]
    return {
        "activity": {
            "title": _("Clicks, sign-ups and first orders per week"),
            "labels": labels,
            "series": [
                {"label": _("Clicks"), "values": [week.clicks for week in weeks]},
                {"label": _("Sign-ups"), "values": [week.sign_ups for week in weeks]},
                {"label": _("First orders"), "values": [week.first_orders for week in weeks]},
            ],
        },
        "revenue": {
            "title": _("Revenue and points per week"),
            "labels": labels,
            "series": [
                {
                    "label": _("Revenue (%(currency)s)") % {"currency": currency}
                    if currency
                    else _("Revenue"),
                    "values": [str(week.revenue) for week in weeks],
                },
                {"label": _("Points earned"), "values": [week.points for week in weeks]},
            ],
        },
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    ambassador = check_ambassador_permission(request.user)
    figures = queries.figures_for(
        request.user, commission_percent=ambassador.tier.commission_percent
    )
    weeks = queries.weekly_figures(request.user)
    codes = ReferralCode.objects.filter(member=request.user).order_by("kind", "code")
    return render(
        request,
        "referrals/dashboard.html",
        {
            "ambassador": ambassador,
            "figures": figures,
            "codes": codes,
            "weeks": weeks,
            "recent_weeks": list(reversed(weeks)),
            "chart_data": _chart_data(weeks, figures.currency),
        },
    )


def _weekly_csv(response: HttpResponse, member) -> None:
    writer = csv.writer(response)
    writer.writerow(
        [
            "week_starting",
            "clicks",
            "sign_ups",
            "first_orders",
            "revenue",
            "conversion_rate",
            "points",
        ]
    )
    for week in queries.weekly_figures(member):
        writer.writerow(
            [
                week.starts.isoformat(),
                week.clicks,
                week.sign_ups,
                week.first_orders,
                week.revenue,
                week.conversion_rate,
                week.points,
            ]
        )


@login_required
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    """Every referral (default) or, with `?by=week`, the dashboard's weekly figures."""
    check_ambassador_permission(request.user)
    by_week = request.GET.get("by") == "week"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = "referrals-by-week.csv" if by_week else "referrals.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if by_week:
        _weekly_csv(response, request.user)
        return response
    writer = csv.writer(response)
    writer.writerow(["created_at", "status", "source", "converted_at", "order_total", "currency"])
    for referral in queries.referrals_of(request.user):
        writer.writerow(
            [
                referral.created_at.isoformat(),
                referral.status,
                referral.source,
                referral.converted_at.isoformat() if referral.converted_at else "",
                referral.order_total,
                referral.order_currency,
            ]
        )
    return response


# ------------------------------------------------------------------------------ staff


@login_required
def staff_review(request: HttpRequest) -> HttpResponse:
    check_staff_permission(request.user)
    held = list(queries.held_referrals()[:200])
    for referral in held:
        referral.reason_labels = [fraud.REASON_LABELS.get(r, r) for r in referral.reasons]
    return render(
        request,
        "referrals/staff_review.html",
        {
            "held": held,
            "welcome_failures": queries.welcome_code_failures()[:100],
            "credit_problems": list(queries.store_credit_problems()[:100]),
        },
    )


@require_POST
@login_required
def staff_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    check_staff_permission(request.user)
    referral = get_object_or_404(Referral, pk=pk)
    try:
        if decision == "approve":
            services.approve_held_referral(referral=referral, by=request.user)
        elif decision == "reject":
            services.reject_referral(referral=referral, by=request.user)
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("referrals:staff_review")


@login_required
def staff_ambassadors(request: HttpRequest) -> HttpResponse:
    check_staff_permission(request.user)
    return render(
        request,
        "referrals/staff_ambassadors.html",
        {
            "rows": queries.ambassador_rows(),
            "applications": AmbassadorApplication.objects.filter(
                status=ApplicationStatus.PENDING
            ).select_related("member"),
            "tiers": AmbassadorTier.objects.all(),
        },
    )


@require_POST
@login_required
def staff_application(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    check_staff_permission(request.user)
    application = get_object_or_404(AmbassadorApplication, pk=pk)
    try:
        if decision == "approve":
            tier = get_object_or_404(AmbassadorTier, pk=request.POST.get("tier") or 0)
            services.approve_application(application=application, tier=tier, by=request.user)
        elif decision == "decline":
            services.decline_application(application=application, by=request.user)
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("referrals:staff_ambassadors")


@require_POST
@login_required
def staff_vanity_code(request: HttpRequest, pk: int) -> HttpResponse:
    from flywheel.commerce.models import Store

    check_staff_permission(request.user)
    ambassador = get_object_or_404(Ambassador, pk=pk)
    store = Store.objects.filter(active=True).order_by("pk").first()
    try:
        percent = Decimal(request.POST.get("percent") or "10")
    except InvalidOperation:
        percent = Decimal("-1")
    if store is None:
        messages.error(request, _("Connect a shop first."))
    else:
        try:
            services.create_vanity_code(
                ambassador=ambassador,
                code=request.POST.get("code", ""),
                percent=percent,
                store=store,
                by=request.user,
            )
        except DomainError as error:
            messages.error(request, str(error))
    return redirect("referrals:staff_ambassadors")


@require_POST
@login_required
def staff_retire(request: HttpRequest, pk: int) -> HttpResponse:
    check_staff_permission(request.user)
    ambassador = get_object_or_404(Ambassador, pk=pk, left_at__isnull=True)
    services.retire_ambassador(ambassador=ambassador, by=request.user)
    return redirect("referrals:staff_ambassadors")


@login_required
def staff_payouts_csv(request: HttpRequest) -> HttpResponse:
    check_staff_permission(request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ambassador-payouts.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "handle",
            "email",
            "tier",
            "clicks",
            "sign_ups",
            "first_orders",
            "revenue",
            "conversion_rate",
            "points",
            "commission",
        ]
    )
    for row in queries.ambassador_rows():
        member = row["ambassador"].member
        writer.writerow(
            [
                member.handle,
                member.email,
                row["ambassador"].tier.name,
                row["clicks"],
                row["sign_ups"],
                row["first_orders"],
                row["revenue"],
                row["conversion_rate"],
                row["points"],
                row["commission"],
            ]
        )
    return response
