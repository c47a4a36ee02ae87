"""The offline default classifier: curated word lists per language, no model, no network.

Each shipped language has ``moderation/lexicons/<lang>.txt`` with sections:

``[toxic]``       abusive words and phrases with a weight 0..1 (``idiot 0.7``)
``[ambiguous]``   words that are praise or slang about things ("this jacket is killer",
                  "sick trail!") and abuse only when aimed at a person: they count only with a
                  second-person word (``[target]``) just before them
``[benign]``      phrases that are never abuse ("killed it"); their words are skipped
``[target]``      second-person words (you, tu, ty, 你) that make abuse personal
``[positive]`` ``[negative]`` ``[negator]``   for sentiment
``[blocked]`` ``[blocked_pattern]``   spam lists used by auto-moderation (spam.py)

An entry ending in ``*`` is a stem and matches any word starting with it, which is how Latvian
and Polish inflection is handled (``idiot*`` matches idiots, idiota, idiotu...). Chinese has no
spaces between words, so for ``zh-hans`` every entry is matched as a substring and "just
before" means within a few characters.

Toxicity is a noisy-or of the matched weights (1 - Π(1 - w)), plus a boost when the abuse is
aimed at a person; sentiment is (positive - negative) / (positive + negative), with a negator
("not", "nie", "不") flipping the next few words.
"""

import functools
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from flywheel.moderation.classifiers.base import Scores

LEXICON_DIR = Path(__file__).resolve().parent.parent / "lexicons"
SECTIONS = {
    "toxic",
    "ambiguous",
    "benign",
    "target",
    "positive",
    "negative",
    "negator",
    "blocked",
    "blocked_pattern",
}
DEFAULT_WEIGHT = 0.6
TARGET_BOOST = 0.35
TARGET_WINDOW = 3  # words (or, for Chinese, 4 characters) between "you" and the word
NEGATION_WINDOW = 3
CHARACTER_LANGUAGES = {"zh-hans", "zh", "zh-hant", "ja"}
WORD = re.compile(r"[\w']+", re.UNICODE)
LEET = str.maketrans({"@": "a", "$": "s", "0": "o", "1": "i", "3": "e", "4": "a", "!": "i"})


@dataclass(frozen=True)
class Entry:
    words: tuple[str, ...]  # each may end with "*" (a stem)
    weight: float
    text: str

    def matches_at(self, tokens: list[str], index: int) -> bool:
        if index + len(self.words) > len(tokens):
            return False
        for offset, word in enumerate(self.words):
            token = tokens[index + offset]
            if word.endswith("*"):
                if not token.startswith(word[:-1]):
                    return False
            elif token != word:
                return False
        return True


@dataclass
class Lexicon:
    language: str
    sections: dict[str, list[Entry]] = field(default_factory=dict)
    patterns: list[re.Pattern] = field(default_factory=list)

    def entries(self, section: str) -> list[Entry]:
        return self.sections.get(section, [])

    @property
    def by_characters(self) -> bool:
        return self.language in CHARACTER_LANGUAGES


def normalise(text: str) -> str:
    return " ".join(text.casefold().split())


def parse_lexicon(language: str, source: str) -> Lexicon:
    lexicon = Lexicon(language=language)
    section = None
    for raw in source.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            if section not in SECTIONS:
                raise ValueError(f"{language}: unknown lexicon section [{section}]")
            continue
        if section is None:
            raise ValueError(f"{language}: entry {line!r} before any [section]")
        if section == "blocked_pattern":
            lexicon.patterns.append(re.compile(line, re.IGNORECASE | re.UNICODE))
            continue
        words = line.casefold().split()
        weight = DEFAULT_WEIGHT
        if len(words) > 1:
            try:
                weight = float(words[-1])
                words = words[:-1]
            except ValueError:
                pass
        lexicon.sections.setdefault(section, []).append(
            Entry(words=tuple(words), weight=weight, text=" ".join(words))
        )
    return lexicon


@functools.lru_cache(maxsize=16)
def load_lexicon(language: str) -> Lexicon:
    """The shipped lexicon for a language code (zh-hans, pl, ...); English when unknown."""
    code = (language or "en").lower().replace("_", "-")
    for candidate in (code, code.split("-")[0], "en"):
        path = LEXICON_DIR / f"{candidate}.txt"
        if path.exists():
            return parse_lexicon(candidate, path.read_text(encoding="utf-8"))
    raise FileNotFoundError(f"No lexicon for {language!r} in {LEXICON_DIR}")


def shipped_languages() -> list[str]:
    return sorted(path.stem for path in LEXICON_DIR.glob("*.txt"))


@dataclass(frozen=True)
class Match:
    entry: Entry
    start: int  # token index (or character offset for Chinese)
    end: int


def _find_in_tokens(entries: list[Entry], tokens: list[str], skip: set[int]) -> list[Match]:
    found = []
    for index in range(len(tokens)):
        if index in skip:
            continue
        for entry in entries:
            if entry.matches_at(tokens, index):
                found.append(Match(entry, index, index + len(entry.words)))
                break
    return found


def _find_in_characters(entries: list[Entry], text: str, skip: set[int]) -> list[Match]:
    found = []
    for entry in entries:
        needle = "".join(entry.words)
        start = text.find(needle)
        while start != -1:
            if start not in skip:
                found.append(Match(entry, start, start + len(needle)))
            start = text.find(needle, start + len(needle))
    return found


class LexiconClassifier:
    """Scores text with the shipped lexicons; fast, deterministic and explainable."""

    def score(self, text: str, language: str) -> Scores:
        lexicon = load_lexicon(language)
        text = normalise(text or "")
        if lexicon.by_characters:
            units: list[str] | str = text
            find = functools.partial(_find_in_characters, text=text)
            window = TARGET_WINDOW + 1
        else:
            tokens = WORD.findall(text.translate(LEET)) or []
            plain = WORD.findall(text)
            # Leetspeak spelling ("1d10t") only where it changes a token into letters.
            tokens = [
                leet if leet.isalpha() and not word.isalpha() else word
                for word, leet in zip(plain, tokens, strict=False)
            ]
            units = tokens
            find = functools.partial(_find_in_tokens, tokens=tokens)
            window = TARGET_WINDOW
        benign = find(lexicon.entries("benign"), skip=set())
        skip = {position for match in benign for position in range(match.start, match.end)}
        targets = find(lexicon.entries("target"), skip=set())
        target_positions = [match.start for match in targets]

        def aimed(match: Match) -> bool:
            return any(
                0 < match.start - position <= window or 0 <= position - match.end < 1
                for position in target_positions
            )

        reasons: list[str] = []
        weights: list[float] = []
        personal = False
        for match in find(lexicon.entries("toxic"), skip=skip):
            weights.append(match.entry.weight)
            reasons.append(f"toxic: {match.entry.text}")
            personal = personal or aimed(match)
        for match in find(lexicon.entries("ambiguous"), skip=skip):
            if aimed(match):
                weights.append(match.entry.weight)
                reasons.append(f"aimed at a person: {match.entry.text}")
                personal = True
        if weights and personal:
            weights.append(TARGET_BOOST)
            if not any(reason.startswith("aimed") for reason in reasons):
                reasons.append("aimed at a person")
        toxicity = 1.0 - math.prod(1.0 - min(max(weight, 0.0), 1.0) for weight in weights)

        sentiment = self._sentiment(lexicon, find, units, skip, toxic_count=len(weights))
        return Scores(toxicity=round(toxicity, 4), sentiment=round(sentiment, 4), reasons=reasons)

    @staticmethod
    def _sentiment(lexicon: Lexicon, find, units, skip: set[int], *, toxic_count: int) -> float:
        negators = [match.start for match in find(lexicon.entries("negator"), skip=set())]
        span = NEGATION_WINDOW if not lexicon.by_characters else NEGATION_WINDOW + 1

        def negated(match: Match) -> bool:
            return any(0 < match.start - position <= span for position in negators)

        positive = negative = 0
        for match in find(lexicon.entries("positive"), skip=set()):
            if negated(match):
                negative += 1
            else:
                positive += 1
        for match in find(lexicon.entries("negative"), skip=set()):
            if negated(match):
                positive += 1
            else:
                negative += 1
        negative += min(toxic_count, 2)
        total = positive + negative
        return 0.0 if total == 0 else (positive - negative) / total
