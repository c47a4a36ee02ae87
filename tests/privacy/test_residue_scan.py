"""After an erasure nothing of the person is left: every column of every table, and every
file under MEDIA_ROOT and the private root (zip members included), is searched for their
e-mail, names, phone and street address. Two ways in: the member deletes their account, or
the store sends customers/redact for them (docs/security.md, "Erasure leaves no residue")."""

import copy
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from flywheel.accounts.services import update_profile
from flywheel.commerce.models import Customer, WebhookDelivery
from flywheel.core.uploads import delete_orphaned_uploads
from flywheel.privacy.models import DataExport
from flywheel.privacy.services import build_data_export, erase_member, request_data_export
from tests.commerce.webhook_helpers import load, make_store, post_shopify
from tests.factories import (
    AdminFactory,
    ModeratorFactory,
    SpaceFactory,
    UserFactory,
    make_reply,
    make_topic,
)
from tests.privacy.conftest import avatar_upload

pytestmark = pytest.mark.django_db

EMAIL = "zelda.quornwick@residue-scan.example"
FIRST_NAME = "Zeldaquorn"
LAST_NAME = "Residuevitch"
PHONE = "+15557319024"
STREET = "42 Quornwick Lane"
NEEDLES = [EMAIL, FIRST_NAME, LAST_NAME, PHONE, STREET]
CUSTOMER_ID = 8800112233

# (table, column) pairs allowed to match, each with its reason. Only keyed hashes may be
# here; a plain copy of any needle is a failure.
ALLOWED: dict[tuple[str, str], str] = {}


def _address() -> dict:
    return {
        "first_name": FIRST_NAME,
        "last_name": LAST_NAME,
        "address1": STREET,
        "city": "Springfield",
        "zip": "99999",
        "country_code": "US",
        "phone": PHONE,
    }


def _customer() -> dict:
    return {
        "id": CUSTOMER_ID,
        "email": EMAIL,
        "first_name": FIRST_NAME,
        "last_name": LAST_NAME,
        "phone": PHONE,
        "addresses": [_address()],
        "default_address": _address(),
        "email_marketing_consent": {"state": "subscribed"},
    }


def _deliver(name: str, **payload_changes) -> None:
    payload = copy.deepcopy(load("shopify", name))
    payload.update(payload_changes)
    response = post_shopify(Client(), name, payload=payload)
    assert response.status_code == 200, response.json()


@pytest.fixture
def person(django_capture_on_commit_callbacks, tmp_path):
    """A member with a bit of everything, linked to a store customer with orders."""
    member = UserFactory(email=EMAIL, display_name=f"{FIRST_NAME} {LAST_NAME}")
    EmailAddress.objects.create(user=member, email=EMAIL, verified=True, primary=True)
    with django_capture_on_commit_callbacks(execute=True):
        update_profile(
            member=member,
            display_name=f"{FIRST_NAME} {LAST_NAME}",
            handle=member.handle,
            bio=f"Call me on {PHONE}",
            language="en",
            timezone_name="Europe/Rome",
            digest_enabled=True,
            mention_emails_enabled=True,
            avatar=avatar_upload(),
        )
    space = SpaceFactory()
    topic = make_topic(space=space, author=member, title="Trail shoes for wet weather")
    make_reply(topic=topic, author=UserFactory(), body="Try the waterproof ones.")
    make_reply(topic=topic, author=member, body="Thanks, ordered a pair.")
    # Chat (docs/chat.md): a room message and a direct conversation in their own words.
    from flywheel.chat import services as chat_services

    room = chat_services.open_room(name="lounge", space=space, by=AdminFactory())
    friend = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        chat_services.post_message(author=member, room=room, body=f"{FIRST_NAME} here, {PHONE}")
        direct = chat_services.open_direct_room(by=member, members=[friend])
        chat_services.post_message(author=member, room=direct, body=f"I live at {STREET}")
        chat_services.block_member(blocker=friend, blocked=member)
    _rsvp_and_ask(member)

    make_store("shopify")
    with django_capture_on_commit_callbacks(execute=True):
        _deliver("customers_create", **_customer())
        order = {
            "email": EMAIL,
            "contact_email": EMAIL,
            "phone": PHONE,
            "customer": _customer(),
            "billing_address": _address(),
            "shipping_address": _address(),
        }
        _deliver("orders_create", **order)
        _deliver("orders_updated", **order)
        _deliver(
            "customers_data_request",
            customer={"id": CUSTOMER_ID, "email": EMAIL, "phone": PHONE},
        )
    assert Customer.objects.get(external_id=str(CUSTOMER_ID)).member == member
    assert WebhookDelivery.objects.filter(body__contains=PHONE).count() == 4

    with django_capture_on_commit_callbacks(execute=False):
        export = request_data_export(member=member)
    build_data_export(export_id=export.pk)
    assert DataExport.objects.get(pk=export.pk).file_name
    # A file a failed save left behind, which no row names.
    stray = Path(settings.MEDIA_ROOT) / "avatars" / str(member.pk) / "stray.webp"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"RIFF" + EMAIL.encode())
    return member


def _rsvp_and_ask(member) -> None:
    """An RSVP and an AMA question naming the person (events)."""
    from flywheel.events import services as events

    start = timezone.now() + timedelta(days=2)
    event = events.schedule_event(
        by=ModeratorFactory(),
        title="Trail shoes AMA",
        kind="ama",
        format="online",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    events.register_for_event(event=event, member=member)
    events.ask_question(event=event, author=member, body=f"{FIRST_NAME} here: call {PHONE}?")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", "ignore")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def database_hits() -> list[str]:
    """Every (table, column) whose value contains a needle, over every table in the database
    (Django's and any other, e.g. a full-text index)."""
    hits = []
    needles = [needle.lower() for needle in NEEDLES]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor, include_views=False):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - table names from introspection
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    found = _text(value).lower()
                    if (table, column) in ALLOWED:
                        continue
                    hits.extend(f"{table}.{column} holds {n!r}" for n in needles if n in found)
    return sorted(set(hits))


def file_hits() -> list[str]:
    hits = []
    needles = [needle.lower().encode() for needle in NEEDLES]
    for root in (Path(settings.MEDIA_ROOT), Path(settings.FLYWHEEL_PRIVATE_ROOT)):
        if not root.exists():
            continue
        for path in root.rglob("*"):
            if not path.is_file():
                continue
            contents = [path.read_bytes()]
            if zipfile.is_zipfile(path):
                with zipfile.ZipFile(path) as archive:
                    contents += [archive.read(name) for name in archive.namelist()]
            for content in contents:
                lowered = content.lower()
                hits.extend(
                    f"{path.relative_to(root)} holds {n.decode()!r}"
                    for n in needles
                    if n in lowered
                )
    return sorted(set(hits))


def test_the_scan_finds_the_person_before_the_erasure(person):
    """Guards the scan itself: it must see what it is meant to see."""
    database = "\n".join(database_hits())
    for needle in NEEDLES:
        assert needle.lower() in database.lower()
    assert any("avatars" in hit for hit in file_hits())
    assert any(hit.startswith("exports") for hit in file_hits())


def _age_files() -> None:
    import os
    import time

    past = time.time() - timedelta(days=2).total_seconds()
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file():
            os.utime(path, (past, past))


def _their_files(member) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "avatars" / str(member.pk)
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def test_member_deletion_leaves_nothing_of_them(person, django_capture_on_commit_callbacks):
    assert len(_their_files(person)) == 2  # the avatar and the stray file

    with django_capture_on_commit_callbacks(execute=True):
        erase_member(person, content="anonymise", reason="member request")
    _age_files()
    delete_orphaned_uploads()

    assert database_hits() == []
    assert file_hits() == []
    assert _their_files(person) == []


def test_a_store_customers_redact_leaves_nothing_of_them(
    person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _deliver(
            "customers_redact",
            customer={"id": CUSTOMER_ID, "email": EMAIL, "phone": PHONE},
            orders_to_redact=[820982911946154508],
        )
    _age_files()
    delete_orphaned_uploads()

    assert database_hits() == []
    assert file_hits() == []
    assert _their_files(person) == []


def test_a_shop_redact_leaves_nothing_of_its_customers(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _deliver("shop_redact")
    hits = database_hits()

    # The store's customers are erased; the member's own community account is theirs to keep
    # (shop/redact erases the shop's data, not the people's accounts).
    assert [hit for hit in hits if hit.startswith("commerce_")] == []
