import functools
import zoneinfo

from django.utils import timezone, translation


@functools.lru_cache(maxsize=128)
def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _supported_language(code: str) -> str | None:
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


class MemberPreferencesMiddleware:
    """Shows pages in the signed-in member's language and time zone.

    Runs after LocaleMiddleware (which picked a language from the cookie or the browser) and
    AuthenticationMiddleware. A signed-in member's saved language wins: the language switcher
    saves it together with the cookie, so the two only differ when the member changed language
    on another device, and then the profile is the member's latest choice. LocaleMiddleware's
    response half reads the active language for the Content-Language header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        activated_zone = False
        if user is not None and user.is_authenticated:
            zone = _zone(user.timezone or "UTC")
            if zone is not None:
                timezone.activate(zone)
                activated_zone = True
            language = _supported_language(user.language) if user.language else None
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
        try:
            return self.get_response(request)
        finally:
            if activated_zone:
                timezone.deactivate()
