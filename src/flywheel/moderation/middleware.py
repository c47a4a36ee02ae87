"""Moderation at the edge of every request.

* A member suspended or banned while signed in is signed out on their next request. The check
  is a cache read (the sanction service sets the key), so ordinary requests cost no query;
  signing in again is refused by the account adapter (accounts/adapter.py pre_login).
* Posting pages (new topic, reply, join) ask for the current community guidelines first when
  the member has not accepted them: a page that explains and offers to accept.
* The address of a topic merged into another redirects to it instead of a 404.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

BLOCKED_SESSION_KEY = "moderation_blocked_sanction"
GUIDELINES_GUARDED_VIEWS = {"community:new_topic", "community:reply", "community:space_join"}


class ModerationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from flywheel.moderation import services

            if services.must_sign_out(user):
                sanction = services.sign_in_block(user)
                if sanction is not None:
                    return sign_out_blocked_member(request, sanction)
        response = self.get_response(request)
        if response.status_code == 404:
            return self._merged_topic_redirect(request) or response
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        if match is None or match.view_name not in GUIDELINES_GUARDED_VIEWS:
            return None
        user = request.user
        if not user.is_authenticated or user.is_brand_team:
            return None
        if match.view_name == "community:space_join" and request.POST.get("action") == "leave":
            return None
        from flywheel.moderation import services

        if services.has_accepted_current_guidelines(user):
            return None
        return guidelines_required_response(request)

    @staticmethod
    def _merged_topic_redirect(request: HttpRequest) -> HttpResponse | None:
        match = getattr(request, "resolver_match", None)
        if match is None or match.view_name != "community:topic" or request.method != "GET":
            return None
        from flywheel.moderation.models import TopicRedirect

        redirect_row = (
            TopicRedirect.objects.select_related("to_topic")
            .filter(from_topic_id=match.kwargs.get("topic_id"))
            .first()
        )
        if redirect_row is None or redirect_row.to_topic.deleted_at is not None:
            return None
        return redirect(redirect_row.to_topic.get_absolute_url(), permanent=True)


def sign_out_blocked_member(request: HttpRequest, sanction) -> HttpResponse:
    logout(request)
    request.session[BLOCKED_SESSION_KEY] = sanction.pk
    messages.error(request, _("Your account is suspended; you have been signed out."))
    return redirect("moderation:blocked")


def guidelines_required_response(request: HttpRequest) -> HttpResponse:
    """Ask for the guidelines before posting: 409 for a refused post, 200 for a form page."""
    from flywheel.moderation import services

    if request.method == "POST":
        next_url = request.headers.get("Referer") or request.path
    else:
        next_url = request.get_full_path()
    accept_url = f"{reverse('moderation:guidelines')}?{urlencode({'next': next_url})}"
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=409)
        response["HX-Redirect"] = accept_url
        return response
    return render(
        request,
        "moderation/guidelines_required.html",
        {
            "guidelines": services.current_guidelines(),
            "next": next_url,
            "draft": request.POST.get("body", "") if request.method == "POST" else "",
        },
        status=409 if request.method == "POST" else 200,
    )
