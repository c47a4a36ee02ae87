import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

pytestmark = pytest.mark.django_db

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
SHIPPED = ["it", "lv", "pl", "zh_Hans"]


@pytest.mark.parametrize("language", SHIPPED)
def test_every_catalogue_is_complete_and_compiled(language):
    po_file = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    mo_file = po_file.with_suffix(".mo")
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
    assert mo_file.exists()
    assert mo_file.stat().st_mtime >= po_file.stat().st_mtime - 1, "run `make messages`"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("it", "Spazi"), ("lv", "Telpas"), ("pl", "Przestrzenie"), ("zh-hans", "空间")],
)
def test_pages_speak_the_visitors_language(client, language, expected):
    response = client.get(reverse("community:home"), HTTP_ACCEPT_LANGUAGE=language)
    assert response["Content-Language"] == language
    assert expected in response.content.decode()


def test_polish_counts_topics_with_its_three_plural_forms():
    def topics(count: int) -> str:
        return ngettext("%(counter)s topic", "%(counter)s topics", count) % {"counter": count}

    with translation.override("pl"):
        assert [topics(1), topics(3), topics(5), topics(22)] == [
            "1 wątek",
            "3 wątki",
            "5 wątków",
            "22 wątki",
        ]
