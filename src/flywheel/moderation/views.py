"""Moderation pages. Thin: parse, check with permissions, call a service, render.

Errors are mapped by community.views.hub_view (403/404/429/4xx with the message)."""

import csv
import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from flywheel.community import queries as community_queries
from flywheel.community.models import Space, Topic
from flywheel.community.permissions import access_post, access_topic
from flywheel.community.views import hub_view, member_required
from flywheel.core.exceptions import DomainError, InvalidInput
from flywheel.moderation import permissions, queries, services
from flywheel.moderation.middleware import BLOCKED_SESSION_KEY
from flywheel.moderation.models import (
    ActionKind,
    Appeal,
    Sanction,
    SanctionKind,
    TopicSlowMode,
)

QUEUE_PAGE_SIZE = 50
AUDIT_PAGE_SIZE = 100


def _ip_hash(request: HttpRequest) -> str:
    return services.hash_ip(request.META.get("REMOTE_ADDR"))


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _parse_id(raw: str | None, *, field: str) -> int:
    if not raw or not str(raw).isdigit() or len(str(raw)) > 18:
        raise InvalidInput(_("Choose a valid id."), field=field)
    return int(raw)


def _parse_datetime(raw: str | None, *, field: str) -> datetime.datetime | None:
    """A datetime-local or date input, in the member's active time zone."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = datetime.datetime.fromisoformat(raw)
    except ValueError as error:
        raise InvalidInput(_("Enter a date and time."), field=field) from error
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_current_timezone())
    return value


# ---------------------------------------------------------------- guidelines


@require_GET
@hub_view
def guidelines(request: HttpRequest) -> HttpResponse:
    current = services.current_guidelines()
    accepted = (
        request.user.is_authenticated
        and current is not None
        and services.has_accepted_current_guidelines(request.user)
    )
    return render(
        request,
        "moderation/guidelines.html",
        {"guidelines": current, "accepted": accepted, "next": _safe_next(request, "")},
    )


@require_POST
@hub_view
@member_required
def guidelines_accept(request: HttpRequest) -> HttpResponse:
    version = request.POST.get("version")
    services.accept_guidelines(
        member=request.user, version=int(version) if (version or "").isdigit() else None
    )
    messages.success(request, _("Thank you for accepting the community guidelines."))
    return redirect(_safe_next(request, reverse("community:home")))


@require_http_methods(["GET", "POST"])
@hub_view
@member_required
def guidelines_edit(request: HttpRequest) -> HttpResponse:
    permissions.check_staff_permission(request.user)
    current = services.current_guidelines()
    error = None
    status = 200
    if request.method == "POST":
        try:
            published = services.publish_guidelines(
                body=request.POST.get("body", ""), by=request.user, ip_hash=_ip_hash(request)
            )
        except InvalidInput as invalid:
            error, status = invalid.message, invalid.status
        else:
            messages.success(
                request,
                _("Version %(version)d is published; members accept it before posting again.")
                % {"version": published.version},
            )
            return redirect("moderation:guidelines_edit")
    return render(
        request,
        "moderation/guidelines_edit.html",
        {
            "guidelines": current,
            "body": request.POST.get("body", current.body if current else ""),
            "error": error,
        },
        status=status,
    )


# ---------------------------------------------------------------- flags


def _flag_response(request: HttpRequest, *, message: str, status: int, back: str) -> HttpResponse:
    if request.htmx:
        return render(
            request,
            "moderation/_flag_result.html",
            {"message": message, "ok": status < 400},
            status=status,
        )
    if status < 400:
        messages.success(request, message)
    else:
        messages.error(request, message)
    return redirect(back)


@require_POST
@hub_view
@member_required
def flag_post(request: HttpRequest, post_id: int) -> HttpResponse:
    try:
        post = access_post(request.user, post_id)
    except PermissionDenied as denied:
        raise Http404(_("No such post.")) from denied
    target = post.topic if post.is_opening_post else post
    back = post.topic.get_absolute_url()
    try:
        services.raise_flag(
            flagger=request.user,
            target=target,
            reason=request.POST.get("reason", ""),
            text=request.POST.get("text", ""),
        )
    except DomainError as error:
        if error.status == 429:
            raise
        return _flag_response(request, message=error.message, status=error.status, back=back)
    return _flag_response(
        request,
        message=_("Thank you. The moderators will take a look."),
        status=201,
        back=back,
    )


@require_POST
@hub_view
@member_required
def flag_member(request: HttpRequest, handle: str) -> HttpResponse:
    member = get_user_model().objects.filter(handle__iexact=handle, is_active=True).first()
    if member is None:
        raise Http404(_("No such member."))
    back = reverse("accounts:profile", kwargs={"handle": member.handle})
    try:
        services.raise_flag(
            flagger=request.user,
            target=member,
            reason=request.POST.get("reason", ""),
            text=request.POST.get("text", ""),
        )
    except DomainError as error:
        if error.status == 429:
            raise
        return _flag_response(request, message=error.message, status=error.status, back=back)
    return _flag_response(
        request, message=_("Thank you. The moderators will take a look."), status=201, back=back
    )


# ---------------------------------------------------------------- the queue


@require_GET
@hub_view
@member_required
def queue(request: HttpRequest) -> HttpResponse:
    permissions.check_queue_permission(request.user)
    page = Paginator(queries.review_queue(request.user), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    items = list(page.object_list)
    for item in items:
        # Another app's record (a held referral): its name, and Approve/Reject buttons.
        target = queries.review_target_for(item)
        item.review_label = target.label if target is not None else None
    return render(
        request,
        "moderation/queue.html",
        {
            "page_obj": page,
            "items": items,
            "spaces": list(Space.objects.order_by("position", "name").only("slug", "name")),
        },
    )


QUEUE_ACTIONS = {"approve", "reject", "dismiss", "edit", "delete", "move", "merge"}


@require_POST
@hub_view
@member_required
def queue_action(request: HttpRequest, item_id: int) -> HttpResponse:
    permissions.check_queue_permission(request.user)
    item = queries.review_item_for(request.user, item_id)
    if item is None:
        raise PermissionDenied(_("You do not moderate where this was posted."))
    action = request.POST.get("action", "")
    if action not in QUEUE_ACTIONS:
        raise InvalidInput(_("Unknown action."), field="action")
    reason = request.POST.get("reason", "")
    ip_hash = _ip_hash(request)
    by = request.user
    if action == "approve":
        services.approve(item=item, by=by, reason=reason, ip_hash=ip_hash)
        notice = _("Approved.")
    elif action == "dismiss":
        services.dismiss(item=item, by=by, reason=reason, ip_hash=ip_hash)
        notice = _("Dismissed.")
    elif action == "reject":
        services.reject(item=item, by=by, reason=reason, ip_hash=ip_hash)
        notice = _("Rejected; the author was told why.")
    elif action == "edit":
        services.edit_and_approve(
            item=item, by=by, body=request.POST.get("body", ""), reason=reason, ip_hash=ip_hash
        )
        notice = _("Edited and approved.")
    elif action == "delete":
        services.delete_content(item=item, by=by, reason=reason, ip_hash=ip_hash)
        notice = _("Deleted; the author was told why.")
    else:
        topic = item.post.topic if item.post_id else None
        if topic is None:
            raise InvalidInput(_("Only topics can be moved or merged."), field="action")
        _topic_tool(request, topic=topic, action=action, reason=reason)
        services.approve(item=item, by=by, reason=reason, ip_hash=ip_hash)
        notice = _("Done.")
    messages.success(request, notice)
    return redirect(_safe_next(request, reverse("moderation:queue")))


def _topic_tool(request: HttpRequest, *, topic: Topic, action: str, reason: str) -> None:
    by, ip_hash = request.user, _ip_hash(request)
    if action == "move":
        slug = (request.POST.get("space") or "").strip()
        to_space = community_queries.space_by_slug(slug) if slug and "\x00" not in slug else None
        if to_space is None:
            raise InvalidInput(_("Choose a space."), field="space")
        services.move_topic(topic=topic, to_space=to_space, by=by, reason=reason, ip_hash=ip_hash)
    elif action == "merge":
        into_id = _parse_id(request.POST.get("into"), field="into")
        into = Topic.objects.filter(pk=into_id, deleted_at__isnull=True).first()
        if into is None:
            raise InvalidInput(_("No such topic to merge into."), field="into")
        services.merge_topics(source=topic, into=into, by=by, reason=reason, ip_hash=ip_hash)
    elif action == "slow_mode":
        raw = request.POST.get("seconds", "")
        if not raw.isdigit():
            raise InvalidInput(
                _("Enter a number of seconds (0 turns slow mode off)."), field="seconds"
            )
        services.set_slow_mode(topic=topic, seconds=int(raw), by=by, reason=reason, ip_hash=ip_hash)
    elif action in ("lock", "unlock"):
        services.set_topic_locked(
            topic=topic, locked=action == "lock", by=by, reason=reason, ip_hash=ip_hash
        )
    else:
        raise InvalidInput(_("Unknown action."), field="action")


@require_http_methods(["GET", "POST"])
@hub_view
@member_required
def topic_tools(request: HttpRequest, topic_id: int) -> HttpResponse:
    """Slow mode, lock, move and merge for one topic."""
    # Moderators reach held and hidden topics here too (access_topic knows their role).
    topic = access_topic(request.user, topic_id)
    permissions.check_space_moderation_permission(request.user, topic.space)
    if request.method == "POST":
        action = request.POST.get("action", "")
        _topic_tool(request, topic=topic, action=action, reason=request.POST.get("reason", ""))
        messages.success(request, _("Done."))
        if action == "merge":
            return redirect("moderation:queue")
        return redirect("moderation:topic_tools", topic_id=topic.pk)
    slow_mode = TopicSlowMode.objects.filter(topic=topic).first()
    return render(
        request,
        "moderation/topic_tools.html",
        {
            "topic": topic,
            "space": topic.space,
            "slow_mode": slow_mode,
            "spaces": list(Space.objects.exclude(pk=topic.space_id).order_by("position", "name")),
        },
    )


# ---------------------------------------------------------------- notices, sanctions, appeals


@require_GET
@hub_view
@member_required
def notices(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.notices_for(request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/notices.html",
        {"page_obj": page, "notices": list(page.object_list)},
    )


@require_http_methods(["GET", "POST"])
@hub_view
@member_required
def appeal(request: HttpRequest, sanction_id: int) -> HttpResponse:
    sanction = Sanction.objects.filter(pk=sanction_id, member=request.user).first()
    if sanction is None:
        raise Http404(_("No such sanction."))
    return _appeal_page(request, sanction, template="moderation/appeal.html")


def _appeal_page(request: HttpRequest, sanction: Sanction, *, template: str) -> HttpResponse:
    error, status = None, 200
    existing = Appeal.objects.filter(sanction=sanction).first()
    if request.method == "POST":
        try:
            services.submit_appeal(
                sanction=sanction, member=sanction.member, text=request.POST.get("text", "")
            )
        except DomainError as problem:
            error, status = problem.message, problem.status
        else:
            messages.success(request, _("Your appeal was sent. The brand team will decide."))
            return redirect(request.path)
    return render(
        request,
        template,
        {
            "sanction": sanction,
            "appeal": existing,
            "error": error,
            "text": request.POST.get("text", ""),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@hub_view
def blocked(request: HttpRequest) -> HttpResponse:
    """For a member refused sign-in: why, until when, and an appeal (no account session)."""
    sanction_id = request.session.get(BLOCKED_SESSION_KEY)
    sanction = (
        Sanction.objects.select_related("member").filter(pk=sanction_id).first()
        if sanction_id
        else None
    )
    if sanction is None:
        raise Http404(_("Nothing to show here."))
    return _appeal_page(request, sanction, template="moderation/blocked.html")


@require_http_methods(["GET", "POST"])
@hub_view
@member_required
def member_sanctions(request: HttpRequest, handle: str) -> HttpResponse:
    permissions.check_staff_permission(request.user)
    member = get_user_model().objects.filter(handle__iexact=handle).first()
    if member is None:
        raise Http404(_("No such member."))
    error, status = None, 200
    if request.method == "POST":
        try:
            if request.POST.get("revoke"):
                sanction = Sanction.objects.filter(
                    pk=_parse_id(request.POST.get("revoke"), field="revoke"), member=member
                ).first()
                if sanction is None:
                    raise InvalidInput(_("No such sanction."), field="revoke")
                services.revoke_sanction(
                    sanction=sanction,
                    by=request.user,
                    reason=request.POST.get("reason", ""),
                    ip_hash=_ip_hash(request),
                )
            else:
                services.issue_sanction(
                    member=member,
                    kind=request.POST.get("kind", ""),
                    reason=request.POST.get("reason", ""),
                    ends_at=_parse_datetime(request.POST.get("ends_at"), field="ends_at"),
                    by=request.user,
                    ip_hash=_ip_hash(request),
                )
        except DomainError as problem:
            error, status = problem.message, problem.status
        else:
            messages.success(request, _("Saved; the member was notified."))
            return redirect("moderation:member_sanctions", handle=member.handle)
    return render(
        request,
        "moderation/member_sanctions.html",
        {
            "member": member,
            "sanctions": list(queries.sanctions_of(member)),
            "kinds": SanctionKind.choices,
            "error": error,
            "form": request.POST,
        },
        status=status,
    )


@require_GET
@hub_view
@member_required
def appeals(request: HttpRequest) -> HttpResponse:
    permissions.check_staff_permission(request.user)
    return render(
        request, "moderation/appeals.html", {"appeals": list(queries.pending_appeals()[:200])}
    )


@require_POST
@hub_view
@member_required
def appeal_decide(request: HttpRequest, appeal_id: int) -> HttpResponse:
    permissions.check_staff_permission(request.user)
    appeal_row = Appeal.objects.filter(pk=appeal_id).first()
    if appeal_row is None:
        raise Http404(_("No such appeal."))
    decision = request.POST.get("decision")
    if decision not in ("grant", "deny"):
        raise InvalidInput(_("Grant or deny the appeal."), field="decision")
    services.decide_appeal(
        appeal=appeal_row,
        by=request.user,
        grant=decision == "grant",
        reason=request.POST.get("reason", ""),
        ip_hash=_ip_hash(request),
    )
    messages.success(request, _("Decided; the member was notified."))
    return redirect("moderation:appeals")


# ---------------------------------------------------------------- audit log


def _audit_filters(request: HttpRequest) -> dict:
    action = request.GET.get("action") or None
    if action not in ActionKind.values:
        action = None
    since = until = None
    try:
        if request.GET.get("since"):
            since = _parse_datetime(request.GET["since"], field="since")
        if request.GET.get("until"):
            until = _parse_datetime(request.GET["until"], field="until")
    except InvalidInput:
        since = until = None
    return {
        "action": action,
        "actor_handle": (request.GET.get("actor") or "").strip()[:30] or None,
        "target_type": (request.GET.get("target") or "").strip()[:40] or None,
        "since": since,
        "until": until,
    }


@require_GET
@hub_view
@member_required
def audit(request: HttpRequest) -> HttpResponse:
    permissions.check_staff_permission(request.user)
    filters = _audit_filters(request)
    page = Paginator(queries.audit_log(**filters), AUDIT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "moderation/audit.html",
        {
            "page_obj": page,
            "actions": list(page.object_list),
            "action_choices": ActionKind.choices,
            "filters": request.GET,
            "query": request.GET.urlencode(),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_safe(value) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; quote them as text."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_GET
@hub_view
@member_required
def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    permissions.check_staff_permission(request.user)
    import json

    rows = queries.audit_log(**_audit_filters(request)).iterator(chunk_size=500)
    writer = csv.writer(_Echo())
    header = [
        "created_at",
        "actor",
        "action",
        "target_type",
        "target_id",
        "target",
        "space",
        "reason",
        "before",
        "after",
        "ip_hash",
    ]

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(
                [
                    row.created_at.isoformat(),
                    _csv_safe(row.actor.handle if row.actor else "system"),
                    row.action,
                    row.target_type.model if row.target_type else "",
                    row.target_id or "",
                    _csv_safe(row.target_repr),
                    _csv_safe(row.space.slug if row.space else ""),
                    _csv_safe(row.reason),
                    _csv_safe(json.dumps(row.before, ensure_ascii=False)),
                    _csv_safe(json.dumps(row.after, ensure_ascii=False)),
                    row.ip_hash,
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="moderation-log-{stamp}.csv"'
    return response
