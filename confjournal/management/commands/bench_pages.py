"""Measure every public page kind, and the admin, in-process on a generated journal.

Run on a database filled by `generate_journal --size L` (see `make bench`). Each
page is requested through Django's test client (the whole middleware stack,
warm), and timed p50/p95 with its SQL query count; the "framework floor" is a
minimal view behind the same middleware, so each page also reads as a ratio to
it. Results go to a JSON file and to their own section of docs/benchmarks.md.
"""

import datetime
import json
import platform
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, include, path, reverse

from confjournal.benchreport import percentile, write_section
from events.models import Event, Tag
from talks.models import Speaker


def floor(request):
    return HttpResponse("ok")


urlpatterns = [path("__floor__/", floor), path("", include("confjournal.urls"))]


def url_or_none(name, *args, query=""):
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


class Command(BaseCommand):
    help = "Benchmark public and admin pages in-process; write JSON and docs/benchmarks.md."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=30)
        parser.add_argument("--output", default="")
        parser.add_argument("--docs", default=str(settings.BASE_DIR / "docs" / "benchmarks.md"))

    def handle(self, *args, repeat, output, docs, **options):
        if not Event.objects.filter(slug="bench-1-0").exists():
            raise CommandError("Generate a journal first: manage.py generate_journal --size L")
        with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"], DEBUG=False):
            rows = self.measure(repeat)
        floor_p50 = next(r["p50_ms"] for r in rows if r["page"] == "framework floor")
        for row in rows:
            row["x_floor"] = round(row["p50_ms"] / floor_p50, 1)
            self.stdout.write(
                f"{row['page']:<34} {row['p50_ms']:>8} ms p50 {row['p95_ms']:>8} ms p95 "
                f"{row['queries']:>3} queries {row['x_floor']:>6}x floor"
            )
        result = {
            "database": connection.vendor,
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "machine": f"{platform.machine()}, Python {platform.python_version()}",
            "repeat": repeat,
            "rows": rows,
        }
        if output:
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            Path(output).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        if docs:
            write_section(Path(docs), f"pages-{connection.vendor}", render(result))

    def pages(self):
        largest = (
            Event.objects.filter(visibility="public", parent__isnull=True)
            .annotate(n=Count("talks"))
            .order_by("-n")
            .first()
        )
        speaker = Speaker.objects.annotate(n=Count("talks")).order_by("-n", "pk").first()
        topic = Tag.objects.annotate(n=Count("items")).order_by("-n", "pk").first()
        year = largest.start_date.year
        public = [
            ("framework floor", "/__floor__/"),
            ("timeline", url_or_none("events:timeline")),
            ("timeline, one year", url_or_none("events:timeline", query=f"?year={year}")),
            (f"event page ({largest.n} talks)", largest.get_absolute_url()),
            ("talk list", url_or_none("talks:list")),
            ("paper list", url_or_none("talks:paper_list")),
            ("booth list", url_or_none("events:booth_list")),
            ("note list", url_or_none("talks:note_list")),
            ("speaker list", url_or_none("talks:speaker_list")),
            (f"speaker ({speaker.n} talks)", speaker.get_absolute_url()),
            ("topic list", url_or_none("talks:topic_list")),
            (f"topic ({topic.n} records)", topic.get_absolute_url()),
            ("search", url_or_none("talks:search", query="?q=경량화")),
            ("search, notes only", url_or_none("talks:search", query="?q=경량화&type=note")),
            ("feed of notes", url_or_none("talks:feed_notes")),
            ("calendar", url_or_none("events:calendar")),
            ("BibTeX", url_or_none("talks:papers_bib")),
        ]
        admin = [
            (f"admin {model}", f"/admin/{app}/{model}/")
            for app, model in [
                ("events", "event"),
                ("events", "booth"),
                ("talks", "talk"),
                ("talks", "paper"),
                ("talks", "note"),
                ("talks", "speaker"),
            ]
        ]
        admin.append(
            (f"admin event change ({largest.n} talks)", f"/admin/events/event/{largest.pk}/change/")
        )
        return [(n, u) for n, u in public if u], admin

    def measure(self, repeat):
        public, admin = self.pages()
        visitor = Client()
        staff = Client()
        user, _ = get_user_model().objects.get_or_create(
            username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
        )
        staff.force_login(user)
        rows = []
        for kind, client, pages in [("public", visitor, public), ("admin", staff, admin)]:
            for name, url in pages:
                rows.append(self.time_page(kind, name, url, client, repeat))
        return rows

    def time_page(self, kind, name, url, client, repeat):
        for _ in range(min(3, repeat)):
            response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            client.get(url)
            samples.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return {
            "kind": kind,
            "page": name,
            "url": url,
            "p50_ms": round(statistics.median(samples), 2),
            "p95_ms": round(percentile(samples, 95), 2),
            "queries": len(queries),
            "bytes": len(response.content),
        }


def render(result):
    lines = [
        f"### Pages in-process on {result['database']} (size L)",
        "",
        f"{result['date']}, {result['machine']}; Django test client through the full "
        f"middleware, warm, {result['repeat']} requests each.",
        "",
        "| page | p50 ms | p95 ms | SQL queries | x floor | bytes |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in result["rows"]:
        lines.append(
            f"| {row['page']} | {row['p50_ms']} | {row['p95_ms']} | {row['queries']} | "
            f"{row['x_floor']} | {row['bytes']:,} |"
        )
    return "\n".join(lines)
