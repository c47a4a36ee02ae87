"""Text classifiers for auto-moderation: toxicity and sentiment behind one small protocol.

``get_classifier()`` returns the one named by settings.FLYWHEEL_TEXT_CLASSIFIER (a dotted path
to a class or a factory), by default the offline lexicon classifier.
"""

from flywheel.moderation.classifiers.base import Classifier, Scores, get_classifier

__all__ = ["Classifier", "Scores", "get_classifier"]
