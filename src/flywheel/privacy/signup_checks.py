"""Checks on the e-mail address of a new account, without any network lookups.

* Format: Django's EmailValidator, then a domain that could receive mail — at least two
  labels, a letter-only top-level domain, no IP literal, not a reserved name (.invalid,
  .localhost, .test, .example, .local).
* Disposable domains: the shipped list (data/disposable_domains.txt), settings
  FLYWHEEL_BLOCKED_EMAIL_DOMAINS, and domains staff add in the admin (BlockedEmailDomain).
  A subdomain of a blocked domain is blocked too.

A real MX lookup needs DNS, which self-hosted installs may not allow from the app server;
that is left to the verification e-mail (an address that cannot receive it never activates).
"""

import functools
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

DISPOSABLE_LIST = Path(__file__).resolve().parent / "data" / "disposable_domains.txt"
RESERVED_TLDS = {"invalid", "localhost", "test", "example", "local", "internal", "onion"}
LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


@functools.cache
def shipped_disposable_domains() -> frozenset[str]:
    lines = DISPOSABLE_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def _domain_and_parents(domain: str) -> list[str]:
    labels = domain.split(".")
    return [".".join(labels[index:]) for index in range(len(labels) - 1)]


def is_blocked_domain(domain: str) -> bool:
    from flywheel.privacy.models import BlockedEmailDomain

    candidates = _domain_and_parents(domain.lower())
    configured = {name.lower() for name in getattr(settings, "FLYWHEEL_BLOCKED_EMAIL_DOMAINS", [])}
    if any(c in shipped_disposable_domains() or c in configured for c in candidates):
        return True
    return BlockedEmailDomain.objects.filter(domain__in=candidates).exists()


def blocked_domains(domains) -> set[str]:
    """Which of these domains is_blocked_domain refuses, with at most one query for all of
    them (referral attribution checks a batch of orders' e-mail domains at once)."""
    from flywheel.privacy.models import BlockedEmailDomain

    configured = {name.lower() for name in getattr(settings, "FLYWHEEL_BLOCKED_EMAIL_DOMAINS", [])}
    shipped = shipped_disposable_domains()
    candidates = {domain: _domain_and_parents(domain.lower()) for domain in set(domains)}
    blocked = {
        domain
        for domain, names in candidates.items()
        if any(name in shipped or name in configured for name in names)
    }
    unknown = {
        name for domain, names in candidates.items() if domain not in blocked for name in names
    }
    if unknown:
        listed = set(
            BlockedEmailDomain.objects.filter(domain__in=unknown).values_list("domain", flat=True)
        )
        blocked |= {domain for domain, names in candidates.items() if listed & set(names)}
    return blocked


def check_signup_email(email: str) -> str:
    """The address, lower-cased, or ValidationError saying what is wrong with it."""
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError(_("Enter a valid e-mail address."), code="invalid") from error
    domain = email.rsplit("@", 1)[1].lower().rstrip(".")
    cannot_receive = ValidationError(
        _("This e-mail address cannot receive mail. Check the part after the @."),
        code="undeliverable",
    )
    if domain.startswith("["):
        raise cannot_receive
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise cannot_receive from error
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(LABEL.match(label) for label in labels):
        raise cannot_receive
    top_level = labels[-1]
    if top_level in RESERVED_TLDS or not (top_level.isalpha() or top_level.startswith("xn--")):
        raise cannot_receive
    if is_blocked_domain(ascii_domain):
        raise ValidationError(
            _(
                "Sign-ups from disposable or blocked e-mail providers are not accepted. "
                "Use your own address."
            ),
            code="blocked_domain",
        )
    return email
