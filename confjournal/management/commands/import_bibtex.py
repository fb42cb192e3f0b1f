"""`manage.py import_bibtex FILE.bib --event SLUG`: add the papers of a BibTeX file to an event."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from confjournal.exchange.papers import MAX_BYTES, BibtexError, import_papers, parse_bibtex
from confjournal.management.commands._events import event_by_slug


class Command(BaseCommand):
    help = (
        "Add the papers of a BibTeX file (a Zotero or Google Scholar export) to an event; "
        "a paper the event already has (same DOI, arXiv id or title) is updated."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .bib file (UTF-8)")
        parser.add_argument("--event", required=True, metavar="SLUG", help="the event's slug")
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would change, write nothing"
        )
        parser.add_argument(
            "--skip-bad",
            action="store_true",
            help="import the good entries when some are broken (by default nothing is written)",
        )

    def handle(self, *args, file, event, dry_run, skip_bad, **options):
        event = event_by_slug(event)
        path = Path(file)
        try:
            if path.stat().st_size > MAX_BYTES:
                raise BibtexError("The file is over 5 MB: that is not a bibliography to import.")
            text = path.read_bytes().decode("utf-8-sig")
            entries, problems = parse_bibtex(text)
            report = import_papers(event, entries, problems, dry_run=dry_run, skip_bad=skip_bad)
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror or error}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path.name}: the file is not UTF-8 text.") from None
        except BibtexError as error:
            raise CommandError(f"{path.name}: {error}") from None
        self.stdout.write(report.summary())
        for line in report.details():
            self.stdout.write(f"  {line}")
