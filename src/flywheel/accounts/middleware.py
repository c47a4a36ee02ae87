import zoneinfo

from django.utils import timezone, translation


class MemberPreferencesMiddleware:
    """Shows pages in the signed-in member's language and time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        activated_zone = False
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.timezone))
                activated_zone = True
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                pass
            if user.language and "django_language" not in request.COOKIES:
                translation.activate(user.language)
                request.LANGUAGE_CODE = translation.get_language()
        try:
            return self.get_response(request)
        finally:
            if activated_zone:
                timezone.deactivate()
