"""The journal version: a one-row counter the page cache keys on.

Database triggers on every table a public page reads bump it on each write;
they are (re-)created after every migrate by confjournal/web/pagecache.py
(a migration that rebuilds a table on SQLite drops that table's triggers). The
table has no model: flush (between transactional tests) leaves the row alone.
"""

from django.db import migrations


def drop_triggers(apps, schema_editor):
    """The version triggers (cj_jv_*), before the table they write to."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'cj_jv_%'"
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS cj_journal_version_bump() CASCADE")


CREATE = """
CREATE TABLE confjournal_journal_version (
    id integer NOT NULL PRIMARY KEY,
    version bigint NOT NULL
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_photo"),
    ]

    operations = [
        migrations.RunSQL(
            [CREATE, "INSERT INTO confjournal_journal_version (id, version) VALUES (1, 1)"],
            reverse_sql=["DROP TABLE confjournal_journal_version"],
        ),
        # Unapplying: the triggers go before the table they write to.
        migrations.RunPython(migrations.RunPython.noop, reverse_code=drop_triggers),
    ]
