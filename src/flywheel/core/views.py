from django.db import connection
from django.http import HttpResponse, JsonResponse


def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def bare(request):
    """The benchmarks' baseline: a Django view that does no work at all."""
    return HttpResponse("ok", content_type="text/plain")
