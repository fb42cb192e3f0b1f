"""`manage.py backup DEST`: a consistent copy of the live SQLite database.

`cp` of a database file that a running server writes to can copy half a
transaction (and leaves the -wal file behind); SQLite's online backup API,
through Python's `sqlite3.Connection.backup`, copies a consistent snapshot
while the server keeps reading and writing. On PostgreSQL, pg_dump is the tool.
"""

import datetime
import os
import sqlite3
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections


def copy_sqlite(source, destination):
    """Copy the open sqlite3 connection `source` into a new file at `destination`.

    The copy is written beside the destination and renamed into place once
    it is complete and passes SQLite's integrity check.
    """
    if source.in_transaction:
        # Its own open write transaction would keep the copy waiting for ever.
        raise CommandError("The database connection is inside a transaction; back up outside it.")
    destination = Path(destination)
    partial = destination.with_name(f".{destination.name}.partial")
    partial.unlink(missing_ok=True)
    target = sqlite3.connect(partial)
    try:
        # One step (pages=-1): a single read snapshot; in WAL mode writers go on meanwhile.
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        (check,) = target.execute("PRAGMA integrity_check").fetchone()
    finally:
        target.close()
    if check != "ok":
        partial.unlink(missing_ok=True)
        raise CommandError(f"The copy failed SQLite's integrity check: {check}")
    os.replace(partial, destination)
    return destination


class Command(BaseCommand):
    help = (
        "Copy the live SQLite database to DEST (a file, or a folder to put a dated file in) "
        "with SQLite's online backup API; safe while the server runs. For PostgreSQL use "
        "pg_dump. The media files are not in it: export_journal writes both."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", metavar="DEST")
        parser.add_argument("--database", default="default")

    def handle(self, *args, destination, database, **options):
        connection = connections[database]
        if connection.vendor != "sqlite":
            raise CommandError(
                f"The database is {connection.display_name}, not SQLite: back it up with "
                "pg_dump, e.g. pg_dump --format=custom --file=journal.dump "
                '"$DATABASE_URL".'
            )
        destination = Path(destination)
        if destination.is_dir():
            stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
            destination = destination / f"confjournal-{stamp}.sqlite3"
        if destination.exists():
            raise CommandError(f"{destination} exists: pick another name.")
        if not destination.parent.is_dir():
            raise CommandError(f"{destination.parent} is not a folder.")
        connection.ensure_connection()
        try:
            copy_sqlite(connection.connection, destination)
        except (OSError, sqlite3.Error) as error:
            raise CommandError(f"{destination}: {error}") from None
        size = destination.stat().st_size / 1024 / 1024
        self.stdout.write(f"Backed up the database to {destination} ({size:.1f} MB).")
