"""Security headers Django 5.2 does not set itself: Content-Security-Policy, Permissions-Policy.

Django's SecurityMiddleware already sends HSTS (when DEBUG is off), X-Content-Type-Options,
Referrer-Policy and Cross-Origin-Opener-Policy; XFrameOptionsMiddleware sends
X-Frame-Options: DENY. This middleware adds the rest from settings:

* ``FLYWHEEL_CSP``: a dict of directive → list of sources. Scripts come only from our own
  origin (no inline scripts, no eval); templates keep behaviour in static files and use data
  attributes. Styles come only from our stylesheets: <style> elements and style="" attributes
  are blocked (``style-src-attr 'none'``); space colours come from the generated /spaces.css.
* ``FLYWHEEL_CSP_REPORT_ONLY``: send Content-Security-Policy-Report-Only instead, to try a
  stricter policy in production without breaking pages.
* ``FLYWHEEL_PERMISSIONS_POLICY``: browser features no page here uses are switched off.

There is no nonce: topic pages for signed-out readers are served from a whole-page cache, and
a nonce baked into cached HTML would not match the header of the next response.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

CSP_HEADER = "Content-Security-Policy"
CSP_REPORT_ONLY_HEADER = "Content-Security-Policy-Report-Only"


def build_csp(policy: dict[str, list[str]]) -> str:
    """{"script-src": ["'self'"], "upgrade-insecure-requests": []} → "script-src 'self'; …"."""
    parts = []
    for directive, sources in policy.items():
        parts.append(" ".join([directive, *sources]) if sources else directive)
    return "; ".join(parts)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "FLYWHEEL_CSP", None)
        if policy:
            header = (
                CSP_REPORT_ONLY_HEADER
                if getattr(settings, "FLYWHEEL_CSP_REPORT_ONLY", False)
                else CSP_HEADER
            )
            # A view may set its own, stricter policy (e.g. a download); keep it.
            if CSP_HEADER not in response and CSP_REPORT_ONLY_HEADER not in response:
                response[header] = build_csp(policy)
        permissions_policy = getattr(settings, "FLYWHEEL_PERMISSIONS_POLICY", "")
        if permissions_policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions_policy
        return response
