"""Rewards pages: wallet, leaderboards, perks, member of the month. Thin, like the hub's."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from flywheel.community import permissions as community_permissions
from flywheel.community.views import hub_view, member_required
from flywheel.core.exceptions import DomainError
from flywheel.core.markup import render_markdown
from flywheel.rewards import permissions, queries, services
from flywheel.rewards.models import Nomination, Period, Perk

LEDGER_PAGE_SIZE = 25


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _ledger_context(request: HttpRequest, member) -> dict:
    account = queries.account_for(member)
    paginator = Paginator(queries.ledger_for(member), LEDGER_PAGE_SIZE)
    page = paginator.get_page(_page_number(request))
    redemptions = list(queries.redemptions_for(member)[:20])
    for redemption in redemptions:
        if redemption.perk.content and redemption.status == "fulfilled":
            redemption.content_html = render_markdown(redemption.perk.content)
    return {
        "owner": member,
        "account": account,
        "progress": queries.tier_progress(member, account),
        "standing_discount": queries.standing_discount_for(member),
        "page": page,
        "redemptions": redemptions,
    }


@require_GET
@hub_view
@member_required
def wallet(request: HttpRequest) -> HttpResponse:
    return render(request, "rewards/wallet.html", _ledger_context(request, request.user))


@require_GET
@hub_view
@member_required
def member_ledger(request: HttpRequest, handle: str) -> HttpResponse:
    """Staff look at any member's wallet; members only at their own (others: 404)."""
    member = permissions.get_visible_ledger_owner(request.user, handle)
    return render(request, "rewards/wallet.html", _ledger_context(request, member))


@require_GET
@hub_view
def leaderboard(request: HttpRequest) -> HttpResponse:
    period = request.GET.get("period", Period.WEEK)
    if period not in Period.values:
        period = Period.WEEK
    space = None
    slug = request.GET.get("space", "").strip()
    if slug:
        space = community_permissions.get_visible_space(request.user, slug)
    board = queries.leaderboard(period, space=space, viewer=request.user)
    return render(
        request,
        "rewards/leaderboard.html",
        {"board": board, "periods": Period.choices, "period": period, "space": space},
    )


@require_GET
@hub_view
def perks(request: HttpRequest) -> HttpResponse:
    account = queries.account_for(request.user) if request.user.is_authenticated else None
    return render(
        request,
        "rewards/perks.html",
        {"perks": list(queries.perks_for_catalogue()), "account": account},
    )


@require_POST
@hub_view
@member_required
def redeem(request: HttpRequest, perk_id: int) -> HttpResponse:
    perk = Perk.objects.filter(pk=perk_id, active=True).first()
    if perk is None:
        raise Http404(_("No such perk."))
    try:
        redemption = services.redeem_perk(member=request.user, perk=perk)
    except DomainError as error:
        if request.htmx:
            # htmx swaps only 2xx answers: the message replaces the button, in the card.
            return render(
                request, "rewards/_redeem_result.html", {"perk": perk, "error": error.message}
            )
        raise
    if redemption.perk.content and redemption.status == "fulfilled":
        redemption.content_html = render_markdown(redemption.perk.content)
    if request.htmx:
        return render(
            request, "rewards/_redeem_result.html", {"perk": perk, "redemption": redemption}
        )
    if redemption.status == "failed":
        messages.error(request, _("The store could not create your code; your points are back."))
    else:
        messages.success(request, _("Redeemed: %(perk)s.") % {"perk": perk.name})
    return redirect("rewards:wallet")


@require_http_methods(["GET", "POST"])
@hub_view
def member_of_the_month(request: HttpRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    values = {"nominee": "", "reason": ""}
    if request.method == "POST":
        if not request.user.is_authenticated:
            login = reverse("account_login")
            return redirect(f"{login}?{urlencode({'next': request.path})}")
        values = {
            "nominee": request.POST.get("nominee", "")[:100],
            "reason": request.POST.get("reason", "")[:2000],
        }
        try:
            services.nominate(
                nominator=request.user,
                nominee_handle=values["nominee"],
                reason=values["reason"],
            )
        except DomainError as error:
            errors[error.field or "nominee"] = error.message
        else:
            messages.success(request, _("Thank you! Your nomination is in."))
            return redirect("rewards:member_of_the_month")
    featured = queries.featured_member_of_the_month()
    recent = list(
        Nomination.objects.none()
        if not request.user.is_authenticated
        else Nomination.objects.filter(nominator=request.user).select_related("nominee")[:3]
    )
    return render(
        request,
        "rewards/member_of_the_month.html",
        {"featured": featured, "errors": errors, "values": values, "my_nominations": recent},
        status=422 if errors else 200,
    )
