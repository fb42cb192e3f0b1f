"""A real schema change for the tests of what survives a migration.

`widened_note_title()` widens `Note.title` with the schema editor, as a migration
would: SQLite rebuilds the table (and drops its triggers), PostgreSQL alters the
column in place. On the way out it puts the column back and re-creates what
`migrate`'s post_migrate handlers re-create (the page cache's version triggers and
the search index's triggers), so no other test finds them missing.
"""

from contextlib import contextmanager

from django.db import connection

from confjournal.search import index as search_index
from confjournal.web import pagecache
from talks.models import Note


def reinstall_database_objects():
    """What post_migrate does after every migrate."""
    pagecache.ensure_triggers(using="default")
    search_index.ensure_index(using="default")


@contextmanager
def widened_note_title(max_length=250):
    old_field = Note._meta.get_field("title")
    new_field = old_field.clone()
    new_field.max_length = max_length
    new_field.set_attributes_from_name("title")
    new_field.model = Note
    with connection.schema_editor() as editor:
        editor.alter_field(Note, old_field, new_field)
    try:
        yield
    finally:
        with connection.schema_editor() as editor:
            editor.alter_field(Note, new_field, old_field)
        reinstall_database_objects()
