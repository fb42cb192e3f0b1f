import sys

from django.core.management.base import BaseCommand
from django.db import connections

from confjournal.search import engine as search


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the tables. Runs in one transaction: searches keep "
        "using the old index until the new one is complete."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        connection = connections[database]
        interactive = sys.stderr.isatty()

        def progress(kind, done, total):
            if interactive and total:
                bar = "#" * int(30 * done / total)
                sys.stderr.write(f"\r{kind:<6} [{bar:<30}] {done}/{total}")
                if done == total:
                    sys.stderr.write("\n")

        search.install(connection, progress=progress)
        self.stdout.write(
            "Search index rebuilt for: " + ", ".join(s.kind for s in search.SEARCHABLES)
        )
