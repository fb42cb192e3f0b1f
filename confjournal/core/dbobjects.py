"""Database objects the migrations do not describe, put back after every migrate.

The search index (FTS5 tables and triggers on SQLite; the document triggers and
GIN indexes on PostgreSQL, confjournal.search.engine) and the page cache's version
triggers (confjournal.web.pagecache) live outside Django's migration state, and a
migration that rebuilds a table on SQLite drops that table's triggers. Each
registers a post_migrate handler that calls `ensure_installed`.
"""

from django.db import connections


def ensure_installed(using, tables, is_current, install):
    """Call `install(connection)` unless `is_current(connection)` says it is all in place.

    A no-op while any of `tables` does not exist yet (the first migrate of an
    empty database, or a migrate that stops halfway).
    """
    connection = connections[using]
    present = set(connection.introspection.table_names())
    if all(table in present for table in tables) and not is_current(connection):
        install(connection)
