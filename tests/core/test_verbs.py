"""Every verb a rule, badge, trust counter or consumer names is declared in core.models.Verb.

`review_created` (the shipped rule) and `review_published` (the badge and trust counter) had
drifted apart: a rule for a verb nobody records never fires and nothing said so."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from flywheel.badges import criteria
from flywheel.badges.defaults import DEFAULT_BADGES
from flywheel.core.models import Activity, Verb
from flywheel.rewards import defaults as reward_defaults
from flywheel.rewards.models import Rule
from flywheel.rewards.rules import REVERSING_VERBS, UNDOING_VERBS_BY_ORIGIN, validate_rule
from flywheel.trust import queries as trust_queries

SRC = Path(__file__).resolve().parents[2] / "src" / "flywheel"
DECLARED = set(Verb.values)


def _badge_verbs(params: dict) -> set[str]:
    return set(params.get("verbs", [])) | ({params["verb"]} if "verb" in params else set())


def test_every_shipped_points_rule_names_a_declared_verb():
    undeclared = {rule["verb"] for rule in reward_defaults.DEFAULT_RULES} - DECLARED
    assert undeclared == set()


def test_every_shipped_badge_names_a_declared_verb():
    undeclared = set()
    for badge in DEFAULT_BADGES:
        undeclared |= _badge_verbs(badge.get("criterion_params", {})) - DECLARED
    assert undeclared == set()


def test_every_trust_counter_and_reversal_names_a_declared_verb():
    counted = {
        *trust_queries.REPLY_VERBS,
        *trust_queries.PURCHASE_VERBS,
        *trust_queries.REFUND_VERBS,
        *trust_queries.REVIEW_VERBS,
        *REVERSING_VERBS,
        *(verb for verbs in UNDOING_VERBS_BY_ORIGIN.values() for verb in verbs),
        *trust_queries.PURCHASE_STOPPED_VERBS,
    }
    assert counted - DECLARED == set()


def test_the_review_verb_has_one_name():
    assert Verb.REVIEW_PUBLISHED == "review_published"
    assert "review_created" not in DECLARED


def test_the_activity_log_offers_exactly_the_declared_verbs():
    assert Activity._meta.get_field("verb").choices == Verb.choices


@pytest.mark.django_db
def test_stored_points_rules_name_declared_verbs_after_install_defaults():
    reward_defaults.install_defaults()
    stored = set(Rule.objects.values_list("verb", flat=True))
    assert stored and stored - DECLARED == set()


def test_a_points_rule_for_an_undeclared_verb_is_refused():
    rule = Rule(name="Typo", verb="review_created", points=5)
    with pytest.raises(ValidationError) as error:
        validate_rule(rule)
    assert "verb" in error.value.message_dict


def test_a_badge_criterion_for_an_undeclared_verb_is_refused():
    with pytest.raises(ValidationError, match="not a declared activity verb"):
        criteria.validate_criterion("verb_count", {"verbs": ["review_created"], "count": 1})


# Literal verbs in code drift; name them through Verb. (Matches verb="x", verb == "x",
# verb in ("x", ...) and record_activity(..., verb="x").)
LITERAL_VERB = re.compile(r"""\bverb\s*(?:=|==|!=)\s*["'][a-z_]+["']|\bverb\s+in\s*[(\[{]\s*["']""")


def test_no_source_file_names_a_verb_as_a_string_literal():
    offenders = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if LITERAL_VERB.search(line)
    ]
    assert offenders == []
