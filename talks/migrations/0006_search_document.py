"""PostgreSQL: a stored, folded search document on notes, talks and papers.

A plain `search_document` column kept by a trigger (confjournal.search.engine.install_documents),
which the trigram and character-pair indexes are then built on (post_migrate's
`ensure_index` re-creates them on the column). The models do not declare it, so the
migration state does not change; SQLite searches through its FTS5 tables and gets nothing.
"""

from django.db import migrations

KINDS = ("note", "talk", "paper")


def add_documents(apps, schema_editor):
    from confjournal.search.engine import install_documents

    install_documents(schema_editor.connection, KINDS)


def drop_documents(apps, schema_editor):
    from confjournal.search.engine import uninstall_documents

    uninstall_documents(schema_editor.connection, KINDS)


class Migration(migrations.Migration):
    dependencies = [("talks", "0005_perf_indexes")]

    operations = [migrations.RunPython(add_documents, reverse_code=drop_documents)]
