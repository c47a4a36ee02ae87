from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from flywheel.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("notifications/", include("flywheel.notifications.urls")),
    path("search/", include("flywheel.search.urls")),
    path("manage/calendar/", include("flywheel.programming.urls")),
    path("", include("flywheel.challenges.urls")),
    path("manage/", include("flywheel.analytics.urls")),
    path("go/", include("flywheel.analytics.link_urls")),
    path("", include("flywheel.commerce.urls")),
    path("", include("flywheel.rewards.urls")),
    path("", include("flywheel.trust.urls")),
    path("", include("flywheel.badges.urls")),
    path("", include("flywheel.moderation.urls")),
    path("", include("flywheel.privacy.urls")),
    path("", include("flywheel.referrals.urls")),
    path("", include("flywheel.reviews.urls")),
    path("", include("flywheel.chat.urls")),
    path("", include("flywheel.showcases.urls")),
    path("", include("flywheel.ideas.urls")),
    path("", include("flywheel.surveys.urls")),
    path("", include("flywheel.events.urls")),
    path("", include("flywheel.trials.urls")),
    path("", include("flywheel.accounts.urls")),
    path("", include("flywheel.seo.urls")),
    path("", include("flywheel.core.urls")),
    path("", include("flywheel.community.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
elif settings.EMBEDDED:
    # The embedded default has no reverse proxy in front of it to serve uploads (avatars).
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
