"""`manage.py import_journal IN.zip`: restore an export into an empty database."""

from django.core.management.base import BaseCommand, CommandError

from confjournal.exchange.archive import ArchiveError, import_journal


class Command(BaseCommand):
    help = (
        "Restore a journal written by export_journal into an empty database (run "
        "`migrate` on the new database first), with its media files, in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .zip file export_journal wrote")
        parser.add_argument("--database", default="default")

    def handle(self, *args, archive, database, **options):
        try:
            counts = import_journal(archive, using=database)
        except ArchiveError as error:
            raise CommandError(f"{archive}: {error}") from None
        summary = ", ".join(f"{n} {label}" for label, n in counts.items() if n)
        self.stdout.write(f"Restored the journal from {archive}: {summary or 'nothing'}.")
