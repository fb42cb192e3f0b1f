"""`manage.py import_post FILE --event SLUG`: a blog post about an event, as a note of it."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from confjournal.exchange.posts import PostError, import_post, read_post
from confjournal.management.commands._events import event_by_slug


class Command(BaseCommand):
    help = (
        "Import a blog post (a page saved from the browser with its _files folder, a .zip "
        "of both, or a Markdown file with local images) as a note of an event; its images "
        "become photos of the event."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="post.html, post.zip or post.md")
        parser.add_argument("--event", required=True, metavar="SLUG", help="the event's slug")
        parser.add_argument("--images", metavar="DIR", help="where the post's images are")
        parser.add_argument(
            "--visibility", choices=["public", "private"], default="private",
            help="of the note and its photos (default: private)",
        )  # fmt: skip
        parser.add_argument(
            "--owner", metavar="USERNAME", help="whose note it is (default: the event's owner)"
        )

    def handle(self, *args, file, event, images, visibility, owner, **options):
        event = event_by_slug(event)
        user = event.owner
        if owner:
            user = get_user_model().objects.filter(username=owner).first()
            if user is None:
                raise CommandError(f'There is no user "{owner}".')
        path = Path(file)
        try:
            post = read_post(path, Path(images) if images else None)
            note = import_post(event, post, user, visibility)
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror or error}") from None
        except PostError as error:
            raise CommandError(f"{path.name}: {error}") from None
        self.stdout.write(
            f'Imported "{note.title}" into {event.name} as a {visibility} note '
            f"with {len(post.images)} photo(s)."
        )
        for address in post.missing:
            self.stdout.write(f"  ! not in the saved files, left out: {address}")
