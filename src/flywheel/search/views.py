from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from flywheel.community.models import TopicKind
from flywheel.community.queries import readable_spaces_for
from flywheel.core.exceptions import InvalidInput
from flywheel.search import queries
from flywheel.search.models import DocumentKind


def _parse_offset(raw: str | None) -> int:
    try:
        return max(0, int(raw or 0))
    except ValueError:
        return 0


def results(request: HttpRequest) -> HttpResponse:
    """The search page: box, space and kind filters, ranked results with snippets."""
    spaces = list(readable_spaces_for(request.user))
    query = request.GET.get("q")
    space_slug = request.GET.get("space") or ""
    kind = request.GET.get("kind") or ""
    page = None
    error = None
    if query is not None:
        try:
            space = None
            if space_slug:
                space = next((s for s in spaces if s.slug == space_slug), None)
                if space is None:
                    raise InvalidInput(_("Choose one of the spaces in the list."), field="space")
            page = queries.search(
                request.user,
                query,
                space=space,
                kind=kind or None,
                offset=_parse_offset(request.GET.get("offset")),
                # The list above is the readable spaces: the gates are asked once.
                readable_space_ids=[s.pk for s in spaces],
            )
        except InvalidInput as invalid:
            error = invalid
    context = {
        "query": query or "",
        "spaces": spaces,
        "selected_space": space_slug,
        "selected_kind": kind,
        "kinds": [*DocumentKind.choices, *TopicKind.choices],
        "page": page,
        "error": error,
    }
    if request.htmx:
        # htmx swaps only 2xx answers; the partial carries the message itself.
        return render(request, "search/_results.html", context)
    return render(request, "search/results.html", context, status=400 if error else 200)
