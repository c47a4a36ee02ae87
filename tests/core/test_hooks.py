"""The declared hooks (flywheel.core.hooks) and what the apps register into them."""

import pytest

from flywheel.core import hooks
from flywheel.core.services import activity_consumers

# Delivery rows store these names: they must stay what they were when settings listed them.
TODAYS_CONSUMER_NAMES = [
    "flywheel.notifications.consumers.notify_for_activity",
    "flywheel.search.consumers.index_for_activity",
    "flywheel.rewards.consumers.apply_rules_for_activity",
    "flywheel.badges.consumers.award_badges_for_activity",
    "flywheel.moderation.consumers.moderate_activity",
    "flywheel.referrals.consumers.attribute_signup_for_activity",
    "flywheel.bridges.consumers.bridge_new_topic",
    "flywheel.ideas.consumers.notify_idea_followers",
    "flywheel.trials.consumers.record_feedback_for_activity",
]


def test_every_app_consumer_is_registered_under_its_dotted_path():
    consumers = activity_consumers()
    assert sorted(consumers) == sorted(TODAYS_CONSUMER_NAMES)
    for name, function in consumers.items():
        assert f"{function.__module__}.{function.__name__}" == name


def test_the_consumer_setting_overrides_the_registry_with_exactly_its_names(settings):
    settings.FLYWHEEL_ACTIVITY_CONSUMERS = ["flywheel.search.consumers.index_for_activity"]
    assert list(activity_consumers()) == ["flywheel.search.consumers.index_for_activity"]


def test_registering_a_name_again_replaces_the_function_and_keeps_its_place():
    hook = hooks.Hook("example", "for the test")
    hook.register(lambda: "first", name="a")
    hook.register(lambda: "second", name="b")
    hook.register(lambda: "replaced", name="a")
    assert [function() for function in hook] == ["replaced", "second"]


def test_a_lower_order_runs_first_whatever_the_registration_order():
    hook = hooks.Hook("example", "for the test")
    hook.register(lambda: "late", name="late")
    hook.register(lambda: "early", name="early", order=10)
    assert [function() for function in hook] == ["early", "late"]


def test_a_temporary_registration_is_gone_after_the_block():
    hook = hooks.Hook("example", "for the test")
    with hook.registered(lambda: "temporary", name="temp"):
        assert hook.names() == ["temp"]
    assert hook.names() == []


def test_the_apps_register_into_the_community_hooks():
    assert hooks.posting_checks.names() == ["moderation.can_post", "trust.post_allowance"]
    assert set(hooks.gate_checks.names()) == {"commerce.purchase", "rewards.tier_or_perk"}
    assert hooks.post_visibility.names() == ["moderation.hidden_posts"]
    assert hooks.topic_reads.names() == ["trust.record_topic_read"]
    assert hooks.upheld_flag_counters.names() == ["moderation.upheld_flags"]
    assert hooks.order_changes.names() == ["referrals.attribute_order"]
    assert hooks.sign_up_payloads.names() == ["referrals.cookie"]
    assert hooks.review_targets.names() == ["referrals.referral"]
    assert hooks.product_review_grants.names() == ["trials.testers"]


def test_community_erasure_runs_after_the_erasers_that_read_the_members_posts():
    names = hooks.privacy_erasers.names()
    assert names.index("moderation") < names.index("community")
    assert names.index("rewards") < names.index("community")


@pytest.mark.django_db
def test_a_gate_check_registered_by_an_app_opens_a_gated_space(member):
    from flywheel.community.models import Space, Visibility
    from flywheel.community.permissions import can_view_space

    space = Space.objects.create(name="Vault", slug="vault", visibility=Visibility.GATED)
    assert not can_view_space(member, space)
    with hooks.gate_checks.registered(lambda user, gated: user.pk == member.pk, name="test"):
        assert can_view_space(member, space)
    assert not can_view_space(member, space)


def test_referrals_send_welcome_codes_and_store_credit_through_the_outbound_path():
    assert {"referrals.welcome_code", "referrals.store_credit"} <= set(
        hooks.outbound_senders.names()
    )
