"""A profile save that fails after the new avatar was written leaves no file behind."""

import pytest
from django.db import DatabaseError, connection

from flywheel.accounts.models import User
from flywheel.accounts.services import update_profile
from tests.factories import UserFactory
from tests.privacy.conftest import avatar_upload

pytestmark = pytest.mark.django_db
TRIGGER = "fw_refuse_profile_saves"


def refuse_member_updates() -> None:
    """Make the database itself reject the row update, as a lost race on the handle would."""
    table = User._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE FUNCTION {TRIGGER}() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'simulated failure'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'simulated failure'); END"
            )


def test_a_failed_profile_save_deletes_the_avatar_file_it_wrote(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    member = UserFactory()
    refuse_member_updates()

    with pytest.raises(DatabaseError):
        update_profile(
            member=member,
            display_name="New name",
            handle=member.handle,
            bio="",
            language="en",
            timezone_name="UTC",
            digest_enabled=False,
            mention_emails_enabled=False,
            avatar=avatar_upload(),
        )

    written = [path for path in (tmp_path / "media").rglob("*") if path.is_file()]
    assert written == []
