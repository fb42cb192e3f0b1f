"""A version per table beside the journal version: the same triggers set both, so a part
of a page that reads a few tables (an event's talks) stays in the cache until one of
those tables is written, not until any write to the journal."""

import importlib

from django.db import migrations

CREATE = """
CREATE TABLE confjournal_table_version (
    name varchar(100) NOT NULL PRIMARY KEY,
    version bigint NOT NULL
)
"""


def drop_triggers(apps, schema_editor):
    """Unapplying: the version triggers write to this table, so they go before it. The
    code of 0011's time makes them again on its next migrate; until then nothing bumps
    the journal version and cached pages may be stale (clear the cache)."""
    journal_version = importlib.import_module("events.migrations.0004_journal_version")
    journal_version.drop_triggers(apps, schema_editor)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS cj_table_part_version_bump() CASCADE")


class Migration(migrations.Migration):
    dependencies = [("events", "0011_sub_event_slugs")]

    operations = [
        migrations.RunSQL([CREATE], reverse_sql=["DROP TABLE confjournal_table_version"]),
        migrations.RunPython(migrations.RunPython.noop, reverse_code=drop_triggers),
    ]
