"""The transformer backend with a real (tiny, randomly initialised) model built on disk here.

No hub download: the model directory is written with save_pretrained in tmp_path, then loaded
by the backend exactly as an operator's fine-tuned model would be. torch and transformers come
from the `ml` extra (CI installs it); when they are missing these tests fail, never skip.
"""

import pytest

from flywheel.moderation.classifiers import get_classifier
from flywheel.moderation.classifiers.base import _load
from flywheel.moderation.models import ReviewItem
from tests.factories import UserFactory, make_reply, make_topic

try:
    import torch
    import transformers
except ImportError as error:  # pragma: no cover - the point is to fail loudly
    pytest.fail(
        "tests/moderation/test_transformer_backend.py needs torch and transformers: "
        f'install them with `.venv/bin/pip install -e ".[dev,ml]"` ({error}).',
        pytrace=False,
    )

TRANSFORMER_CLASSIFIER = "flywheel.moderation.classifiers.transformer.TransformerClassifier"
VOCABULARY = [
    *("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"),
    *("you", "are", "an", "idiot", "great", "jacket"),  # en
    *("sei", "un", "idiota"),  # it
    *("tu", "esi", "idiots"),  # lv
    *("jesteś", "idiotą"),  # pl
    *("你", "是", "白", "痴"),  # zh-hans (BERT splits Chinese into characters)
    *(",", ".", "!"),
]
TEXTS = {
    "en": "You are an idiot",
    "it": "Sei un idiota",
    "lv": "Tu esi idiots",
    "pl": "Jesteś idiotą",
    "zh-hans": "你是白痴",
}


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("toxicity-model")
    (directory / "vocab.txt").write_text("\n".join(VOCABULARY) + "\n", encoding="utf-8")
    tokenizer = transformers.BertTokenizer(vocab_file=str(directory / "vocab.txt"))
    torch.manual_seed(20261125)
    config = transformers.BertConfig(
        vocab_size=len(VOCABULARY),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
        num_labels=2,
        id2label={0: "non-toxic", 1: "toxic"},
        label2id={"non-toxic": 0, "toxic": 1},
    )
    transformers.BertForSequenceClassification(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


@pytest.fixture
def transformer_classifier(settings, model_dir):
    settings.FLYWHEEL_TEXT_CLASSIFIER = TRANSFORMER_CLASSIFIER
    settings.FLYWHEEL_TRANSFORMER_MODEL_DIR = str(model_dir)
    settings.FLYWHEEL_TRANSFORMER_SENTIMENT_MODEL_DIR = ""
    _load.cache_clear()
    yield get_classifier()
    _load.cache_clear()


def toxic_probability(model_dir, text: str) -> float:
    """The model's own softmax for the "toxic" label, computed without our code."""
    tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir)
    model = transformers.AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
    with torch.no_grad():
        logits = model(**tokenizer(text, return_tensors="pt")).logits
    return float(torch.softmax(logits, dim=-1)[0, model.config.label2id["toxic"]])


def test_the_backend_loads_a_local_model_directory(transformer_classifier):
    from flywheel.moderation.classifiers.transformer import TransformerClassifier

    assert isinstance(transformer_classifier, TransformerClassifier)


@pytest.mark.parametrize("language", sorted(TEXTS))
def test_the_backend_scores_text_in_every_shipped_language(
    transformer_classifier, model_dir, language
):
    scores = transformer_classifier.score(TEXTS[language], language)
    assert isinstance(scores.toxicity, float)
    assert 0.0 <= scores.toxicity <= 1.0
    assert -1.0 <= scores.sentiment <= 1.0
    # The "toxic" probability only: "non-toxic" must not be added to it.
    assert scores.toxicity == pytest.approx(toxic_probability(model_dir, TEXTS[language]), abs=1e-4)
    assert scores.reasons and scores.reasons[0].startswith("model: ")


def test_the_same_text_gets_the_same_score_twice(transformer_classifier):
    first = transformer_classifier.score(TEXTS["pl"], "pl")
    second = transformer_classifier.score(TEXTS["pl"], "pl")
    assert first == second


def test_the_model_runs_on_cuda_when_torch_sees_a_gpu_else_on_the_cpu(transformer_classifier):
    from flywheel.moderation.classifiers.transformer import select_device

    expected = "cuda:0" if torch.cuda.is_available() else "cpu"
    assert select_device(cuda_available=torch.cuda.is_available()) == expected
    assert transformer_classifier.device == expected
    assert select_device(cuda_available=True) == "cuda:0"
    assert select_device(cuda_available=False) == "cpu"


@pytest.mark.django_db
def test_a_post_the_model_scores_over_the_threshold_lands_in_the_queue(
    transformer_classifier, settings, space, django_capture_on_commit_callbacks
):
    body = TEXTS["en"]
    toxicity = transformer_classifier.score(body, "en").toxicity
    settings.FLYWHEEL_TOXICITY_FLAG = toxicity - 0.001
    settings.FLYWHEEL_TOXICITY_HIDE = 1.01  # queue it, do not hide it
    topic = make_topic(space=space)
    with django_capture_on_commit_callbacks(execute=True):
        reply = make_reply(topic=topic, author=UserFactory(language="en"), body=body)
    item = ReviewItem.objects.get(post=reply)
    assert item.toxicity == pytest.approx(toxicity)
    assert any("model: " in reason for reason in item.reasons)


@pytest.mark.django_db
def test_a_post_the_model_scores_under_the_threshold_stays_out_of_the_queue(
    transformer_classifier, settings, space, django_capture_on_commit_callbacks
):
    body = TEXTS["en"]
    settings.FLYWHEEL_TOXICITY_FLAG = transformer_classifier.score(body, "en").toxicity + 0.001
    settings.FLYWHEEL_TOXICITY_HIDE = 1.01
    topic = make_topic(space=space)
    with django_capture_on_commit_callbacks(execute=True):
        reply = make_reply(topic=topic, author=UserFactory(language="en"), body=body)
    assert not ReviewItem.objects.filter(post=reply).exists()
