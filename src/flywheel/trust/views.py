"""The member's own trust page: their level, what the next one takes, and the history."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from flywheel.community.views import hub_view, member_required
from flywheel.trust import queries


@require_GET
@hub_view
@member_required
def my_trust(request: HttpRequest) -> HttpResponse:
    """htmx (the profile) gets the progress card alone; a plain visit gets the whole page."""
    context = {
        "progress": queries.progress_for(request.user),
        "privileges": queries.privileges_for(request.user),
    }
    if request.htmx:
        return render(request, "trust/_progress.html", context)
    context["history"] = list(queries.level_history(request.user)[:20])
    return render(request, "trust/my_trust.html", context)
