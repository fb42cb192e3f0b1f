"""`manage.py import_schedule FILE --event SLUG`: bring a conference programme into an event."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from confjournal.exchange.programme import (
    LARGE,
    ProgrammeError,
    check_size,
    import_programme,
    parse_programme,
)
from confjournal.management.commands._events import event_by_slug


class Command(BaseCommand):
    help = (
        "Import a programme (frab schedule XML, pretalx/frab schedule JSON or iCalendar) "
        "into an event. Talks come in not yet attended; running it again with a newer "
        "version of the programme updates what moved, adds what is new and removes what "
        "was withdrawn, unless you attended or annotated it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="schedule.xml, schedule.json or schedule.ics")
        parser.add_argument("--event", required=True, metavar="SLUG", help="the event's slug")
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would change, write nothing"
        )
        parser.add_argument(
            "--extend-dates",
            action="store_true",
            help="when the programme's days fall outside the event's dates, extend them",
        )

    def handle(self, *args, file, event, dry_run, extend_dates, verbosity, **options):
        event = event_by_slug(event)
        path = Path(file)
        try:
            check_size(path.stat().st_size)
            data = path.read_bytes()
            programme = parse_programme(data)
            with _progress_bar(len(programme.talks)) as progress:
                report = import_programme(
                    event,
                    programme,
                    dry_run=dry_run,
                    extend_dates=extend_dates,
                    progress=progress,
                )
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror or error}") from None
        except ProgrammeError as error:
            raise CommandError(f"{path.name}: {error}") from None
        self.stdout.write(report.summary())
        for line in report.details(created=dry_run or verbosity >= 2):
            self.stdout.write(f"  {line}")
        if not dry_run and report.created:
            self.stdout.write(
                "Tick the talks you attended on the event's programme page in the admin."
            )


class _progress_bar:
    """A tqdm bar on stderr for a large programme, when stderr is a terminal."""

    def __init__(self, total):
        self.bar = None
        if total >= LARGE and sys.stderr.isatty():
            self.bar = tqdm(total=total, unit="talk", file=sys.stderr, leave=False)

    def __enter__(self):
        return self.update if self.bar is not None else None

    def __exit__(self, *exc_info):
        if self.bar is not None:
            self.bar.close()

    def update(self, done, total):
        self.bar.update(done - self.bar.n)
