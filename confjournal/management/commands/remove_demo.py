"""`manage.py remove_demo`: take the demo journal out, leaving an empty journal of your own."""

from django.core.management.base import BaseCommand

from confjournal.exchange.demo import remove_demo


class Command(BaseCommand):
    help = (
        "Delete the demo journal's own records (events, talks, papers, booths, notes, photos, "
        "speakers and topics it made). Anything someone else added stays, with the demo "
        "record it hangs on."
    )

    def handle(self, *args, **options):
        deleted, kept = remove_demo()
        if not deleted and not kept:
            self.stdout.write("There is no demo journal to remove.")
            return
        counts = ", ".join(f"{n} {label}" for label, n in deleted.items() if n) or "nothing"
        self.stdout.write(self.style.SUCCESS(f"Removed the demo journal: {counts}."))
        for record in kept:
            self.stdout.write(
                f"Kept {record._meta.verbose_name} “{record}”: records of yours hang on it "
                "(delete it in the admin if you wish)."
            )
