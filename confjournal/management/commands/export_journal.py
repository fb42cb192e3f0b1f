"""`manage.py export_journal OUT.zip`: the whole journal, records and media, in one file."""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from confjournal.exchange.archive import ArchiveError, export_journal


class Command(BaseCommand):
    help = (
        "Write the whole journal (every record, its tags and owners, the users, and the "
        "media files) to a zip file that import_journal restores. The file holds private "
        "notes and password hashes: keep it as safe as the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", help="the .zip file to write")
        parser.add_argument("--force", action="store_true", help="overwrite OUTPUT if it exists")
        parser.add_argument("--database", default="default")

    def handle(self, *args, output, force, database, **options):
        path = Path(output)
        if path.exists() and not force:
            raise CommandError(f"{output} exists: pick another name, or pass --force.")
        partial = path.with_name(f".{path.name}.partial")
        try:
            counts = export_journal(partial, using=database)
            os.replace(partial, path)
        except (OSError, ArchiveError) as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"{output}: {getattr(error, 'strerror', None) or error}") from None
        summary = ", ".join(f"{n} {label}" for label, n in counts.items() if n)
        self.stdout.write(f"Exported the journal to {output}: {summary or 'nothing yet'}.")
