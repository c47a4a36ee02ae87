"""Refusing sign-in to suspended and banned members (called by the account adapter)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from flywheel.moderation.middleware import BLOCKED_SESSION_KEY


def refuse_blocked_sign_in(request: HttpRequest, user) -> HttpResponse | None:
    """None when the member may sign in; else a redirect to the page that says why.

    The member proved who they are (right password), so the session remembers the sanction:
    that page may then take an appeal without a signed-in account.
    """
    from flywheel.moderation.services import sign_in_block

    sanction = sign_in_block(user)
    if sanction is None:
        return None
    from allauth.account.internal.stagekit import clear_login

    clear_login(request)
    request.session[BLOCKED_SESSION_KEY] = sanction.pk
    return redirect("moderation:blocked")
