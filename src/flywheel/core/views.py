from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def bare(request):
    """The benchmarks' baseline: a Django view that does no work at all."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@never_cache
def csrf_token(request):
    """A CSRF token (and its cookie) for a form on a page a CDN served to everyone without one
    (core/edge_cache.py; static/flywheel/flywheel.js asks for it when the form is sent)."""
    return JsonResponse({"token": get_token(request)})
