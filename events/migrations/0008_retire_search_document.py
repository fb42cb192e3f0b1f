"""PostgreSQL: drop the stored search document that an earlier version kept by trigger.

The search index is now a pg_trgm index on the searched fields themselves, made after
every migrate (confjournal/search/index.py). Nothing to do on SQLite, nor on a
database that never had the column.
"""

from django.db import migrations

KINDS = ("booth", "event")
TABLES = ("events_booth", "events_event")


def retire(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for kind, table in zip(KINDS, TABLES, strict=True):
            cursor.execute(f"DROP TRIGGER IF EXISTS {kind}_search_document ON {table}")
            cursor.execute(f"DROP FUNCTION IF EXISTS cj_{kind}_document()")
            cursor.execute(f"DROP INDEX IF EXISTS search_{kind}_trgm")
            cursor.execute(f"DROP INDEX IF EXISTS search_{kind}_grams")
            cursor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_document")


class Migration(migrations.Migration):
    dependencies = [("events", "0007_tag_aliases")]

    operations = [migrations.RunPython(retire, migrations.RunPython.noop)]
