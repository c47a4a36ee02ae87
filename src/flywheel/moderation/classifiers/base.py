import functools
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

DEFAULT_CLASSIFIER = "flywheel.moderation.classifiers.lexicon.LexiconClassifier"


@dataclass(frozen=True)
class Scores:
    """toxicity 0..1 (abuse aimed at people, profanity); sentiment -1 (negative) .. 1."""

    toxicity: float
    sentiment: float
    reasons: list[str] = field(default_factory=list)


@runtime_checkable
class Classifier(Protocol):
    def score(self, text: str, language: str) -> Scores: ...


@functools.lru_cache(maxsize=4)
def _load(path: str) -> Classifier:
    try:
        factory = import_string(path)
    except ImportError as error:
        raise ImproperlyConfigured(
            f"FLYWHEEL_TEXT_CLASSIFIER names {path!r}, which cannot be imported: {error}"
        ) from error
    classifier = factory()
    if not isinstance(classifier, Classifier):
        raise ImproperlyConfigured(
            f"FLYWHEEL_TEXT_CLASSIFIER {path!r} has no score(text, language) method."
        )
    return classifier


def get_classifier() -> Classifier:
    """The configured classifier, built once per process (models load slowly)."""
    return _load(getattr(settings, "FLYWHEEL_TEXT_CLASSIFIER", "") or DEFAULT_CLASSIFIER)
