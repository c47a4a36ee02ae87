"""The hub's server-rendered pages. Thin: parse the request, ask permissions/queries, call a
service, render. htmx requests get the small partial they swap; the rest get whole pages."""

import functools
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from flywheel.community import (
    fragments,
    page_cache,
    permissions,
    queries,
    services,
    structured_data,
)
from flywheel.community.forms import EditPostForm, ReplyForm, TopicForm
from flywheel.community.models import Post, Space, Topic, TopicKind, Visibility
from flywheel.core import edge_cache, hooks, member_cache
from flywheel.core.context_processors import brand
from flywheel.core.exceptions import DomainError, RateLimited

POSTS_PER_PAGE = 50

MEMBERS_PER_PAGE = 60
HOME_TOPICS = 10
HOME_UNANSWERED = 6


# The viewer may not read this space; the page explains how to get in.
SpaceLocked = permissions.SpaceLocked


def _error_response(request: HttpRequest, *, message: str, status: int, title: str = ""):
    if request.htmx:
        return render(
            request, "community/_error_fragment.html", {"message": message}, status=status
        )
    return render(
        request,
        "community/error.html",
        {"message": message, "status": status, "error_title": title},
        status=status,
    )


def hub_view(view):
    """Maps what the rules said to a page: locked spaces, 403, 404 and domain errors (4xx)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except SpaceLocked as locked:
            return _locked_response(request, locked.space)
        except PermissionDenied as denied:
            return _error_response(
                request,
                status=403,
                title=_("Not allowed"),
                message=str(denied) or _("You do not have permission to do that."),
            )
        except Http404 as missing:
            return _error_response(
                request,
                status=404,
                title=_("Not found"),
                message=str(missing) or _("We could not find that page."),
            )
        except RateLimited as limited:
            response = _error_response(
                request, message=limited.message, status=limited.status, title=_("Slow down")
            )
            response["Retry-After"] = str(limited.retry_after)
            return response
        except DomainError as error:
            return _error_response(
                request, message=error.message, status=error.status, title=_("That did not work")
            )

    return wrapper


def _login_url(request: HttpRequest) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"


def member_required(view):
    """Signed-out visitors are sent to sign in; htmx swaps get a 403 message instead."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.htmx or request.method != "GET":
            raise PermissionDenied(_("Sign in first."))
        return redirect(_login_url(request))

    return wrapper


def _locked_response(request: HttpRequest, space: Space) -> HttpResponse:
    if request.htmx:
        message = space.gate_description or _("This space is open to its members only.")
        return render(request, "community/_error_fragment.html", {"message": message}, status=403)
    return render(
        request,
        "community/locked.html",
        {
            "space": space,
            "is_gated": space.visibility == Visibility.GATED,
            "login_url": _login_url(request),
        },
        status=403,
    )


def _readable_space(user, slug: str) -> Space:
    space = queries.space_by_slug(slug)
    if space is None:
        raise Http404(_("No such space."))
    if not permissions.can_view_space(user, space):
        raise SpaceLocked(space)
    return space


def _readable_topic(user, topic_id: int) -> Topic:
    return permissions.access_topic(user, topic_id)


def _readable_post(user, post_id: int, *, allow_deleted: bool = False) -> Post:
    return permissions.access_post(user, post_id, allow_deleted=allow_deleted)


def _quotable_post(user, post_id: int | None, *, topic: Topic) -> Post | None:
    """A post of this topic the user may see, to quote or reply to; None when there is none
    (a hidden or deleted post is as absent as one that never was: its text must not leak)."""
    if not post_id:
        return None
    try:
        post = permissions.access_post(user, post_id)
    except (Http404, PermissionDenied):
        return None
    return post if post.topic_id == topic.pk else None


def _post_url(post: Post) -> str:
    page = queries.post_position(post) // POSTS_PER_PAGE + 1
    query = f"?page={page}" if page > 1 else ""
    return f"{post.topic.get_absolute_url()}{query}#post-{post.number}"


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    """Redirect to a same-site `next` the form sent, else to the fallback."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


# ---------------------------------------------------------------- home and spaces


SPACES_CSS_MAX_AGE = 300


@require_GET
def spaces_css(request: HttpRequest) -> HttpResponse:
    """The space colours as CSS custom properties (see queries.space_colour_stylesheet)."""
    response = HttpResponse(queries.space_colour_stylesheet(), content_type="text/css")
    response["Cache-Control"] = f"public, max-age={SPACES_CSS_MAX_AGE}"
    return response


@require_GET
@hub_view
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    # The readable spaces are worked out once (gates and grants: several queries) and fed to
    # both lists, instead of once per list.
    readable_ids = queries.readable_space_ids(user)
    latest = list(queries.topics_for_listing(user, readable_spaces=readable_ids)[:HOME_TOPICS])
    response = render(
        request,
        "community/home.html",
        {
            "spaces": list(queries.spaces_for(user)),
            "readable_ids": readable_ids,
            "latest_topics": latest,
            "latest_rows": fragments.render_topic_rows(latest, show_space=True),
            "unanswered": list(
                queries.topics_for_listing(user, unanswered=True, readable_spaces=readable_ids)[
                    :HOME_UNANSWERED
                ]
            ),
            # Rendered by the apps above (showcases: the featured gallery); escaped there.
            "home_sections": [
                html for html in (section(request) for section in hooks.home_sections) if html
            ],
        },
    )
    # Signed-out visitors see public spaces only; a new topic or reply anywhere purges "home".
    edge_cache.tag_response(response, [page_cache.HOME_KEY])
    return member_cache.allow(response)


@require_GET
@hub_view
def spaces(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "community/spaces.html",
        {
            "spaces": list(queries.spaces_for(user)),
            "readable_ids": queries.readable_space_ids(user),
        },
    )


def _space_header_context(request: HttpRequest, space: Space) -> dict:
    user = request.user
    return {
        "space": space,
        "membership": queries.membership_for(user, space),
        "following_space": queries.is_following(user, space=space),
    }


@require_GET
@hub_view
def space(request: HttpRequest, slug: str) -> HttpResponse:
    return _space_listing(request, slug, unanswered=False)


@require_GET
@hub_view
def space_unanswered(request: HttpRequest, slug: str) -> HttpResponse:
    return _space_listing(request, slug, unanswered=True)


def _space_listing(request: HttpRequest, slug: str, *, unanswered: bool) -> HttpResponse:
    user = request.user
    space = _readable_space(user, slug)
    kind = request.GET.get("kind") or None
    if kind not in TopicKind.values:
        kind = None
    tag_slug = (request.GET.get("tag") or "").strip()[:40] or None
    topics = queries.topics_for_listing(
        user, space=space, kind=kind, tag_slug=tag_slug, unanswered=unanswered
    )
    paginator = Paginator(topics, settings.FLYWHEEL_PAGE_SIZE)
    if not (kind or tag_slug or unanswered):
        # The space's counter instead of a COUNT(*) over its topics (4-6 ms at 12k topics).
        # It also counts topics moderation holds, which the list leaves out: at worst the
        # last page is shorter than the counter promised.
        paginator.count = space.topic_count
    page = paginator.get_page(request.GET.get("page"))
    topic_list = list(page.object_list)
    context = _space_header_context(request, space)
    context.update(
        {
            "page_obj": page,
            "topics": topic_list,
            "topic_rows": fragments.render_topic_rows(topic_list, show_space=False),
            "kind": kind,
            "tag_slug": tag_slug,
            "unanswered": unanswered,
            "tab": "unanswered" if unanswered else (kind or "all"),
            "popular_tags": queries.popular_tags(space),
            "kinds": TopicKind.choices,
        }
    )
    response = render(request, "community/space.html", context)
    if space.visibility == Visibility.PUBLIC:
        edge_cache.tag_response(response, [page_cache.space_key(space.pk)])
    return member_cache.allow(response)


@require_GET
@hub_view
def space_members(request: HttpRequest, slug: str) -> HttpResponse:
    space = _readable_space(request.user, slug)
    page = Paginator(queries.space_members(space), MEMBERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = _space_header_context(request, space)
    context.update({"page_obj": page, "memberships": list(page.object_list), "tab": "members"})
    return render(request, "community/space_members.html", context)


@require_POST
@hub_view
@member_required
def space_join(request: HttpRequest, slug: str) -> HttpResponse:
    space = queries.space_by_slug(slug)
    if space is None:
        raise Http404(_("No such space."))
    if request.POST.get("action") == "leave":
        services.leave_space(member=request.user, space=space)
        message = _("You left %(space)s.") % {"space": space.name}
    else:
        services.join_space(member=request.user, space=space)
        message = _("Welcome to %(space)s!") % {"space": space.name}
    if request.htmx:
        space.refresh_from_db(fields=["member_count"])
        return render(
            request, "community/_membership_button.html", _space_header_context(request, space)
        )
    messages.success(request, message)
    return _back(request, reverse("community:space", kwargs={"slug": space.slug}))


@require_POST
@hub_view
@member_required
def space_follow(request: HttpRequest, slug: str) -> HttpResponse:
    space = _readable_space(request.user, slug)
    if request.POST.get("action") == "unfollow":
        services.unfollow(follower=request.user, space=space)
    else:
        services.follow(follower=request.user, space=space)
    following = queries.is_following(request.user, space=space)
    if request.htmx:
        return render(
            request,
            "community/_follow_button.html",
            {
                "following": following,
                "follow_url": reverse("community:space_follow", kwargs={"slug": space.slug}),
                "target_label": space.name,
            },
        )
    return _back(request, reverse("community:space", kwargs={"slug": space.slug}))


# ---------------------------------------------------------------- topics


@require_http_methods(["GET", "POST"])
@hub_view
@member_required
def new_topic(request: HttpRequest, slug: str) -> HttpResponse:
    user = request.user
    space = _readable_space(user, slug)
    permissions.check_space_post_permission(user, space)
    can_announce = permissions.is_moderator_of(user, space)
    form = TopicForm(request.POST or None, can_announce=can_announce)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                topic = services.create_topic(
                    author=user,
                    space=space,
                    kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    tags=form.cleaned_data["tags"],
                )
            except RateLimited:
                raise
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                status = error.status
            else:
                messages.success(request, _("Your topic is live."))
                return redirect(topic.get_absolute_url())
        else:
            status = 422
    return render(
        request, "community/new_topic.html", {"space": space, "form": form}, status=status
    )


def _topic_context(request: HttpRequest, topic: Topic, reply_form: ReplyForm) -> dict:
    user = request.user
    viewer_id = user.pk if user.is_authenticated else None
    moderator_ids = queries.moderator_ids(topic.space)
    viewer_is_moderator = permissions.is_moderator_of(
        user, topic.space, moderator_ids=moderator_ids
    )
    posts = queries.posts_for_topic(topic, viewer=user, viewer_is_moderator=viewer_is_moderator)
    for prefetch in hooks.post_list_prefetches:
        posts = prefetch(posts)  # badges: +1 query/page
    page = Paginator(posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    is_question = topic.kind == TopicKind.QUESTION
    can_accept_here = bool(viewer_id) and (topic.author_id == viewer_id or viewer_is_moderator)

    def entry(post: Post) -> dict:
        # Only the author and moderators are given held or hidden posts (posts_for_topic); the
        # marker moderation gives one ("" when nothing holds it).
        held_marker = permissions.moderation_marker(getattr(post, "moderation_state", None))
        held = bool(held_marker)
        live = not post.is_deleted
        own = viewer_id is not None and post.author_id == viewer_id
        return {
            "post": post,
            "held_marker": held_marker,
            "reactions": queries.reaction_summary(post, viewer_id=viewer_id),
            "can_react": live and not held and viewer_id is not None,
            "can_edit": live and (own or viewer_is_moderator),
            "can_delete": live and (own or viewer_is_moderator),
            "can_accept": live
            and not held
            and is_question
            and can_accept_here
            and not post.is_opening_post,
            "is_accepted": post.pk == topic.accepted_answer_id,
            "author_is_moderator": post.author_id in moderator_ids,
            "can_flag": live and viewer_id is not None and not own,
        }

    entries = [entry(post) for post in page.object_list]
    opening = entries[0] if entries and entries[0]["post"].is_opening_post else None
    replies = entries[1:] if opening else entries
    accepted = None
    if opening and topic.accepted_answer_id:
        # Shown right under the question; fetched on its own when it sits on a later page.
        accepted = next((item for item in replies if item["is_accepted"]), None)
        if accepted is not None:
            accepted = {**accepted, "url": f"#post-{accepted['post'].number}"}
        else:
            accepted_post = queries.post_with_reactions(topic.accepted_answer_id)
            if accepted_post is not None:
                accepted_post.topic = topic  # checked already, with its moderation state
            if accepted_post is not None and permissions.can_view_post(user, accepted_post):
                accepted_post.moderation_state = permissions.post_moderation_state(accepted_post)
                accepted = {**entry(accepted_post), "url": _post_url(accepted_post)}
    can_reply = viewer_id is not None and (not topic.is_closed or viewer_is_moderator)
    fragments.render_posts(
        entries,
        topic=topic,
        can_reply=can_reply,
        csrf_token=get_token(request),
        brand_name=brand(request)["brand_name"],
    )
    return {
        "topic": topic,
        "space": topic.space,
        "tags": list(topic.tags.all()),
        "page_obj": page,
        "opening": opening,
        "replies": replies,
        "accepted": accepted,
        "viewer_is_moderator": viewer_is_moderator,
        "can_reply": can_reply,
        "following_topic": queries.is_following(user, topic=topic),
        "reply_form": reply_form,
        "login_url": _login_url(request),
        "seo": structured_data.topic_head(
            topic, page_number=page.number, opening=opening, accepted=accepted, replies=replies
        ),
        # Panels of the apps built on the community (surveys: the topic's poll), under the
        # opening post; each costs a fixed number of queries (core.hooks.topic_panels).
        "panels": [
            html for panel in hooks.topic_panels if (html := panel(request=request, topic=topic))
        ]
        if opening
        else [],
    }


def _quote_of(post: Post) -> str:
    lines = post.body.strip().splitlines()[:6]
    author = f"@{post.author.handle} " if post.author else ""
    quoted = "\n".join(f"> {line}" for line in lines)
    return f"{author}\n{quoted}\n\n"


@require_GET
@hub_view
def topic(request: HttpRequest, slug: str, topic_id: int) -> HttpResponse:
    # Served again to the same member, and to every signed-out visitor, by core.member_cache
    # (before this view runs) until any write; the view counter runs on those hits too.
    topic = _readable_topic(request.user, topic_id)
    if slug != (topic.slug or "-"):
        canonical = topic.get_absolute_url()
        query = request.META.get("QUERY_STRING")
        return redirect(f"{canonical}?{query}" if query else canonical, permanent=True)
    response = _render_topic(request, topic)
    _topic_viewed(request, topic.pk)
    if topic.space.visibility == Visibility.PUBLIC:
        edge_cache.tag_response(response, [page_cache.topic_key(topic.pk)])
    return member_cache.allow(response, replay=("community.topic_viewed", topic.pk))


def _topic_viewed(request: HttpRequest, topic_id: int) -> None:
    for listener in hooks.topic_views:
        listener(topic_id=topic_id, member=request.user)


def replay_topic_view(request: HttpRequest, member_id: int | None, topic_id: int) -> None:
    """A topic page served by core.member_cache still counts as a view (member_id is None for
    a signed-out visitor)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser
    from django.utils.functional import SimpleLazyObject

    if member_id is None:
        member = AnonymousUser()
    else:
        member = SimpleLazyObject(lambda: get_user_model().objects.get(pk=member_id))
    for listener in hooks.topic_views:
        listener(topic_id=topic_id, member=member)


def _render_topic(request: HttpRequest, topic: Topic) -> HttpResponse:
    initial = {}
    quoting = request.GET.get("reply_to", "")
    if quoting.isdigit() and len(quoting) < 19 and request.user.is_authenticated:
        quoted = _quotable_post(request.user, int(quoting), topic=topic)
        if quoted is not None:
            initial = {"reply_to": quoted.pk, "body": _quote_of(quoted)}
    context = _topic_context(request, topic, ReplyForm(initial=initial))
    for listener in hooks.topic_reads:
        listener(member=request.user, topic=topic, posts=context["page_obj"].object_list)
    context["quoting"] = initial.get("reply_to")
    return render(request, "community/topic.html", context)


@require_POST
@hub_view
@member_required
def reply(request: HttpRequest, topic_id: int) -> HttpResponse:
    topic = _readable_topic(request.user, topic_id)
    form = ReplyForm(request.POST)
    status = 422
    if form.is_valid():
        reply_to = None
        if form.cleaned_data.get("reply_to"):
            reply_to = _quotable_post(request.user, form.cleaned_data["reply_to"], topic=topic)
            if reply_to is None:
                raise Http404(_("No such post."))
        try:
            post = services.create_reply(
                author=request.user,
                topic=topic,
                body=form.cleaned_data["body"],
                reply_to=reply_to,
            )
        except RateLimited:
            raise
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            status = error.status
        else:
            return redirect(_post_url(post))
    context = _topic_context(request, topic, form)
    context["quoting"] = form.data.get("reply_to")
    return render(request, "community/topic.html", context, status=status)


@require_POST
@hub_view
@member_required
def topic_follow(request: HttpRequest, topic_id: int) -> HttpResponse:
    topic = _readable_topic(request.user, topic_id)
    if request.POST.get("action") == "unfollow":
        services.unfollow(follower=request.user, topic=topic)
    else:
        services.follow(follower=request.user, topic=topic)
    if request.htmx:
        return render(
            request,
            "community/_follow_button.html",
            {
                "following": queries.is_following(request.user, topic=topic),
                "follow_url": reverse("community:topic_follow", kwargs={"topic_id": topic.pk}),
                "target_label": topic.title,
            },
        )
    return redirect(topic.get_absolute_url())


@require_POST
@hub_view
@member_required
def topic_moderate(request: HttpRequest, topic_id: int) -> HttpResponse:
    topic = _readable_topic(request.user, topic_id)
    action = request.POST.get("action")
    flags = {
        "pin": {"pinned": True},
        "unpin": {"pinned": False},
        "close": {"closed": True},
        "reopen": {"closed": False},
    }.get(action)
    if flags is None:
        return _error_response(request, message=_("Unknown action."), status=400)
    services.set_topic_flags(topic=topic, by=request.user, **flags)
    notices = {
        "pin": _("Topic pinned."),
        "unpin": _("Topic unpinned."),
        "close": _("Topic closed to new replies."),
        "reopen": _("Topic reopened."),
    }
    messages.success(request, notices[action])
    return redirect(topic.get_absolute_url())


# ---------------------------------------------------------------- posts


@require_GET
@hub_view
def post_permalink(request: HttpRequest, post_id: int) -> HttpResponse:
    # A deleted post keeps its place in the topic (without its text).
    return redirect(_post_url(_readable_post(request.user, post_id, allow_deleted=True)))


@require_POST
@hub_view
@member_required
def post_react(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _readable_post(request.user, post_id)
    services.toggle_reaction(member=request.user, post=post, kind=request.POST.get("kind", ""))
    if not request.htmx:
        return redirect(_post_url(post))
    post = queries.post_with_reactions(post.pk)
    return render(
        request,
        "community/_reactions.html",
        {
            "post": post,
            "reactions": queries.reaction_summary(post, viewer_id=request.user.pk),
            "can_react": True,
        },
    )


@require_GET
@hub_view
@member_required
def post_reaction_picker(request: HttpRequest, post_id: int) -> HttpResponse:
    """The reaction choices for one post, fetched when its picker opens (not shipped with
    every post of the page). Marks the viewer's own reactions."""
    post = _readable_post(request.user, post_id)
    post = queries.post_with_reactions(post.pk)
    context = {
        "post": post,
        "topic": post.topic,
        "space": post.topic.space,
        "reactions": queries.reaction_summary(post, viewer_id=request.user.pk),
    }
    if request.htmx:
        return render(request, "community/_reaction_picker.html", context)
    return render(request, "community/post_action.html", {**context, "standalone": True})


@require_GET
@hub_view
@member_required
def post_flag_form(request: HttpRequest, post_id: int) -> HttpResponse:
    """The flag form for one post, fetched when "Flag" is clicked (see post_reaction_picker)."""
    post = _readable_post(request.user, post_id)
    context = {"post": post, "topic": post.topic, "space": post.topic.space, "flag_open": True}
    if request.htmx:
        return render(request, "moderation/_flag_button.html", context)
    return render(request, "community/post_action.html", context)


@require_http_methods(["GET", "POST"])
@hub_view
@member_required
def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _readable_post(request.user, post_id)
    permissions.check_post_edit_permission(request.user, post)
    opening = post.is_opening_post
    topic = post.topic
    initial = {"body": post.body}
    if opening:
        initial.update(
            {
                "title": topic.title,
                "tags": ", ".join(tag.name for tag in topic.tags.all()),
            }
        )
    form = EditPostForm(request.POST or None, initial=initial, is_opening_post=opening)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.edit_post(
                    post=post,
                    editor=request.user,
                    body=form.cleaned_data["body"],
                    title=form.cleaned_data.get("title") if opening else None,
                    tags=form.cleaned_data.get("tags") if opening else None,
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                status = error.status
            else:
                messages.success(request, _("Your changes are saved."))
                topic.refresh_from_db(fields=["slug"])
                return redirect(_post_url(post))
    return render(
        request,
        "community/post_edit.html",
        {"post": post, "topic": topic, "space": topic.space, "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@hub_view
@member_required
def post_delete(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _readable_post(request.user, post_id)
    permissions.check_post_delete_permission(request.user, post)
    topic = post.topic
    if request.method == "POST":
        services.delete_post(post=post, by=request.user)
        if post.is_opening_post:
            messages.success(request, _("The topic was deleted."))
            return redirect("community:space", slug=topic.space.slug)
        messages.success(request, _("The reply was deleted."))
        return redirect(_post_url(post))
    return render(
        request, "community/post_delete.html", {"post": post, "topic": topic, "space": topic.space}
    )


@require_POST
@hub_view
@member_required
def post_accept(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _readable_post(request.user, post_id)
    if request.POST.get("action") == "unaccept":
        services.unaccept_answer(topic=post.topic, by=request.user)
        messages.success(request, _("The answer is no longer marked as accepted."))
    else:
        services.accept_answer(reply=post, by=request.user)
        messages.success(request, _("Marked as the accepted answer."))
    return redirect(_post_url(post))


@require_GET
@hub_view
def post_history(request: HttpRequest, post_id: int) -> HttpResponse:
    # Earlier texts are the post's text: a deleted, held or hidden post's history is for
    # whoever may see the post itself (moderators; the author of a held one).
    post = _readable_post(request.user, post_id)
    return render(
        request,
        "community/post_history.html",
        {
            "post": post,
            "topic": post.topic,
            "space": post.topic.space,
            "revisions": list(queries.post_revisions(post)),
        },
    )


# ---------------------------------------------------------------- images in posts


def _json_error(message: str, *, status: int, field: str | None = None) -> JsonResponse:
    return JsonResponse({"error": message, "field": field}, status=status)


@require_POST
def image_upload(request: HttpRequest) -> HttpResponse:
    """The composers' image upload (community/static/community/composer-images.js): one file
    in `image`; JSON with the image's id and URL, or a 4xx JSON message naming the problem."""
    if not request.user.is_authenticated:
        return _json_error(_("Sign in first."), status=403)
    try:
        image = services.upload_post_image(uploader=request.user, upload=request.FILES.get("image"))
    except RateLimited as limited:
        response = _json_error(limited.message, status=limited.status, field=limited.field)
        response["Retry-After"] = str(limited.retry_after)
        return response
    except PermissionDenied as denied:
        return _json_error(str(denied) or _("You do not have permission to do that."), status=403)
    except DomainError as error:
        return _json_error(error.message, status=error.status, field=error.field)
    url = image.get_absolute_url()
    alt = _("image")
    return JsonResponse(
        {
            "id": image.key,
            "url": url,
            "full_url": reverse("community:image_full", kwargs={"key": image.key}),
            "width": image.width,
            "height": image.height,
            "markdown": f"![{alt}]({url})",
        },
        status=201,
    )


@require_GET
def image(request: HttpRequest, key: str, full: bool = False) -> HttpResponse:
    """An image in a post, to whoever may read the post (permissions.access_post_image); the
    960 px variant unless `full`, the full image until the variant exists."""
    try:
        found = permissions.access_post_image(request.user, key)
    except (Http404, PermissionDenied):
        return HttpResponse(_("No such image."), status=404, content_type="text/plain")
    field = found.image if full or not found.display else found.display
    try:
        handle = field.open("rb")
    except OSError:
        return HttpResponse(_("No such image."), status=404, content_type="text/plain")
    response = FileResponse(handle, content_type="image/webp")
    # Never shared caches: whether an image may be seen depends on who asks.
    response["Cache-Control"] = "private, max-age=3600"
    return response
