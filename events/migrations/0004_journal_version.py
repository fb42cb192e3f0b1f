"""The journal version: a one-row counter the page cache keys on.

Database triggers on every table a public page reads bump it on each write;
they are (re-)created after every migrate by confjournal.web.pagecache.ensure_triggers
(a migration that rebuilds a table on SQLite drops that table's triggers). The
table has no model: flush (between transactional tests) leaves the row alone.
"""

from django.db import migrations


def drop_triggers(apps, schema_editor):
    from confjournal.web.pagecache import uninstall_triggers

    uninstall_triggers(schema_editor.connection)


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
