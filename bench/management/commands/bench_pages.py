"""Measure every public page kind, and the admin, in-process on a generated journal.

Run on a database filled by `generate_journal --size L` (see `make bench`). Each
page is requested through Django's test client (the whole middleware stack,
warm), and timed p50/p95 with its SQL query count; the "framework floor" is a
minimal view behind the same middleware, so each page also reads as a ratio to
it. Results go to a JSON file and to their own section of docs/benchmarks.md.
"""

import datetime
import gc
import itertools
import json
import os
import platform
import statistics
import subprocess
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count, F
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import include, path, reverse

from bench.report import percentile, write_section
from confjournal.web import pagecache
from events.models import Event, Tag
from talks.models import Note, Speaker, Talk, listed_topics

PEER_SLUG = "bench-pretalx-neurips22"
# A page slower than this on its first request is sampled 3 times, so that the
# whole run stays within minutes even while an export is still slow.
SLOW_MS = 500
TOO_SLOW_MS = 5000  # ... and a page slower than this only once


def hide_and_show(event):
    """Two writes that change who sees `event`, and leave it as it was."""
    Event.objects.filter(pk=event.pk).update(visibility="private")
    Event.objects.filter(pk=event.pk).update(visibility=event.visibility)


def floor(request):
    return HttpResponse("ok")


urlpatterns = [path("__floor__/", floor), path("", include("confjournal.urls"))]


def page_url(name, *args, query=""):
    # No fallback: a page renamed in urls.py must fail the benchmark (and its
    # test), not drop out of the table unnoticed.
    return reverse(name, args=args) + query


class Command(BaseCommand):
    help = "Benchmark public and admin pages in-process; write JSON and docs/benchmarks.md."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=30)
        parser.add_argument("--output", default="")
        parser.add_argument("--docs", default=str(settings.BASE_DIR / "docs" / "benchmarks.md"))
        parser.add_argument("--http", default="", help="JSON of the HTTP load test to include")
        parser.add_argument(
            "--http-cold", default="", help="JSON of the HTTP load test with the page cache off"
        )
        parser.add_argument(
            "--http-crawl", default="", help="JSON of the HTTP load test over many addresses"
        )
        parser.add_argument(
            "--print-mix", action="store_true", help="print the public mix's paths and stop"
        )
        parser.add_argument(
            "--print-crawl", action="store_true", help="print a crawler's paths and stop"
        )
        parser.add_argument(
            "--peer", default="", help="JSON of the live comparison with pretalx (bench/peer.py)"
        )

    def handle(self, *args, repeat, output, docs, http, http_cold, http_crawl, peer, **options):
        if not Event.objects.filter(slug="bench-1-0").exists():
            raise CommandError("Generate a journal first: manage.py generate_journal --size L")
        if options["print_mix"] or options["print_crawl"]:
            for url in self.mix() if options["print_mix"] else self.crawl():
                self.stdout.write(url)
            return
        with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"], DEBUG=False):
            rows = self.measure(repeat)
        floor_p50 = next(r["p50_ms"] for r in rows if r["page"] == "framework floor")
        for row in rows:
            row["x_floor"] = round(row["p50_ms"] / floor_p50, 1)
            if "warm_p50_ms" in row:
                # Against the cold floor: the minimal view with no cache in front of it.
                row["warm_x_floor"] = round(row["warm_p50_ms"] / floor_p50, 1)
            self.stdout.write(
                f"{row['page']:<40} {row['p50_ms']:>8} ms p50 {row['p95_ms']:>8} ms p95 "
                f"{row['first_ms']:>8} ms first {row['queries']:>3} queries "
                f"{row['x_floor']:>6}x floor"
            )
        result = {
            "database": connection.vendor,
            "database_version": database_version(),
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "commit": commit(),
            "machine": (
                f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
            ),
            "load": load_average(),
            "repeat": repeat,
            "rows": rows,
            "http": json.loads(Path(http).read_text()) if http and Path(http).exists() else None,
            "http_cold": (
                json.loads(Path(http_cold).read_text())
                if http_cold and Path(http_cold).exists()
                else None
            ),
            "http_crawl": (
                json.loads(Path(http_crawl).read_text())
                if http_crawl and Path(http_crawl).exists()
                else None
            ),
            "peer": json.loads(Path(peer).read_text()) if peer and Path(peer).exists() else None,
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
            ("timeline", page_url("events:timeline")),
            ("timeline, one year", page_url("events:timeline", query=f"?year={year}")),
            (f"event page ({largest.n} talks)", largest.get_absolute_url()),
            (
                f"event page ({largest.n} talks), a talk written before each",
                largest.get_absolute_url(),
            ),
            ("talk list", page_url("talks:list")),
            ("paper list", page_url("talks:paper_list")),
            ("booth list", page_url("events:booth_list")),
            ("note list", page_url("talks:note_list")),
            ("speaker list", page_url("talks:speaker_list")),
            ("speaker list, a talk written before each", page_url("talks:speaker_list")),
            (f"speaker ({speaker.n} talks)", speaker.get_absolute_url()),
            ("topic list", page_url("topics:list")),
            (f"topic ({topic.n} records)", topic.get_absolute_url()),
            (f"topic ({topic.n} records), a note written before each", topic.get_absolute_url()),
            ("search", page_url("search:results", query="?q=경량화")),
            ("search, notes only", page_url("search:results", query="?q=경량화&type=note")),
            ("feed of notes", page_url("syndication:note_feed")),
            ("feed of events", page_url("syndication:event_feed")),
            ("calendar", page_url("events:calendar")),
            (f"year in review ({year})", page_url("years:detail", year)),
            ("stats", page_url("stats:overview")),
            ("stats, a note written before each", page_url("stats:overview")),
            ("stats, an event written before each", page_url("stats:overview")),
            (
                "stats, an event made private and public again before each",
                page_url("stats:overview"),
            ),
            ("BibTeX", page_url("talks:papers_bib")),
        ]
        # What the journal's owner, logged in and so never served from the page cache,
        # reads every day: the owner of the largest event.
        daily = {"timeline", "event page", "talk list", "paper list", "booth list", "note list"}
        daily |= {"speaker list", "topic list", "search"}
        owner = [(f"{name}, owner", url) for name, url in public if name.split(" (")[0] in daily]
        # The event page keeps its talks' part until a talk, speaker, topic or event is
        # written (confjournal/web/pagecache.py, Section): this row rewrites one of its
        # talks (a no-op UPDATE, which the triggers count as a write) before each request.
        # So do the speaker list and a topic's lists, and /stats/'s counts, in parts: after
        # a note, the notes are counted again; after an event, the events, and everything
        # when who sees an event changed.
        talk = largest.talks.order_by("pk").first()
        note = largest.notes.order_by("pk").first()
        self.writes = {
            f"event page ({largest.n} talks), a talk written before each": (
                lambda: Talk.objects.filter(pk=talk.pk).update(title=F("title"))
            ),
            "speaker list, a talk written before each": (
                lambda: Talk.objects.filter(pk=talk.pk).update(title=F("title"))
            ),
            f"topic ({topic.n} records), a note written before each": (
                lambda: Note.objects.filter(pk=note.pk).update(title=F("title"))
            ),
            "stats, a note written before each": (
                lambda: Note.objects.filter(pk=note.pk).update(title=F("title"))
            ),
            "stats, an event written before each": (
                lambda: Event.objects.filter(pk=largest.pk).update(name=F("name"))
            ),
            "stats, an event made private and public again before each": (
                lambda: hide_and_show(largest)
            ),
        }
        self.owner = largest.owner
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
        # The change page of the largest event (its inlines show the first 5 rows of
        # each kind) and of the 300-talk programme, when imported.
        peer = Event.objects.filter(slug=PEER_SLUG).first()
        for changed in dict.fromkeys(e for e in (largest, peer) if e is not None):
            n = changed.talks.count()
            admin.append(
                (f"admin event change ({n} talks)", f"/admin/events/event/{changed.pk}/change/")
            )
        if peer is not None:
            n = peer.talks.count()
            name = f"event page ({n} talks, the pretalx programme)"
            public.append((name, peer.get_absolute_url()))
        return public, owner, admin

    def mix(self):
        """The public pages of the HTTP load test: what visitors read, not the exports."""
        talk = (
            Talk.objects.filter(attended=True, event__visibility="public").order_by("-pk").first()
        )
        note = Note.objects.filter(visibility="public", event__visibility="public").first()
        speaker = Speaker.objects.annotate(n=Count("talks")).order_by("-n", "pk").first()
        peer = Event.objects.filter(slug=PEER_SLUG).first()
        urls = [
            page_url("events:home"),
            page_url("events:timeline"),
            page_url("talks:list"),
            page_url("talks:paper_list"),
            page_url("events:booth_list"),
            page_url("talks:note_list"),
            page_url("talks:speaker_list"),
            speaker.get_absolute_url() if speaker else None,
            talk.get_absolute_url() if talk else None,
            note.get_absolute_url() if note else None,
            peer.get_absolute_url() if peer else None,
        ]
        return [url for url in urls if url]

    def crawl(self, n=4500):
        """`n` distinct public addresses, in turns as a crawler follows links: an event's
        page, a talk's, a note's, a speaker's, a topic's, and again, each kind spread over
        the journal (ids in steps)."""
        public = AnonymousUser()
        kinds = [
            [e.get_absolute_url() for e in Event.objects.visible_to(public).only("slug")],
            [t.get_absolute_url() for t in Talk.objects.visible_to(public).attended().only("pk")],
            [n.get_absolute_url() for n in Note.objects.visible_to(public).only("pk")],
            [s.get_absolute_url() for s in Speaker.objects.visible_to(public, heard=True)],
            [t.get_absolute_url() for t in listed_topics(public)],
        ]
        share = n // len(kinds)
        spread = [found[:: max(1, len(found) // share)][:share] for found in kinds]
        turns = itertools.zip_longest(*spread)
        return [url for turn in turns for url in turn if url is not None]

    def measure(self, repeat):
        public, owner, admin = self.pages()
        visitor = Client()
        owner_client = Client()
        owner_client.force_login(self.owner)
        staff = Client()
        user, _ = get_user_model().objects.get_or_create(
            username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
        )
        staff.force_login(user)
        # What confjournal/wsgi.py does once the server has loaded the app.
        gc.collect()
        gc.freeze()
        rows = []
        # Cold: the anonymous page cache (confjournal/web/pagecache.py) off, every
        # request rendered by its view.
        with override_settings(PAGE_CACHE=False):
            kinds = [("public", visitor, public), ("owner", owner_client, owner)]
            for kind, client, pages in [*kinds, ("admin", staff, admin)]:
                for name, url in pages:
                    write = self.writes.get(name.removesuffix(", owner"))
                    row = self.time_page(kind, name, url, client, repeat, before=write)
                    rows.append(row)
                    self.stderr.write(f"  {name}: {row['p50_ms']} ms p50, {row['queries']} queries")
                if kind != "public":
                    continue
                # An export fetched again while the journal is unchanged: 304, no body.
                for name, url in self.conditional():
                    etag = visitor.get(url)["ETag"]
                    row = self.time_page(
                        kind, name, url, visitor, repeat, status=304, HTTP_IF_NONE_MATCH=etag
                    )
                    rows.append(row)
                    self.stderr.write(f"  {name}: {row['p50_ms']} ms p50")
        # Warm: the cache on (the default); the first request of each page renders
        # and stores it, the timed ones are hits. The admin is never cached.
        with override_settings(PAGE_CACHE=True):
            pagecache.clear()
            warm_visitor = Client()
            for row, (name, url) in zip(rows[: len(public)], public, strict=True):
                write = self.writes.get(name)
                warm = self.time_page(
                    "public", name, url, warm_visitor, repeat, adaptive=False, before=write
                )
                row["warm_p50_ms"] = warm["p50_ms"]
                row["warm_p95_ms"] = warm["p95_ms"]
                row["warm_queries"] = warm["queries"]
                self.stderr.write(f"  {name}, cached: {warm['p50_ms']} ms p50")
        return rows

    def conditional(self):
        return [
            ("calendar, unchanged (304)", page_url("events:calendar")),
            ("BibTeX, unchanged (304)", page_url("talks:papers_bib")),
        ]

    def time_page(
        self, kind, name, url, client, repeat, adaptive=True, status=200, before=None, **headers
    ):
        def timed():
            """One request's milliseconds; `before` runs first, not timed."""
            if before is not None:
                before()
            start = time.perf_counter()
            client.get(url, **headers)
            return (time.perf_counter() - start) * 1000

        # The first request: templates compiled and the process warm, the page's own
        # data not yet in any cache (there is none) nor, on a fresh run, in the OS's.
        # Its SQL queries are the count of a page too slow to request again.
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url, **headers)
            first = (time.perf_counter() - start) * 1000
            count = len(queries)
        if response.status_code != status:
            raise CommandError(f"{url} answered {response.status_code}")
        if not adaptive:
            # The first request filled the cache: decide on the second, a hit (or
            # a page too large to store, which renders again).
            if timed() > SLOW_MS:
                repeat = min(repeat, 3)
            else:
                timed()
        elif first > TOO_SLOW_MS:
            repeat = 0  # the first request is the only sample
        elif first > SLOW_MS:
            repeat = min(repeat, 3)
        else:
            for _ in range(min(2, repeat)):
                timed()
        samples = [timed() for _ in range(repeat)]
        if samples:
            # Counted again once warm: the first request also fills process-wide
            # caches (content types), which later requests do not query again.
            if before is not None:
                before()
            with CaptureQueriesContext(connection) as queries:
                client.get(url, **headers)
            count = len(queries)
        samples = samples or [first]
        return {
            "kind": kind,
            "page": name,
            "url": url,
            "p50_ms": round(statistics.median(samples), 2),
            "p95_ms": round(percentile(samples, 95), 2),
            "first_ms": round(first, 2),
            "samples": len(samples),
            "queries": count,
            "bytes": len(response.content),
        }


def commit():
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - read-only, for the report
            capture_output=True,
            text=True,
            check=True,
            cwd=settings.BASE_DIR,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def database_version():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
        else:
            cursor.execute("show server_version")
        return cursor.fetchone()[0]


def load_average():
    try:
        return [round(n, 1) for n in os.getloadavg()]
    except OSError:
        return None


def render(result):
    lines = [
        f"### Pages in-process on {result['database']} {result['database_version']} (size L)",
        "",
        f"{result['date']}, commit {result['commit']}, {result['machine']}, load average "
        f"{result['load']} at the end (other work on the machine makes these noisy). "
        f"Django test client through the full middleware as an anonymous visitor (admin "
        f"pages as a superuser), warm, {result['repeat']} requests each (3 for a page "
        f"slower than {SLOW_MS} ms, 1 for one slower than {TOO_SLOW_MS} ms); *first* is "
        "the first request for the page in the process. **Cold** columns: the page cache "
        "off, every request rendered by its view; the parts a view keeps until a table they "
        "read is written (an event page's two parts, the speaker list, a topic's lists, "
        "/stats/'s counts: `pagecache.Section`) are kept, and the rows *… written before "
        "each* write one before each request (not timed), so that those parts are read "
        "again (an event renamed: /stats/ counts its events again; an event made private "
        "and public again: everything). "
        "**Cached** columns: the anonymous page "
        "cache on (confjournal/web/pagecache.py), x floor against the cold floor; a hit's one "
        "query (the journal version) runs on the cache's own kept-open connection, so the "
        "request's connection counts 0; the admin is never cached.",
        "",
        "| page | cold p50 ms | cold p95 ms | first ms | SQL queries | x floor "
        "| cached p50 ms | cached p95 ms | cached queries | cached x floor | bytes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in result["rows"]:
        warm = (
            f"{row['warm_p50_ms']} | {row['warm_p95_ms']} | {row['warm_queries']} | "
            f"{row['warm_x_floor']}"
            if "warm_p50_ms" in row
            else "n/a | n/a | n/a | n/a"
        )
        lines.append(
            f"| {row['page']} | {row['p50_ms']} | {row['p95_ms']} | {row['first_ms']} | "
            f"{row['queries']} | {row['x_floor']} | {warm} | {row['bytes']:,} |"
        )
    peer = result.get("peer")
    if peer and peer["rows"]:
        lines += [
            "",
            "Against pretalx 2025.2.2, live: both served by gunicorn on this machine at the "
            "same time (ConfJournal with gunicorn.conf.py and the page cache off; pretalx with "
            "2 sync workers, SQLite, `scripts/pretalx-peer`), the same 300-talk programme "
            "(`tests/data/pretalx-neurips22`) in each, asked in turn "
            f"{peer['rows'][0]['rounds']} times a page by `bench/peer.py`. Wall: the median "
            "time a client waited; CPU: the server's worker CPU time per request. ConfJournal "
            "keeps an event page's talks and its speaker list between requests until a talk "
            "is written (pretalx draws them each time): the rows *a talk written before each* "
            "write one of its talks before each of ConfJournal's requests, so that it reads "
            "and draws them every time. The "
            "speaker lists show different numbers of people (pretalx all of them, "
            "ConfJournal a page of them), so they are compared per speaker shown too.",
            "",
            "| page (pretalx / ConfJournal) | pretalx wall ms | ConfJournal wall ms "
            "| pretalx CPU ms | ConfJournal CPU ms | times less CPU | per item shown |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for row in peer["rows"]:
            per_item = (
                f"{row['x_by_cpu_per_item']}x ({row['peer_items']} / {row['ours_items']})"
                if "x_by_cpu_per_item" in row
                else "n/a"
            )
            lines.append(
                f"| {row['page']} (`{row['peer_path']}` / `{row['our_path']}`) "
                f"| {row['peer_wall_ms']} | {row['ours_wall_ms']} | {row['peer_cpu_ms']} "
                f"| {row['ours_cpu_ms']} | {row['x_by_cpu']}x | {per_item} |"
            )
    http = result.get("http")
    if http:
        runs = [("cached", http)]
        if result.get("http_cold"):
            runs.insert(0, ("cold (PAGE_CACHE=0)", result["http_cold"]))
        crawl = result.get("http_crawl")
        if crawl:
            runs.append(
                (
                    f"cold, a crawler: {crawl['path_count']:,} distinct addresses in turn",
                    crawl,
                )
            )
        lines += [
            "",
            f"Over HTTP: gunicorn with gunicorn.conf.py ({http['workers']} workers x "
            f"{http['threads']} threads) on 127.0.0.1, {http['client']} for {http['seconds']} s "
            f"at {http['connections']} connections, rotating over {len(http['paths'])} public "
            "pages (" + ", ".join(f"`{p}`" for p in http["paths"]) + "); a fresh server "
            "for each run, every page requested once before the clock starts. The crawler "
            "asks in turns for an event's, a talk's, a note's, a speaker's and a topic's page, "
            "spread over the journal, each address once (more than the run reaches), after "
            "the same warm-up as the pages above: what a search engine's crawler costs, every "
            "page rendered and nothing it reads kept from before.",
            "",
            "| page cache | requests/s | p50 ms | p99 ms | errors "
            "| each worker after, MB: RSS (its own, RssAnon; private, USS) |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
        ]
        for label, run in runs:
            count = len(run["worker_rss_mb"])
            anon = run.get("worker_anon_mb") or [None] * count
            uss = run.get("worker_uss_mb") or [None] * count
            memory = ", ".join(
                f"{rss} ({'; '.join(str(n) for n in (own, private) if n is not None)})"
                if own is not None or private is not None
                else str(rss)
                for rss, own, private in zip(run["worker_rss_mb"], anon, uss, strict=False)
            )
            lines.append(
                f"| {label} | {run['requests_per_s']} | {run['p50_ms']} | {run['p99_ms']} | "
                f"{run['errors']} | {memory} |"
            )
    return "\n".join(lines)
