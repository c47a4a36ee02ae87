"""Reads routed to a read replica, writes to the primary, every change seen at once.

A second PostgreSQL database with the same schema stands in for the replica. It is not
replicated, so a row that differs between the two shows which database a read went to.
"""

import subprocess

import psycopg
import pytest
from django.db import connections, transaction
from django.test import Client
from django.urls import reverse

from flywheel.community.models import Space
from flywheel.core.db_routing import PIN_COOKIE, REPLICA, reading_replica
from tests.factories import SpaceFactory, UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, databases=["default", REPLICA]),
]


@pytest.fixture(scope="module", autouse=True)
def replica_database(django_db_setup, django_db_blocker):
    """An empty database with the test database's schema, registered as the replica alias."""
    primary = connections["default"]
    if primary.vendor != "postgresql":
        yield None
        return
    settings = dict(primary.settings_dict)
    name = f"{settings['NAME']}_replica"
    server = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": str(settings["PORT"] or 5432),
        "user": settings["USER"] or "postgres",
        "password": settings["PASSWORD"] or None,
    }
    with django_db_blocker.unblock():
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        command = ["-h", server["host"], "-p", server["port"], "-U", server["user"]]
        environment = {"PGPASSWORD": server["password"] or ""}
        schema = subprocess.run(
            ["pg_dump", "--schema-only", "--no-owner", *command, settings["NAME"]],
            check=True,
            capture_output=True,
            env=environment,
        ).stdout
        subprocess.run(
            ["psql", "-q", "-v", "ON_ERROR_STOP=1", *command, name],
            input=schema,
            check=True,
            capture_output=True,
            env=environment,
        )
        connections.settings[REPLICA] = {
            **settings,
            "NAME": name,
            "TEST": {**settings["TEST"], "NAME": name, "MIRROR": None},
        }
        yield name
        connections[REPLICA].close()
        del connections.settings[REPLICA]
        del connections[REPLICA]
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def space_on_both():
    """The same space on both databases, under a different name on each."""
    space = SpaceFactory(name="Name on the primary")
    copy = Space.objects.get(pk=space.pk)
    copy.name = "Name on the replica"
    copy.save(using=REPLICA, force_insert=True)
    return space


def _on_both(user):
    user.save(using=REPLICA, force_insert=True)
    return user


def test_a_signed_out_page_reads_the_replica(space_on_both, settings):
    settings.FLYWHEEL_MEMBER_PAGE_CACHE_SECONDS = 0  # a page no whole-page cache keeps
    response = Client().get(f"/s/{space_on_both.slug}/")

    assert response.status_code == 200
    assert "Name on the replica" in response.content.decode()
    assert PIN_COOKIE not in response.cookies


def test_a_signed_out_page_the_whole_page_cache_keeps_is_rendered_from_the_primary(
    space_on_both,
):
    """A lagging replica would render rows from before the write that moved core.member_cache's
    generation, and the page would be kept under the new one."""
    response = Client().get(f"/s/{space_on_both.slug}/")

    assert "Name on the primary" in response.content.decode()
    assert PIN_COOKIE not in response.cookies


def test_the_api_reads_the_replica_for_a_get(space_on_both):
    response = Client().get("/api/v1/spaces")

    assert [item["name"] for item in response.json()["items"]] == ["Name on the replica"]


def test_after_posting_a_member_reads_the_primary_on_the_next_pages(space_on_both, settings):
    # Pages the whole-page cache keeps always render from the primary (test above).
    settings.FLYWHEEL_MEMBER_PAGE_CACHE_SECONDS = 0
    member = _on_both(UserFactory())
    client = Client()
    client.force_login(member)

    joined = client.post(f"/s/{space_on_both.slug}/membership/", {"action": "join"})

    assert joined.status_code in (200, 302)
    assert joined.cookies[PIN_COOKIE]["max-age"] == 10
    assert "Name on the primary" in client.get(f"/s/{space_on_both.slug}/").content.decode()
    # The cookie is what sends the next pages to the primary: on its own it does so...
    pinned = Client()
    pinned.cookies[PIN_COOKIE] = "1"
    assert "Name on the primary" in pinned.get(f"/s/{space_on_both.slug}/").content.decode()
    # ...and someone who wrote nothing still reads the replica.
    assert "Name on the replica" in Client().get(f"/s/{space_on_both.slug}/").content.decode()


def test_a_sign_in_is_seen_by_the_next_request_although_sessions_are_not_on_the_replica(
    space_on_both,
):
    member = _on_both(UserFactory())
    client = Client()
    client.force_login(member)  # the session row exists on the primary only

    page = client.get(f"/s/{space_on_both.slug}/").content.decode()

    assert reverse("account_logout") in page  # the signed-in menu


def test_a_request_reads_its_own_writes_once_it_has_written(space_on_both):
    with reading_replica():
        assert Space.objects.get(pk=space_on_both.pk).name == "Name on the replica"
        Space.objects.filter(pk=space_on_both.pk).update(name="Renamed on the primary")

        assert Space.objects.get(pk=space_on_both.pk).name == "Renamed on the primary"


def test_reads_inside_a_transaction_use_the_primary(space_on_both):
    with reading_replica(), transaction.atomic():
        assert Space.objects.get(pk=space_on_both.pk).name == "Name on the primary"


def test_outside_a_request_every_read_uses_the_primary(space_on_both):
    """Tasks and commands read what was just committed: never the replica."""
    assert Space.objects.get(pk=space_on_both.pk).name == "Name on the primary"
