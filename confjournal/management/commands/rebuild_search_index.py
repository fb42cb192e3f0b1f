"""`manage.py rebuild_search_index`: make the search index again from the tables."""

from django.core.management.base import BaseCommand

from confjournal.search import index


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the tables (after writing to them with triggers "
        "off, or to mend it). One transaction: searches use the old index until it commits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        kinds = index.rebuild(using=database)
        self.stdout.write("Search index rebuilt for: " + ", ".join(kinds))
