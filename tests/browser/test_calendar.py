"""In Chromium: an owner plans a post on the content calendar, in their own time zone, and
sees it on its day with the month's mix; the page has no CSP errors at desktop and phone."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from flywheel.accounts.models import Role
from flywheel.programming import services
from flywheel.programming.models import CalendarItem, CalendarLabel
from tests.browser.conftest import screenshot, sign_in, verified_member
from tests.factories import SpaceFactory

pytestmark = pytest.mark.browser


def _month_of_items(owner, space):
    today = timezone.localdate()
    labels = [CalendarLabel.EDUCATIONAL, CalendarLabel.PROMOTIONAL, CalendarLabel.INTERACTIVE]
    for n, label in enumerate(labels * 2):
        day = today.replace(day=min(2 + n * 4, 28))
        services.plan_calendar_item(
            by=owner,
            space=space,
            title=f"Trail tip number {n}",
            body="Carry more water than you think.",
            label=label,
            scheduled_at=dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC),
            enforce_rate_limit=False,
        )


def test_owner_plans_a_post_and_sees_it_on_its_day(page, live_server):
    owner = verified_member(role=Role.OWNER, timezone="Asia/Tokyo")
    space = SpaceFactory(name="Trail Running")
    _month_of_items(owner, space)
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    sign_in(page, live_server, email=owner.email)
    page.goto(f"{live_server.url}/manage/calendar/")
    expect(page.locator('[data-warning="promotional"]')).to_be_visible()  # 2 of 6 are promotional
    page.get_by_role("link", name="Plan a post").first.click()
    page.get_by_label("Title").fill("Member spotlight: Ana's first ultra")
    page.get_by_label("Text (Markdown)").fill("Ana ran **50 km** in the Dolomites.")
    page.get_by_label("Space").select_option(label="Trail Running")
    page.get_by_label("Label").select_option("member_spotlight")
    target = timezone.localdate().replace(day=15)
    page.get_by_label("Publish at").fill(f"{target:%Y-%m-%d}T08:30")
    page.get_by_role("button", name="Save").click()

    cell = page.locator(f'[data-day="{target:%Y-%m-%d}"]')
    expect(cell.get_by_text("Member spotlight: Ana's first ultra")).to_be_visible()
    expect(cell).to_contain_text("08:30")
    item = CalendarItem.objects.get(title__startswith="Member spotlight")
    assert item.scheduled_at == dt.datetime.combine(target, dt.time(8, 30), tzinfo=dt.UTC) - (
        dt.timedelta(hours=9)
    )
    screenshot(page, "calendar-month")
    assert not [error for error in errors if "Content Security Policy" in error], errors


def test_the_calendar_on_a_phone(phone_page, live_server):
    owner = verified_member(role=Role.OWNER)
    _month_of_items(owner, SpaceFactory())
    errors: list[str] = []
    phone_page.on(
        "console", lambda message: message.type == "error" and errors.append(message.text)
    )
    sign_in(phone_page, live_server, email=owner.email)
    phone_page.goto(f"{live_server.url}/manage/calendar/")
    expect(phone_page.get_by_text("Trail tip number 0").first).to_be_attached()
    screenshot(phone_page, "calendar-month-phone")
    assert not [error for error in errors if "Content Security Policy" in error], errors
