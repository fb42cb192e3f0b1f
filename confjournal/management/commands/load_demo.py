"""`manage.py load_demo`: create or update the demo journal (see confjournal/exchange/demo.py)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from confjournal.exchange.demo import DEMO_OWNER, get_demo_owner, load_demo, summary_line
from events.models import Event


class Command(BaseCommand):
    help = (
        "Load the demo journal (NeurIPS 2022, Samsung AI Forum, Korea AI Week, …). "
        "Records are matched by natural keys, so running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=(
                "Only into a new journal: do nothing when it holds an event or a user "
                "(after remove_demo, say)."
            ),
        )
        parser.add_argument(
            "--owner",
            default=DEMO_OWNER,
            metavar="USERNAME",
            help=(
                f'The user who owns the demo records (default: "{DEMO_OWNER}", '
                "created with an unusable password if missing). Any other user must exist."
            ),
        )

    def handle(self, *args, **options):
        with transaction.atomic():
            if options["if_empty"] and (
                Event.objects.exists() or get_user_model().objects.exists()
            ):
                self.stdout.write("The journal is not new: demo not loaded.")
                return
            owner = self.get_owner(options["owner"])
            stdout = self.stdout if options["verbosity"] >= 2 else None
            result = load_demo(owner=owner, stdout=stdout)
        self.stdout.write(self.style.SUCCESS(summary_line(result)))

    def get_owner(self, username):
        User = get_user_model()
        try:
            return get_demo_owner(username, create=username == DEMO_OWNER)
        except User.DoesNotExist:
            raise CommandError(f'No user named "{username}".') from None
