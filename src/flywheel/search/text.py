"""Text analysis shared by indexing and querying, so both sides always agree.

Chinese and Japanese have no spaces between words, so runs of those characters become
overlapping two-character "words" (bigrams) before either backend sees them.
"""

import html
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from flywheel.core.exceptions import InvalidInput

MAX_QUERY_LENGTH = 200
MAX_QUERY_TERMS = 12

LANGUAGE_CONFIGS = {"en": "english", "it": "italian"}
DEFAULT_CONFIG = "simple"
KNOWN_CONFIGS = ("english", "italian", "simple")

CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
WORD = re.compile(r"\w+")
TAG = re.compile(r"<[^>]+>")
SPACES = re.compile(r"\s+")


def language_config(language_code: str | None) -> str:
    """en→english, it→italian; every other language is indexed without stemming."""
    base = (language_code or "").split("-")[0].lower()
    return LANGUAGE_CONFIGS.get(base, DEFAULT_CONFIG)


def plain_text(body_html: str) -> str:
    """Sanitised post HTML to one line of readable text."""
    return SPACES.sub(" ", html.unescape(TAG.sub(" ", body_html or ""))).strip()


def _bigrams(run: str) -> str:
    if len(run) == 1:
        return run
    return " ".join(run[index : index + 2] for index in range(len(run) - 1))


def index_text(text: str) -> str:
    """The text a backend indexes: unchanged, except CJK runs become spaced bigrams."""
    return CJK_RUN.sub(lambda match: f" {_bigrams(match.group())} ", text or "")


def query_terms(raw_query: str) -> list[str]:
    """The words to look for, lower-cased and deduplicated; raises InvalidInput on bad input.

    Only word characters survive, so no FTS5 or tsquery operator can reach the database.
    """
    query = (raw_query or "").strip()
    if not query:
        raise InvalidInput(_("Type something to search for."), field="q")
    if len(query) > MAX_QUERY_LENGTH:
        raise InvalidInput(
            _("Search for at most %(limit)d characters.") % {"limit": MAX_QUERY_LENGTH},
            field="q",
        )
    terms: dict[str, None] = {}
    for term in WORD.findall(index_text(query).lower()):
        term = term.strip("_")
        if term:
            terms.setdefault(term, None)
    if not terms:
        raise InvalidInput(_("Search for at least one word."), field="q")
    return list(terms)[:MAX_QUERY_TERMS]


def _term_pattern(terms: list[str]) -> re.Pattern | None:
    parts = []
    for term in terms:
        if CJK_RUN.fullmatch(term):
            parts.append(re.escape(term))
        else:
            # A stem-sized prefix, so "tende" also marks "tenda" (stemming found it).
            stem = term if len(term) <= 4 else term[: max(4, len(term) - 2)]
            parts.append(rf"\b{re.escape(stem)}\w*")
    if not parts:
        return None
    return re.compile("|".join(sorted(parts, key=len, reverse=True)), re.IGNORECASE)


def highlight(text: str, terms: list[str], *, length: int | None = None) -> SafeString:
    """Escaped text around the first match, with every matched term wrapped in <mark>."""
    text = text or ""
    pattern = _term_pattern(terms)
    matches = list(pattern.finditer(text)) if pattern else []
    prefix = suffix = ""
    if length is not None and len(text) > length:
        first = matches[0].start() if matches else 0
        start = max(0, first - length // 4)
        if start:
            space = text.rfind(" ", 0, start)
            start = space + 1 if space != -1 and start - space < 20 else start
            prefix = "…"
        end = min(len(text), start + length)
        if end < len(text):
            suffix = "…"
        text = text[start:end]
        matches = list(pattern.finditer(text)) if pattern else []
    pieces = [prefix]
    position = 0
    for match in matches:
        pieces.append(escape(text[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    pieces.append(escape(text[position:]))
    pieces.append(suffix)
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of member text is escaped above
