"""The production URL conf plus the webhook benchmark's baseline endpoint, which stores the raw
body and answers, nothing else. Loaded only by bench/webhook_settings.py (ROOT_URLCONF), so
production never serves it."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from flywheel.urls import urlpatterns as production_urlpatterns


@csrf_exempt
@require_POST
def bench_store_body(request: HttpRequest) -> HttpResponse:
    from bench.baseline.models import BenchBody  # its app is installed by the bench settings

    BenchBody.objects.create(body=request.body.decode("utf-8", "replace"))
    return JsonResponse({"status": "stored"})


urlpatterns = [
    path("bench/store-body", bench_store_body, name="bench_store_body"),
    *production_urlpatterns,
]
