import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from flywheel.moderation.classifiers import Classifier, Scores, get_classifier
from flywheel.moderation.classifiers.base import _load
from flywheel.moderation.classifiers.lexicon import LexiconClassifier, shipped_languages
from flywheel.moderation.evaluation import evaluate, load_dataset

classifier = LexiconClassifier()
TOXIC = 0.5


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "You are a pathetic idiot."),
        ("it", "Sei un idiota, stai zitto."),
        ("lv", "Tu esi idiots, aizveries."),
        ("pl", "Jesteś debilem, spierdalaj."),
        ("zh-hans", "你是个白痴，闭嘴。"),
    ],
)
def test_abuse_scores_as_toxic_in_every_shipped_language(language, text):
    scores = classifier.score(text, language)
    assert scores.toxicity >= TOXIC
    assert scores.sentiment < 0
    assert scores.reasons


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "This jacket is killer"),
        ("en", "sick trail!"),
        ("en", "You killed it on that climb"),
        ("en", "This tent is garbage, it leaked."),
        ("it", "Questa giacca è da paura!"),
        ("lv", "Šī jaka ir traki laba!"),
        ("pl", "Ta kurtka jest zabójczo dobra!"),
        ("zh-hans", "这件夹克是杀手级的！"),
    ],
)
def test_gear_slang_and_product_criticism_are_not_toxic(language, text):
    assert classifier.score(text, language).toxicity < TOXIC


def test_slang_aimed_at_a_person_is_toxic():
    assert classifier.score("you are sick", "en").toxicity >= TOXIC
    assert classifier.score("你就是垃圾", "zh-hans").toxicity >= TOXIC


def test_latvian_and_polish_inflections_match_through_stems():
    for text in ("Tu esi idiots", "Tu esi idiote", "Tādi idioti visur"):
        assert classifier.score(text, "lv").toxicity >= TOXIC, text
    for text in ("Ty debilu", "Jesteś debilem", "Same debile tutaj"):
        assert classifier.score(text, "pl").toxicity >= TOXIC, text
    assert classifier.score("Kupiłam nową sukienkę", "pl").toxicity == 0  # suk- is not a stem


def test_chinese_is_matched_without_spaces():
    assert classifier.score("这个卖家真是个傻逼骗子", "zh-hans").toxicity >= TOXIC


def test_sentiment_follows_praise_complaints_and_negation():
    assert classifier.score("Great boots, I love them", "en").sentiment > 0
    assert classifier.score("Terrible, the zip broke", "en").sentiment < 0
    assert classifier.score("Not good at all", "en").sentiment < 0
    assert classifier.score("Ottimo prodotto", "it").sentiment > 0
    assert classifier.score("很棒，推荐", "zh-hans").sentiment > 0


def test_every_shipped_language_has_a_lexicon():
    assert {"en", "it", "lv", "pl", "zh-hans"} <= set(shipped_languages())
    assert classifier.score("Hello", "xx").toxicity == 0  # unknown language falls back to English


def test_the_classifier_is_chosen_by_setting(settings):
    settings.FLYWHEEL_TEXT_CLASSIFIER = "tests.moderation.test_classifier.AlwaysToxic"
    _load.cache_clear()
    try:
        assert isinstance(get_classifier(), AlwaysToxic)
        assert isinstance(get_classifier(), Classifier)
    finally:
        _load.cache_clear()


def test_an_unimportable_classifier_is_a_clear_configuration_error(settings):
    settings.FLYWHEEL_TEXT_CLASSIFIER = "flywheel.nowhere.Classifier"
    _load.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="FLYWHEEL_TEXT_CLASSIFIER"):
            get_classifier()
    finally:
        _load.cache_clear()


def test_the_transformer_backend_needs_a_model_directory(settings, tmp_path):
    from flywheel.moderation.classifiers.transformer import TransformerClassifier

    settings.FLYWHEEL_TRANSFORMER_MODEL_DIR = ""
    with pytest.raises(ImproperlyConfigured, match="FLYWHEEL_TRANSFORMER_MODEL_DIR"):
        TransformerClassifier()
    settings.FLYWHEEL_TRANSFORMER_MODEL_DIR = str(tmp_path / "missing")
    with pytest.raises(ImproperlyConfigured, match="not a directory"):
        TransformerClassifier()


def test_the_evaluation_set_is_large_balanced_and_covers_every_language():
    rows = load_dataset()
    assert len(rows) >= 200
    for language in ("en", "it", "lv", "pl", "zh-hans"):
        mine = [row for row in rows if row["language"] == language]
        toxic = sum(1 for row in mine if row["toxic"])
        assert len(mine) >= 40 and toxic == len(mine) - toxic


def test_the_default_classifier_beats_a_real_floor_on_the_evaluation_set():
    report = evaluate(classifier, load_dataset(), threshold=TOXIC)
    # Flagging everything scores precision 0.5 and recall 1.0 on this balanced set: the floor
    # asks for clearly better than that, in every language.
    assert report.overall.precision > 0.8
    assert report.overall.recall > 0.6
    for language, counts in report.by_language.items():
        assert counts.f1 > 0.6, language


def test_the_evaluate_command_prints_figures_per_language_and_overall(capsys):
    call_command("moderation", "evaluate")
    output = capsys.readouterr().out
    for label in ("en", "it", "lv", "pl", "zh-hans", "overall", "precision", "recall", "F1"):
        assert label in output
    overall = next(line for line in output.splitlines() if line.startswith("overall"))
    n, precision, recall, f1, _accuracy = overall.split()[1:]
    assert int(n) >= 200 and float(precision) > 0.5 and 0 < float(recall) <= 1 and float(f1) > 0


class AlwaysToxic:
    def score(self, text: str, language: str) -> Scores:
        return Scores(toxicity=1.0, sentiment=-1.0, reasons=["always"])
