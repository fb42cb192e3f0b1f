import sys

from django.core.management.base import BaseCommand, CommandError

from bench.generate import SIZES, generate


class Command(BaseCommand):
    help = "Fill the configured database with a synthetic journal for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="S")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, size, seed, **options):
        from events.models import Event

        if Event.objects.filter(slug=f"bench-{seed}-0").exists():
            raise CommandError(f"This database already holds the journal of seed {seed}.")
        spec = SIZES[size]
        total = 8

        def progress(step, done=[0]):  # noqa: B006 - a counter across calls
            done[0] += 1
            if sys.stderr.isatty():
                bar = "#" * int(30 * done[0] / total)
                sys.stderr.write(f"\r[{bar:<30}] {step:<20}")
                if done[0] == total:
                    sys.stderr.write("\n")

        counts = generate(size, seed, progress=progress)
        seconds = counts.pop("seconds")
        self.stdout.write(
            f"Generated size {size} ({spec.notes} notes) in {sum(seconds.values()):.1f} s: "
            + ", ".join(f"{n} {name}" for name, n in counts.items())
        )
        self.stdout.write("Steps: " + ", ".join(f"{k} {v} s" for k, v in seconds.items()))
