"""PostgreSQL: a stored, folded search document on booths and events.

See talks/migrations/0006_search_document.py: a `search_document` column kept by a
trigger, no model field, nothing on SQLite.
"""

from django.db import migrations

KINDS = ("booth", "event")


def add_documents(apps, schema_editor):
    from confjournal.search.engine import install_documents

    install_documents(schema_editor.connection, KINDS)


def drop_documents(apps, schema_editor):
    from confjournal.search.engine import uninstall_documents

    uninstall_documents(schema_editor.connection, KINDS)


class Migration(migrations.Migration):
    dependencies = [("events", "0004_journal_version")]

    operations = [migrations.RunPython(add_documents, reverse_code=drop_documents)]
