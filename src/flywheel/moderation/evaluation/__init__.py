"""Measuring a toxicity classifier on the labelled texts kept next to this file."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flywheel.moderation.classifiers import Classifier

DATASET = Path(__file__).resolve().parent / "labelled_texts.json"


@dataclass(frozen=True)
class Counts:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0

    @property
    def total(self) -> int:
        return self.true_positive + self.false_positive + self.false_negative + self.true_negative

    @property
    def precision(self) -> float:
        flagged = self.true_positive + self.false_positive
        return self.true_positive / flagged if flagged else 0.0

    @property
    def recall(self) -> float:
        toxic = self.true_positive + self.false_negative
        return self.true_positive / toxic if toxic else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        return (self.true_positive + self.true_negative) / self.total if self.total else 0.0

    def add(self, *, predicted: bool, actual: bool) -> "Counts":
        return Counts(
            true_positive=self.true_positive + (predicted and actual),
            false_positive=self.false_positive + (predicted and not actual),
            false_negative=self.false_negative + (not predicted and actual),
            true_negative=self.true_negative + (not predicted and not actual),
        )


@dataclass(frozen=True)
class Miss:
    language: str
    text: str
    actual: bool
    toxicity: float


@dataclass(frozen=True)
class Report:
    by_language: dict[str, Counts]
    overall: Counts
    misses: list[Miss]
    threshold: float


def load_dataset(path: Path = DATASET) -> list[dict]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    for row in rows:
        if not {"language", "text", "toxic"} <= row.keys():
            raise ValueError(f"{path}: every row needs language, text and toxic: {row!r}")
    return rows


def evaluate(classifier: Classifier, rows: Iterable[dict], *, threshold: float) -> Report:
    """Predicted toxic when the score reaches `threshold` (auto-moderation's flag level)."""
    by_language: dict[str, Counts] = {}
    overall = Counts()
    misses = []
    for row in rows:
        scores = classifier.score(row["text"], row["language"])
        predicted = scores.toxicity >= threshold
        actual = bool(row["toxic"])
        language = row["language"]
        by_language[language] = by_language.get(language, Counts()).add(
            predicted=predicted, actual=actual
        )
        overall = overall.add(predicted=predicted, actual=actual)
        if predicted != actual:
            misses.append(Miss(language, row["text"], actual, scores.toxicity))
    return Report(
        by_language=dict(sorted(by_language.items())),
        overall=overall,
        misses=misses,
        threshold=threshold,
    )
