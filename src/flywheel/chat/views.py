"""Chat pages and their htmx fragments: the room list, a room (history with infinite scroll,
the polling fallback, writing), message actions, moderation, search, direct messages, a
member's chat settings. Thin: parse, call a service or a query, render."""

import functools

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from flywheel.chat import permissions, queries, services
from flywheel.chat.models import MemberBlock, Message, RoomKind, RoomSanctionKind
from flywheel.chat.rendering import render_message
from flywheel.core.exceptions import DomainError, InvalidInput


def _error(request, *, message: str, status: int, field: str | None = None) -> HttpResponse:
    template = "chat/_error.html" if request.htmx else "chat/error.html"
    context = {"message": message, "status": status, "field": field}
    return render(request, template, context, status=status)


def chat_view(view):
    """Signed-in members only; 403/404 and refused input as a page or an htmx fragment
    naming the field, never a 500."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            if request.method == "GET" and not request.htmx:
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('account_login')}?{query}")
            return _error(request, message=_("Sign in first."), status=403)
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as denied:
            return _error(request, message=str(denied) or _("Not allowed."), status=403)
        except Http404 as missing:
            return _error(request, message=str(missing) or _("Not found."), status=404)
        except DomainError as error:
            return _error(request, message=error.message, status=error.status, field=error.field)

    return wrapper


def _int_param(value, *, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput(_("Give a whole number."), field=field) from None


def _message(request, message_id: int) -> Message:
    message = Message.objects.select_related("room__space", "author").filter(pk=message_id).first()
    if message is None:
        raise Http404(_("No such message."))
    permissions.check_room_view_permission(request.user, message.room)
    return message


def _member_by_handle(handle: str, *, field: str):
    handle = (handle or "").strip().lstrip("@")
    member = get_user_model().objects.filter(handle__iexact=handle, is_active=True).first()
    if not handle or member is None:
        raise InvalidInput(_("No member with that handle."), field=field)
    return member


def _sidebar(request, *, current=None) -> dict:
    rooms = queries.rooms_for(request.user)
    return {
        "rooms": [room for room in rooms if room.kind == RoomKind.ROOM],
        "conversations": [room for room in rooms if room.kind == RoomKind.DIRECT],
        "current": current,
    }


@chat_view
@require_GET
def room_list(request):
    return render(request, "chat/room_list.html", _sidebar(request))


@chat_view
@require_GET
def room(request, room_id: int):
    room = permissions.access_room(request.user, room_id)
    messages = queries.history(room)
    context = {
        **_sidebar(request, current=room),
        "room": room,
        "title": queries.room_title(room, viewer=request.user),
        "entries": [(message, render_message(message)) for message in messages],
        "oldest_id": messages[0].pk if len(messages) == queries.HISTORY_PAGE else None,
        "newest_id": messages[-1].pk if messages else 0,
        "read_markers": queries.read_markers(room),
        "online": queries.online_members(room),
        "is_moderator": permissions.is_room_moderator(request.user, room),
        "sanction_kinds": RoomSanctionKind.choices,
    }
    return render(request, "chat/room.html", context)


@chat_view
@require_http_methods(["GET", "POST"])
def messages(request, room_id: int):
    """GET: a page of history (`before`: older, infinite scroll; `after`: newer, the polling
    fallback). POST: write a message; answers the new message's HTML."""
    room = permissions.access_room(request.user, room_id)
    if request.method == "POST":
        message = services.post_message(
            author=request.user, room=room, body=request.POST.get("body", "")
        )
        if not request.htmx:
            return redirect(room.get_absolute_url())
        return HttpResponse(render_message(message))
    before = _int_param(request.GET.get("before"), field="before")
    after = _int_param(request.GET.get("after"), field="after")
    page = queries.history(room, before=before, after=after)
    context = {
        "room": room,
        "entries": [(message, render_message(message)) for message in page],
        "oldest_id": page[0].pk
        if before is not None and len(page) == queries.HISTORY_PAGE
        else None,
    }
    return render(request, "chat/_history.html", context)


@chat_view
@require_POST
def read(request, room_id: int):
    room = permissions.access_room(request.user, room_id)
    message_id = _int_param(request.POST.get("message"), field="message") or 0
    services.mark_read(member=request.user, room=room, message_id=message_id)
    return HttpResponse(status=204)


@chat_view
@require_GET
def online(request, room_id: int):
    room = permissions.access_room(request.user, room_id)
    return render(request, "chat/_online.html", {"online": queries.online_members(room)})


@chat_view
@require_POST
def moderate(request, room_id: int):
    room = permissions.access_room(request.user, room_id)
    action = request.POST.get("action", "")
    if action == "slow_mode":
        seconds = _int_param(request.POST.get("seconds"), field="seconds") or 0
        services.set_slow_mode(room=room, by=request.user, seconds=seconds)
    elif action in ("mute", "ban", "lift_mute", "lift_ban"):
        member = _member_by_handle(request.POST.get("handle", ""), field="handle")
        kind = action.removeprefix("lift_")
        if action.startswith("lift_"):
            services.lift_sanction(room=room, by=request.user, member=member, kind=kind)
        else:
            minutes = _int_param(request.POST.get("minutes"), field="minutes")
            services.sanction_member(
                room=room,
                by=request.user,
                member=member,
                kind=kind,
                minutes=minutes,
                reason=request.POST.get("reason", ""),
            )
    else:
        raise InvalidInput(_("Choose an action."), field="action")
    if request.htmx:
        return render(request, "chat/_done.html", {"message": _("Done.")})
    return redirect(room.get_absolute_url())


@chat_view
@require_POST
def edit(request, message_id: int):
    message = _message(request, message_id)
    message = services.edit_message(
        message=message, by=request.user, body=request.POST.get("body", "")
    )
    return HttpResponse(render_message(message))


@chat_view
@require_POST
def delete(request, message_id: int):
    message = _message(request, message_id)
    message = services.delete_message(message=message, by=request.user)
    return HttpResponse(render_message(message))


@chat_view
@require_POST
def react(request, message_id: int):
    message = _message(request, message_id)
    services.toggle_reaction(
        message=message, member=request.user, kind=request.POST.get("kind", "")
    )
    return HttpResponse(render_message(Message.objects.select_related("author").get(pk=message.pk)))


@chat_view
@require_POST
def flag(request, message_id: int):
    message = _message(request, message_id)
    services.flag_message(
        message=message, flagger=request.user, reason=request.POST.get("reason", "")
    )
    return render(request, "chat/_done.html", {"message": _("Thanks: the moderators will look.")})


@chat_view
@require_GET
def search(request):
    query = request.GET.get("q", "").strip()[:200]
    results = queries.search_messages(request.user, query) if len(query) >= 2 else []
    return render(
        request, "chat/search.html", {**_sidebar(request), "query": query, "results": results}
    )


@chat_view
@require_POST
def start_direct(request):
    handles = [part for part in request.POST.get("handles", "").replace(",", " ").split() if part]
    if not handles:
        raise InvalidInput(_("Choose someone to write to."), field="handles")
    members = [_member_by_handle(handle, field="handles") for handle in handles[:20]]
    room = services.open_direct_room(by=request.user, members=members)
    return redirect(room.get_absolute_url())


@chat_view
@require_http_methods(["GET", "POST"])
def chat_settings(request):
    if request.method == "POST":
        action = request.POST.get("action", "direct_messages")
        if action == "direct_messages":
            services.set_direct_messages(
                member=request.user, enabled=request.POST.get("direct_messages") == "on"
            )
        elif action in ("block", "unblock"):
            other = _member_by_handle(request.POST.get("handle", ""), field="handle")
            if action == "block":
                services.block_member(blocker=request.user, blocked=other)
            else:
                services.unblock_member(blocker=request.user, blocked=other)
        else:
            raise InvalidInput(_("Choose an action."), field="action")
        return redirect("chat:settings")
    context = {
        **_sidebar(request),
        "direct_messages": permissions.direct_messages_enabled(request.user),
        "blocked": [
            block.blocked
            for block in MemberBlock.objects.filter(blocker=request.user).select_related("blocked")
        ],
    }
    return render(request, "chat/settings.html", context)
