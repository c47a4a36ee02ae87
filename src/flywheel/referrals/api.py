"""JSON API for referrals: the member's code and link, figures and referrals."""

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema

from flywheel.api.auth import member_required, viewer
from flywheel.api.schemas import READ_ERRORS
from flywheel.referrals import queries, services

router = Router(tags=["referrals"])


class FiguresOut(Schema):
    clicks: int
    sign_ups: int
    first_orders: int
    revenue: Decimal
    currency: str
    conversion_rate: Decimal
    points: int


class CodeOut(Schema):
    code: str
    link: str
    figures: FiguresOut


class ReferralOut(Schema):
    status: str
    source: str
    friend: str | None
    created_at: datetime
    converted_at: datetime | None


@router.get("/me", response={200: CodeOut, **READ_ERRORS}, auth=member_required, summary="My code")
def my_code(request: HttpRequest):
    member = viewer(request)
    code = services.code_for_member(member)
    figures = queries.figures_for(member)
    return {
        "code": code.code,
        "link": request.build_absolute_uri(reverse("referrals:share_link", args=[code.code])),
        "figures": figures.__dict__,
    }


@router.get(
    "/me/referrals",
    response={200: list[ReferralOut], **READ_ERRORS},
    auth=member_required,
    summary="My referrals (newest first, at most 100)",
)
def my_referrals(request: HttpRequest):
    return [
        {
            "status": referral.status,
            "source": referral.source,
            "friend": referral.referred_member.name if referral.referred_member else None,
            "created_at": referral.created_at,
            "converted_at": referral.converted_at,
        }
        for referral in queries.referrals_of(viewer(request))[:100]
    ]
