"""Member pages: public profile, profile settings, access tokens, language switcher."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from flywheel.accounts import queries, services
from flywheel.accounts.forms import AccessTokenForm, ProfileForm
from flywheel.accounts.models import PersonalAccessToken
from flywheel.community import services as community_services
from flywheel.core.exceptions import DomainError


def profile(request: HttpRequest, handle: str) -> HttpResponse:
    member = queries.get_member_by_handle(handle)
    context = {"profile": queries.member_profile(member, viewer=request.user), "member": member}
    return render(request, "accounts/profile.html", context)


def _follow_response(request: HttpRequest, member, *, following: bool, status: int = 200):
    if request.htmx:
        return render(
            request,
            "accounts/_follow_button.html",
            {"member": member, "viewer_follows": following},
            status=status,
        )
    return redirect("accounts:profile", handle=member.handle)


@login_required
@require_POST
def follow_member(request: HttpRequest, handle: str) -> HttpResponse:
    member = queries.get_member_by_handle(handle)
    try:
        community_services.follow(follower=request.user, member=member)
    except DomainError as error:
        messages.error(request, error.message)
        return _follow_response(request, member, following=False, status=error.status)
    return _follow_response(request, member, following=True)


@login_required
@require_POST
def unfollow_member(request: HttpRequest, handle: str) -> HttpResponse:
    member = queries.get_member_by_handle(handle)
    community_services.unfollow(follower=request.user, member=member)
    return _follow_response(request, member, following=False)


@login_required
@require_http_methods(["GET", "POST"])
def profile_settings(request: HttpRequest) -> HttpResponse:
    member = request.user
    status = 200
    retry_after = None
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                member = services.update_profile(
                    member=member,
                    display_name=data["display_name"],
                    handle=data["handle"],
                    bio=data["bio"],
                    language=data["language"],
                    timezone_name=data["timezone"],
                    digest_enabled=data["digest_enabled"],
                    mention_emails_enabled=data["mention_emails_enabled"],
                    avatar=data["avatar"] or None,
                    remove_avatar=data["remove_avatar"],
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                status = error.status
                retry_after = getattr(error, "retry_after", None)
            else:
                messages.success(request, _("Your profile was saved."))
                response = redirect("accounts:settings")
                _set_language_cookie(response, member.language)
                return response
        else:
            status = 400
    else:
        form = ProfileForm(initial=ProfileForm.initial_for(member))
    response = render(
        request, "accounts/settings.html", {"form": form, "member": member}, status=status
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    raw_token = None
    status = 200
    if request.method == "POST":
        form = AccessTokenForm(request.POST)
        if form.is_valid():
            try:
                _token, raw_token = services.create_access_token(
                    user=request.user, name=form.cleaned_data["name"]
                )
            except DomainError as error:
                form.add_error("name", error.message)
                status = error.status
            else:
                # The raw value is shown in this response only; it is never stored.
                form = AccessTokenForm()
        else:
            status = 400
    else:
        form = AccessTokenForm()
    context = {
        "form": form,
        "raw_token": raw_token,
        "access_tokens": queries.active_tokens_for(request.user),
    }
    response = render(request, "accounts/tokens.html", context, status=status)
    if raw_token:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(
        PersonalAccessToken, pk=token_id, user=request.user, revoked_at__isnull=True
    )
    services.revoke_access_token(token=token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Like Django's set_language (cookie, safe `next`), and saves the choice on the member.

    Saving it on the member keeps profile and cookie in step, so MemberPreferencesMiddleware
    can let the profile win on every device.
    """
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language not in dict(settings.LANGUAGES):
        messages.error(request, _("Choose one of the offered languages."))
        return response
    if request.user.is_authenticated:
        services.set_member_language(member=request.user, language=language)
    _set_language_cookie(response, language)
    return response
