"""The admin as the brand's configuration screens: its name, grouped by task, translated."""

import pytest
from django.contrib import admin
from django.urls import reverse

from flywheel.accounts.models import Role
from tests.factories import AdminFactory, UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(AdminFactory())
    return client


@pytest.fixture
def superuser_client(client, db):
    client.force_login(UserFactory(role=Role.OWNER, is_staff=True, is_superuser=True))
    return client


@pytest.mark.django_db
def test_admin_carries_the_brand_name_instead_of_django_administration(admin_client, settings):
    settings.BRAND_NAME = "Northtrail Outfitters"

    page = admin_client.get(reverse("admin:index")).content.decode()

    assert "Northtrail Outfitters" in page
    assert "Django administration" not in page
    assert "Django site admin" not in page


@pytest.mark.django_db
def test_admin_index_groups_models_by_task_not_by_app_label(superuser_client):
    response = superuser_client.get(reverse("admin:index"))

    groups = {group["app_label"]: group for group in response.context["app_list"]}
    assert list(groups)[:5] == ["community", "store", "rewards", "moderation", "members"]

    def models_of(key):
        return {model["model"]._meta.label_lower for model in groups[key]["models"]}

    # A space's gate is set up with the space, although the gate lives in commerce.
    assert {"community.space", "commerce.spacegate"} <= models_of("community")
    assert "commerce.spacegate" not in models_of("store")
    assert {"commerce.store", "commerce.order"} <= models_of("store")
    assert {"rewards.perk", "rewards.tier", "badges.badge"} <= models_of("rewards")
    assert {"moderation.flag", "trust.trustlevelrequirement"} <= models_of("moderation")


@pytest.mark.django_db
def test_every_registered_model_stays_reachable_from_the_grouped_index(superuser_client):
    response = superuser_client.get(reverse("admin:index"))

    listed = {
        model["model"]._meta.label_lower
        for group in response.context["app_list"]
        for model in group["models"]
    }
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert listed == registered
    page = response.content.decode()
    assert reverse("admin:rewards_perk_add") in page
    assert reverse("admin:commerce_store_changelist") in page


@pytest.mark.django_db
def test_an_app_index_page_still_lists_that_apps_models(admin_client):
    response = admin_client.get(reverse("admin:app_list", args=["rewards"]))

    assert response.status_code == 200
    assert [group["app_label"] for group in response.context["app_list"]] == ["rewards"]


@pytest.mark.django_db
def test_task_groups_are_translated_into_the_staff_members_language(client):
    client.force_login(AdminFactory(language="pl"))

    page = client.get(reverse("admin:index")).content.decode()

    # "Community" and "Store" are in the catalogues; the lead adds the newer group names.
    assert ">Społeczność</a>" in page
    assert ">Sklep</a>" in page


@pytest.mark.django_db
def test_moderators_do_not_reach_the_grouped_admin(client, moderator):
    client.force_login(moderator)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
