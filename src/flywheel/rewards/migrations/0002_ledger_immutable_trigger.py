"""The database itself refuses to change a ledger entry (PostgreSQL and SQLite triggers).

The one allowed change is status pending → approved with everything else equal (order points
whose refund window has passed). Deletes are left to the member's erasure (ON DELETE CASCADE
from the account, done by Django); code never deletes entries (LedgerEntry.delete raises).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION rewards_ledger_immutable() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'pending' AND NEW.status = 'approved'
       AND NEW.member_id = OLD.member_id AND NEW.kind = OLD.kind AND NEW.points = OLD.points
       AND NEW.source_key = OLD.source_key AND NEW.occurred_at = OLD.occurred_at
       AND NEW.created_at = OLD.created_at THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'rewards ledger entries are immutable (entry %%)', OLD.id;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS rewards_ledger_no_update ON rewards_ledgerentry;
CREATE TRIGGER rewards_ledger_no_update BEFORE UPDATE ON rewards_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION rewards_ledger_immutable();
"""

DROP = """
DROP TRIGGER IF EXISTS rewards_ledger_no_update ON rewards_ledgerentry;
DROP FUNCTION IF EXISTS rewards_ledger_immutable();
"""


# SQLite: note that a later migration that rebuilds this table drops the trigger; it must
# create it again (tests/rewards/test_ledger.py fails if it is missing).
SQLITE_CREATE = """
CREATE TRIGGER IF NOT EXISTS rewards_ledger_no_update BEFORE UPDATE ON rewards_ledgerentry
WHEN NOT (OLD.status = 'pending' AND NEW.status = 'approved'
          AND NEW.member_id = OLD.member_id AND NEW.kind = OLD.kind
          AND NEW.points = OLD.points AND NEW.source_key = OLD.source_key
          AND NEW.occurred_at = OLD.occurred_at AND NEW.created_at = OLD.created_at)
BEGIN
    SELECT RAISE(ABORT, 'rewards ledger entries are immutable');
END;
"""

SQLITE_DROP = "DROP TRIGGER IF EXISTS rewards_ledger_no_update;"


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(CREATE)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)


def drop_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(DROP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("rewards", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
