"""PostgreSQL: drop the stored search document that an earlier version kept by trigger.

The search index is now a pg_trgm index on the searched fields themselves, made after
every migrate (confjournal/search/index.py). Nothing to do on SQLite, nor on a
database that never had the column.
"""

from django.db import migrations

KINDS = ("note", "talk", "paper")
TABLES = ("talks_note", "talks_talk", "talks_paper")


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
        # The functions both apps' triggers called; the events app's are gone by now.
        cursor.execute("DROP FUNCTION IF EXISTS cj_grams(text)")
        cursor.execute("DROP FUNCTION IF EXISTS cj_fold(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("talks", "0006_search_document"),
        ("events", "0008_retire_search_document"),
    ]

    operations = [migrations.RunPython(retire, migrations.RunPython.noop)]
