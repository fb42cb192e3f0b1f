"""Make every photo's thumbnails again, e.g. after THUMBNAIL_WIDTHS changed."""

import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from events import photos
from events.models import Photo


class Command(BaseCommand):
    help = "Regenerate the thumbnails of every photo (or of one event's) from the stored images."

    def add_arguments(self, parser):
        parser.add_argument("--event", help="only the photos of the event with this slug")

    def handle(self, *args, event=None, **options):
        queryset = Photo.objects.order_by("pk")
        if event:
            queryset = queryset.filter(event__slug=event)
        done, failed = 0, []
        bar = tqdm(
            queryset.iterator(chunk_size=100),
            total=queryset.count(),
            unit="photo",
            file=sys.stderr,  # tqdm redraws a line; Django's wrapper would add newlines
            disable=options["verbosity"] == 0,
        )
        for photo in bar:
            try:
                photos.replace_thumbnails(photo)
                done += 1
            except (OSError, ValueError) as error:
                failed.append(f"photo {photo.pk}: {error}")
        bar.close()
        for line in failed:
            self.stderr.write(line)
        self.stdout.write(f"Rebuilt the thumbnails of {done} photo(s); {len(failed)} failed.")
