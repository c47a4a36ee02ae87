"""Spam signals for auto-moderation. Each signal is a small, testable function of a post.

The signals add up to a spam score: at FLYWHEEL_SPAM_FLAG (default 0.6) the post goes to the
queue with a system flag; at FLYWHEEL_SPAM_HIDE (default 1.0) it is hidden pending review.
A new account alone never reaches either; it only adds weight to another signal (a new
account repeating itself is queued, not hidden).
"""

import functools
import hashlib
import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings

from flywheel.moderation.classifiers.lexicon import Entry, load_lexicon, normalise
from flywheel.moderation.models import WordList, WordListKind

URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
WORD = re.compile(r"[\w']+", re.UNICODE)
SHINGLE_SIZE = 3
SIMHASH_BITS = 64
RECENT_POSTS = 20
RECENT_WINDOW = timedelta(days=3)

LINKS_WEIGHT = 0.6
DUPLICATE_WEIGHT = 0.7
VELOCITY_WEIGHT = 0.6
NEW_ACCOUNT_WEIGHT = 0.2
BLOCKED_WEIGHT = 1.0


def setting(name: str, default):
    return getattr(settings, name, default)


@dataclass
class SpamReport:
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def add(self, weight: float, reason: str) -> None:
        self.score = round(self.score + weight, 4)
        self.reasons.append(reason)


# ---------------------------------------------------------------- near-duplicates (SimHash)


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[str]:
    """Overlapping word n-grams (characters for text without spaces, e.g. Chinese)."""
    words = WORD.findall(normalise(text))
    if len(words) <= 2 and len("".join(words)) > 12:
        compact = "".join(words)
        return {compact[i : i + size] for i in range(max(1, len(compact) - size + 1))}
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def simhash(text: str) -> int:
    """A 64-bit fingerprint where similar texts differ in few bits."""
    counts = [0] * SIMHASH_BITS
    for shingle in shingles(text):
        digest = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
        for bit in range(SIMHASH_BITS):
            counts[bit] += 1 if digest >> bit & 1 else -1
    return sum(1 << bit for bit in range(SIMHASH_BITS) if counts[bit] > 0)


def hamming(left: int, right: int) -> int:
    return (left ^ right).bit_count()


def is_near_duplicate(text: str, others: list[str], *, max_distance: int = 6) -> bool:
    """True when text repeats one of the others (same words, or nearly: SimHash distance)."""
    if len(shingles(text)) < 2:
        return False  # "Thanks!" twice is not spam
    fingerprint = simhash(text)
    normalised = normalise(text)
    for other in others:
        if normalise(other) == normalised or hamming(fingerprint, simhash(other)) <= max_distance:
            return True
    return False


# ---------------------------------------------------------------- word lists


@dataclass(frozen=True)
class BlockedLists:
    words: tuple[Entry, ...]
    patterns: tuple[re.Pattern, ...]


def _entry(line: str) -> Entry:
    words = tuple(line.casefold().split())
    return Entry(words=words, weight=1.0, text=" ".join(words))


@functools.lru_cache(maxsize=16)
def _shipped_lists(language: str) -> BlockedLists:
    lexicon = load_lexicon(language)
    return BlockedLists(tuple(lexicon.entries("blocked")), tuple(lexicon.patterns))


def blocked_lists(language: str) -> BlockedLists:
    """Shipped defaults for the language plus staff word lists for it and for every language."""
    shipped = _shipped_lists(language)
    words, patterns = list(shipped.words), list(shipped.patterns)
    rows = WordList.objects.filter(is_active=True, language__in=["", language])
    for row in rows:
        for line in row.entry_lines():
            if row.kind == WordListKind.BLOCKED_PATTERNS:
                try:
                    patterns.append(re.compile(line, re.IGNORECASE | re.UNICODE))
                except re.error:
                    continue  # validated when saved; an old bad row must not stop posting
            else:
                words.append(_entry(line))
    return BlockedLists(tuple(words), tuple(patterns))


def blocked_matches(text: str, language: str) -> list[str]:
    lists = blocked_lists(language)
    normalised = normalise(text)
    tokens = WORD.findall(normalised)
    character_language = language.lower().startswith("zh")
    found = []
    for entry in lists.words:
        if character_language or any(not word.isascii() for word in entry.words):
            hit = "".join(entry.words) in normalised.replace(" ", "") or entry.text in normalised
        else:
            hit = any(entry.matches_at(tokens, index) for index in range(len(tokens)))
        if hit:
            found.append(entry.text)
    found.extend(pattern.pattern for pattern in lists.patterns if pattern.search(text))
    return found


# ---------------------------------------------------------------- the signals


def trust_level(member) -> int:
    """The member's trust level 0-4 (trust app when installed, else account age)."""
    try:
        from flywheel.core.ratelimit import trust_level_of
    except ImportError:  # older core without trust levels
        return 4 if member.is_brand_team else 0
    return trust_level_of(member)


def link_count(text: str) -> int:
    return len(URL.findall(text or ""))


def spam_report(*, post, recent_bodies: list[str], recent_times: list) -> SpamReport:
    """Every spam signal for one post. `recent_*`: the author's other posts, newest first."""
    author = post.author
    report = SpamReport()
    if author is None:
        return report
    language = author.language or "en"
    text = post.body

    level = trust_level(author)
    links = link_count(text)
    max_links = setting("FLYWHEEL_SPAM_MAX_LINKS_LOW_TRUST", 2)
    if level <= 1 and links > max_links:
        report.add(LINKS_WEIGHT, f"{links} links from a trust level {level} member")

    if is_near_duplicate(text, recent_bodies):
        report.add(DUPLICATE_WEIGHT, "repeats one of the member's recent posts")

    velocity_count = setting("FLYWHEEL_SPAM_VELOCITY_POSTS", 5)
    velocity_seconds = setting("FLYWHEEL_SPAM_VELOCITY_SECONDS", 120)
    window_start = post.created_at - timedelta(seconds=velocity_seconds)
    in_window = sum(1 for created_at in recent_times if created_at >= window_start)
    if in_window + 1 > velocity_count:
        report.add(
            VELOCITY_WEIGHT,
            f"{in_window + 1} posts within {velocity_seconds} seconds",
        )

    blocked = blocked_matches(text, language)
    if blocked:
        report.add(BLOCKED_WEIGHT, "blocked: " + ", ".join(blocked[:3]))

    account_age = post.created_at - author.date_joined
    # Posts dated before the account (imports, demo data) say nothing about its age.
    new_account_hours = setting("FLYWHEEL_SPAM_NEW_ACCOUNT_HOURS", 24)
    if report.reasons and timedelta(0) <= account_age < timedelta(hours=new_account_hours):
        report.add(NEW_ACCOUNT_WEIGHT, "new account")
    return report


def recent_posts_of(post) -> tuple[list[str], list]:
    """The author's other posts of the last few days, newest first: (bodies, created_at)."""
    from flywheel.community.models import Post

    rows = list(
        Post.objects.filter(
            author_id=post.author_id,
            created_at__gte=post.created_at - RECENT_WINDOW,
            created_at__lte=post.created_at + timedelta(seconds=1),
            deleted_at__isnull=True,
        )
        .exclude(pk=post.pk)
        .order_by("-created_at")
        .values_list("body", "created_at")[:RECENT_POSTS]
    )
    return [body for body, _at in rows], [created_at for _body, created_at in rows]
