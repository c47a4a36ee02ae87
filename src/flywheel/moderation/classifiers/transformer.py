"""An optional classifier backed by a local Hugging Face model directory.

Set FLYWHEEL_TEXT_CLASSIFIER = "flywheel.moderation.classifiers.transformer.TransformerClassifier"
and FLYWHEEL_TRANSFORMER_MODEL_DIR to a directory holding a text-classification model (for
example a multilingual toxicity model saved with ``save_pretrained``). Nothing is downloaded:
the directory must exist. ``transformers`` and torch are the optional ``ml`` extra
(``pip install -e ".[ml]"``). The model runs on CUDA when torch sees a GPU, else on the CPU.

Sentiment comes from FLYWHEEL_TRANSFORMER_SENTIMENT_MODEL_DIR when set, else from the lexicon
classifier, so the protocol's two scores are always filled.
"""

import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from flywheel.moderation.classifiers.base import Scores
from flywheel.moderation.classifiers.lexicon import LexiconClassifier

TOXIC_LABEL = re.compile(r"toxic|offens|hate|abus|insult|obscen|label_1", re.IGNORECASE)
# "non-toxic", "not offensive", "neutral": a negated or neutral label is the harmless class even
# though it contains a toxic word, so it is checked first.
HARMLESS_LABEL = re.compile(r"^non|^not[-_ ]|neutral|normal|clean", re.IGNORECASE)
NEGATIVE_LABEL = re.compile(r"neg|label_0|1 star|2 stars", re.IGNORECASE)
POSITIVE_LABEL = re.compile(r"pos|label_2|4 stars|5 stars", re.IGNORECASE)
MAX_CHARACTERS = 2000


def is_toxic_label(label: str) -> bool:
    return not HARMLESS_LABEL.search(label) and bool(TOXIC_LABEL.search(label))


def select_device(*, cuda_available: bool) -> str:
    """The first GPU when torch sees one, else the CPU."""
    return "cuda:0" if cuda_available else "cpu"


def _pipeline(model_dir: str, *, setting: str):
    path = Path(model_dir)
    if not path.is_dir():
        raise ImproperlyConfigured(f"{setting} is {model_dir!r}, which is not a directory.")
    try:
        from transformers import pipeline
    except ImportError as error:
        raise ImproperlyConfigured(
            "The transformer classifier needs the `transformers` package (and torch); "
            "install them or use the default lexicon classifier."
        ) from error
    try:
        import torch
    except ImportError as error:
        raise ImproperlyConfigured(
            "The transformer classifier needs torch; install it (pip install -e '.[ml]')."
        ) from error
    device = select_device(cuda_available=torch.cuda.is_available())
    return pipeline("text-classification", model=str(path), tokenizer=str(path), device=device)


class TransformerClassifier:
    def __init__(self) -> None:
        model_dir = getattr(settings, "FLYWHEEL_TRANSFORMER_MODEL_DIR", "")
        if not model_dir:
            raise ImproperlyConfigured(
                "FLYWHEEL_TRANSFORMER_MODEL_DIR is not set: point it at a local "
                "text-classification model directory to use the transformer classifier."
            )
        self.toxicity_pipeline = _pipeline(model_dir, setting="FLYWHEEL_TRANSFORMER_MODEL_DIR")
        sentiment_dir = getattr(settings, "FLYWHEEL_TRANSFORMER_SENTIMENT_MODEL_DIR", "")
        self.sentiment_pipeline = (
            _pipeline(sentiment_dir, setting="FLYWHEEL_TRANSFORMER_SENTIMENT_MODEL_DIR")
            if sentiment_dir
            else None
        )
        self.fallback = LexiconClassifier()
        # Where the model really runs ("cpu", "cuda:0"), as torch reports it after loading.
        self.device = str(self.toxicity_pipeline.device)

    def score(self, text: str, language: str) -> Scores:
        text = (text or "")[:MAX_CHARACTERS]
        labels = self.toxicity_pipeline(text, top_k=None)
        toxicity = sum(
            float(item["score"]) for item in labels if is_toxic_label(str(item["label"]))
        )
        if self.sentiment_pipeline is not None:
            sentiment_labels = self.sentiment_pipeline(text, top_k=None)
            sentiment = sum(
                float(item["score"])
                for item in sentiment_labels
                if POSITIVE_LABEL.search(str(item["label"]))
            ) - sum(
                float(item["score"])
                for item in sentiment_labels
                if NEGATIVE_LABEL.search(str(item["label"]))
            )
        else:
            sentiment = self.fallback.score(text, language).sentiment
        top = max(labels, key=lambda item: item["score"]) if labels else None
        reasons = [f"model: {top['label']} {float(top['score']):.2f}"] if top else []
        return Scores(
            toxicity=round(min(max(toxicity, 0.0), 1.0), 4),
            sentiment=round(min(max(sentiment, -1.0), 1.0), 4),
            reasons=reasons,
        )
