"""The staff console: who may open what, CSV downloads, bad filters and query budgets."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from flywheel.accounts.models import Role, User
from flywheel.analytics import services
from flywheel.analytics.models import CommunityCost
from flywheel.commerce.models import SpaceGate, Store
from flywheel.core.models import Verb
from flywheel.core.services import record_activity
from flywheel.rewards.models import Perk, PerkKind
from tests.analytics.dataset import order
from tests.factories import SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["analytics:dashboard", "analytics:retention", "analytics:members"]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner(db):
    return UserFactory(role=Role.OWNER, is_staff=True)


@pytest.fixture
def moderator_user(db):
    return UserFactory(role=Role.MODERATOR)


@pytest.mark.parametrize("name", [*PAGES, "analytics:commerce"])
def test_anonymous_visitors_are_sent_to_sign_in(name):
    response = Client().get(reverse(name))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("name", [*PAGES, "analytics:commerce"])
def test_members_cannot_open_the_console(name, member):
    assert signed_in(member).get(reverse(name)).status_code == 403


def test_members_cannot_download_a_segment(member):
    url = reverse("analytics:segment_csv", kwargs={"name": "champions"})
    assert signed_in(member).get(url).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_moderators_open_the_community_pages(name, moderator_user):
    assert signed_in(moderator_user).get(reverse(name)).status_code == 200


def test_moderators_are_denied_sales_figures(moderator_user):
    client = signed_in(moderator_user)
    assert client.get(reverse("analytics:commerce")).status_code == 403
    assert client.get(reverse("analytics:commerce") + "?table=commerce").status_code == 403
    assert (
        client.get(reverse("analytics:segment_csv", kwargs={"name": "new_buyers"})).status_code
        == 403
    )
    dashboard = client.get(reverse("analytics:dashboard"))
    assert b"Net revenue" not in dashboard.content
    assert b'data-currency="' not in dashboard.content


def test_moderators_see_no_orders_or_points_on_a_members_page(moderator_user, member, owner):
    store_member = UserFactory(handle="buyer")
    client = signed_in(moderator_user)
    page = client.get(reverse("analytics:member", kwargs={"handle": store_member.handle}))
    assert page.status_code == 200
    assert b"Paid orders" not in page.content
    assert b"Points" not in page.content
    owner_page = signed_in(owner).get(
        reverse("analytics:member", kwargs={"handle": store_member.handle})
    )
    assert b"Paid orders" in owner_page.content


def test_moderators_cannot_enter_costs(moderator_user):
    response = signed_in(moderator_user).post(
        reverse("analytics:commerce"),
        {"month": "2025-03", "category": "tools", "amount": "10", "currency": "EUR"},
    )
    assert response.status_code == 403
    assert not CommunityCost.objects.exists()


def test_owners_enter_a_monthly_cost_and_entering_it_again_replaces_it(owner):
    client = signed_in(owner)
    for amount in ("120.50", "99"):
        response = client.post(
            reverse("analytics:commerce"),
            {"month": "2025-03", "category": "tools", "amount": amount, "currency": "eur"},
        )
        assert response.status_code == 302
    cost = CommunityCost.objects.get()
    assert (str(cost.amount), cost.currency, cost.month) == ("99.00", "EUR", dt.date(2025, 3, 1))


@pytest.mark.parametrize(
    ("field", "value"),
    [("month", "March"), ("amount", "-5"), ("amount", "ten"), ("currency", "EURO")],
)
def test_a_bad_cost_is_refused_naming_the_field(owner, field, value):
    data = {"month": "2025-03", "category": "tools", "amount": "10", "currency": "EUR"}
    data[field] = value
    response = signed_in(owner).post(reverse("analytics:commerce"), data)
    assert response.status_code == 422
    assert field in response.content.decode().lower()
    assert not CommunityCost.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        "period=12",
        "period=abc",
        "start=2025-13-01",
        "start=2025-03-10&end=2025-03-01",
        "space=nope",
    ],
)
def test_bad_filters_are_a_4xx_naming_the_field(owner, query):
    response = signed_in(owner).get(reverse("analytics:dashboard") + "?" + query)
    assert response.status_code == 422
    field = query.split("=")[0] if "end=" not in query else "end"
    assert field in response.content.decode()


def test_every_table_downloads_as_csv(owner):
    client = signed_in(owner)
    for name, table in [
        ("analytics:dashboard", "contributions"),
        ("analytics:dashboard", "peer_support"),
        ("analytics:dashboard", "sources"),
        ("analytics:retention", "cohorts"),
        ("analytics:retention", "at_risk"),
        ("analytics:commerce", "commerce"),
        ("analytics:commerce", "member_value"),
        ("analytics:commerce", "before_after"),
        ("analytics:commerce", "roi"),
        ("analytics:commerce", "costs"),
        ("analytics:members", "members"),
    ]:
        response = client.get(reverse(name) + f"?table={table}")
        assert response.status_code == 200, (name, table)
        assert response["Content-Type"].startswith("text/csv")
        assert response.content.decode().splitlines()[0]
    assert client.get(reverse("analytics:dashboard") + "?table=nope").status_code == 404


def test_csv_cells_that_look_like_formulas_are_quoted(owner):
    UserFactory(handle="formula", display_name="=HYPERLINK(1)")
    services.update_rollups()
    response = signed_in(owner).get(reverse("analytics:members") + "?table=members")
    assert "'=HYPERLINK(1)" in response.content.decode()


def test_segment_csv_in_hubspot_columns(owner):
    response = signed_in(owner).get(
        reverse("analytics:segment_csv", kwargs={"name": "at_risk"}) + "?format=hubspot"
    )
    assert response.status_code == 200
    assert response.streaming  # whatever the segment's size, the first bytes leave at once
    assert b"".join(response.streaming_content).decode().splitlines()[0] == (
        "Email,First Name,Last Name,Lifecycle Stage,Community Segment"
    )
    bad = signed_in(owner).get(
        reverse("analytics:segment_csv", kwargs={"name": "at_risk"}) + "?format=excel"
    )
    assert bad.status_code == 422


def test_the_navigation_shows_staff_the_way_in(owner, member):
    home = reverse("community:home")
    assert reverse("analytics:dashboard").encode() in signed_in(owner).get(home).content
    assert reverse("analytics:dashboard").encode() not in signed_in(member).get(home).content


def test_the_members_page_searches_and_filters_by_segment(owner):
    quiet = UserFactory(handle="quietone")
    UserFactory(handle="someoneelse")
    record_activity(actor=quiet, verb=Verb.FOLLOWED, at=timezone.now() - dt.timedelta(days=10))
    services.update_rollups()
    client = signed_in(owner)
    found = client.get(reverse("analytics:members") + "?q=quiet").content.decode()
    assert "@quietone" in found and "@someoneelse" not in found
    at_risk = client.get(reverse("analytics:members") + "?segment=at_risk").content.decode()
    assert "@quietone" in at_risk and "@someoneelse" not in at_risk


def _community(size: int) -> None:
    """`size` members, each active on two days in two spaces, with a paid order each."""
    from flywheel.commerce.models import Store
    from flywheel.community.services import create_topic

    spaces = [SpaceFactory(), SpaceFactory()]
    store = Store.objects.create(
        platform="shopify", domain=f"s{size}.example.com", webhook_secret="s", currency="EUR"
    )
    now = timezone.now()
    for index in range(size):
        person = UserFactory()
        create_topic(
            author=person,
            space=spaces[index % 2],
            title=f"Topic {index}",
            body="Body",
            kind="question",
            at=now - dt.timedelta(days=index % 20),
            enforce_rate_limit=False,
        )
        order(store, f"q{size}-{index}", email=person.email, placed=now, total="10.00")
    services.update_rollups()


@pytest.mark.parametrize("size", [5, 50])
@pytest.mark.parametrize(
    ("name", "budget"),
    [
        # Two periods (this and the one before) × activity (3 each), growth, reads, peer
        # support and sales (the commerce day summaries: one read and three member-fact
        # counts; the previous period here predates the first order, so its read finds no
        # summary and three customer-day aggregates follow); the sources table from the
        # period's growth summary; most-read topics (2); three EXISTS for the first steps
        # (a store, a gated space, a perk) while one is left. The member-fact counts of both
        # periods (members, new by source, became customers, member customers) are one
        # aggregate.
        ("analytics:dashboard", 28),
        ("analytics:retention", 7),
        # The commerce summary once (4) and the revenue series from the same summaries,
        # plus referrals (7: growth, referred revenue, the programme's 3) and attribution (2);
        # members vs non-members: the existing customers from the commerce summaries and the
        # period's revenue (2).
        ("analytics:commerce", 25),
        # …plus advocate scores (6), the segment sizes (one read of SegmentState) and the
        # recent pushes.
        ("analytics:members", 12),
        ("analytics:member", 10),
    ],
)
def test_console_pages_run_a_fixed_number_of_queries(
    size, name, budget, owner, django_assert_num_queries
):
    _community(size)
    client = signed_in(owner)
    # The member page of the last member: a topic, a question, an order.
    kwargs = {"handle": User.objects.latest("pk").handle} if name == "analytics:member" else {}
    client.get(reverse(name, kwargs=kwargs))  # warm caches (site, content types)
    with django_assert_num_queries(budget):
        response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200


def _first_steps(response) -> dict:
    return {step.key: step.done for step in response.context["first_steps"]}


def test_an_empty_console_walks_the_owner_through_the_first_steps(owner):
    response = signed_in(owner).get(reverse("analytics:dashboard"))

    assert _first_steps(response) == {"store": False, "gated_space": False, "perk": False}
    page = response.content.decode()
    assert "flywheel commerce connect" in page
    assert "docs/stores.md" in page
    assert reverse("admin:commerce_store_add") in page
    assert reverse("admin:commerce_spacegate_add") in page
    assert reverse("admin:rewards_perk_add") in page


def test_a_finished_first_step_is_ticked_and_loses_its_button(owner):
    Store.objects.create(platform="shopify", domain="s.example.com", webhook_secret="s")

    response = signed_in(owner).get(reverse("analytics:dashboard"))

    assert _first_steps(response) == {"store": True, "gated_space": False, "perk": False}
    assert reverse("admin:commerce_store_add") not in response.content.decode()


def test_the_first_steps_go_away_once_all_are_done(owner):
    Store.objects.create(platform="shopify", domain="s.example.com", webhook_secret="s")
    SpaceGate.objects.create(space=SpaceFactory(), any_order=True)
    Perk.objects.create(name="Ten off", slug="ten-off", kind=PerkKind.EARLY_ACCESS, cost_points=5)

    response = signed_in(owner).get(reverse("analytics:dashboard"))

    assert response.context["first_steps"] == []
    assert "data-first-steps" not in response.content.decode()


def test_moderators_are_not_walked_through_admin_setup(moderator_user):
    response = signed_in(moderator_user).get(reverse("analytics:dashboard"))

    assert response.context["first_steps"] == []
    assert reverse("admin:rewards_perk_add") not in response.content.decode()
