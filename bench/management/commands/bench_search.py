"""Time the search page as served, on a generated journal (`make bench-search`).

For each query: the whole page (every group: people, topics, notes, talks, papers,
booths, events), requested in-process as an anonymous visitor and as the journal's
owner, p50/p95 over `--repeat` runs after one warm-up, with its SQL queries; and, as a
check, the notes found against a plain `icontains` on each searched field. Writes JSON
and its own section of docs/benchmarks.md.
"""

import datetime
import gc
import json
import os
import platform
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import override_settings

from bench.management.commands.bench_pages import commit
from bench.report import percentile, write_section
from confjournal.search import engine
from confjournal.search.results import (
    Criteria,
    Search,
    count_cap,
    named,
)
from events.models import Tag
from talks.models import Note, Speaker

QUERIES = [
    ("1 char, Korean", "벤"),
    ("1 char, Korean, common", "의"),
    ("1 char, English", "a"),
    ("2 chars, Korean", "강연"),
    ("2 chars, Korean, common", "에서"),
    ("3 chars, Korean", "경량화"),
    ("5 chars, Korean", "트랜스포머"),
    ("English word", "pruning"),
    ("English word", "transformer"),
    ("a name and a word", "벤지오 교수"),
    ("a common character and a word", "벤 pruning"),
    ("a common character and a word", "의 transformer"),
]


def naive_notes(terms):
    """The notes holding every term, the obvious way: icontains on each searched field."""
    notes = Note.objects.visible_to(AnonymousUser())
    for term in terms:
        holds = Q()
        for name in Note.search_fields:
            holds |= Q(**{f"{name}__icontains": term})
        notes = notes.filter(holds)
    return notes


def timed(client, query, repeat):
    client.get("/search/", {"q": query})  # warm-up
    queries = []
    with connection.execute_wrapper(lambda run, *args: queries.append(1) or run(*args)):
        response = client.get("/search/", {"q": query})
    if response.status_code != 200:
        raise CommandError(f"/search/?q={query} answered {response.status_code}")
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get("/search/", {"q": query})
        samples.append((time.perf_counter() - start) * 1000)
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(percentile(samples, 95), 1),
        "queries": len(queries),
    }


class Command(BaseCommand):
    help = "Time the search page on a generated journal; write JSON and docs/benchmarks.md."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument("--output", default="")
        parser.add_argument("--docs", default=str(settings.BASE_DIR / "docs" / "benchmarks.md"))

    def handle(self, *args, repeat, output, docs, **options):
        notes = Note.objects.count()
        if notes < 1000:
            raise CommandError("Generate a journal first: manage.py generate_journal --size L")
        speaker = Speaker.objects.annotate(n=Count("talks")).order_by("-n", "pk").first()
        topic = Tag.objects.annotate(n=Count("items")).order_by("-n", "pk").first()
        queries = [*QUERIES, ("a speaker's name", speaker.name), ("a topic's name", topic.name)]
        owner = get_user_model().objects.filter(is_superuser=False, notes__isnull=False).first()
        visitor, logged_in = Client(), Client()
        logged_in.force_login(owner)
        # What confjournal/wsgi.py does once the server has loaded the app.
        gc.collect()
        gc.freeze()
        rows = []
        with override_settings(PAGE_CACHE=False, ALLOWED_HOSTS=["testserver"], DEBUG=False):
            for label, query in queries:
                terms = engine.parse_terms(query)
                anonymous = AnonymousUser()
                people, topics = named(anonymous, terms, query)
                criteria = Criteria(terms=terms, people=people, topics=topics)
                count = Search(anonymous, criteria).counts(["note"])["note"]
                naive = naive_notes(terms).order_by().values("pk")[: count_cap() + 1].count()
                # A name finds the notes about the person or topic too: at least as many.
                agrees = count == naive if criteria.plain else count >= naive
                row = {"case": label, "query": query, "notes": count, "agrees": agrees}
                row["anonymous"] = timed(visitor, query, repeat)
                row["owner"] = timed(logged_in, query, repeat)
                rows.append(row)
                self.stdout.write(
                    f"{label:<30} {query:<20} notes {count:>5}  anonymous "
                    f"{row['anonymous']['p95_ms']:>7} ms p95 {row['anonymous']['queries']} q  "
                    f"owner {row['owner']['p95_ms']:>7} ms p95 {row['owner']['queries']} q  "
                    f"agrees={agrees} (icontains {naive})"
                )
        result = {
            "database": connection.vendor,
            "notes": notes,
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "commit": commit(),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}",
            "repeat": repeat,
            "rows": rows,
        }
        if output:
            Path(output).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        if docs:
            write_section(Path(docs), f"search-{connection.vendor}", render(result))
        if not all(row["agrees"] for row in rows):
            raise CommandError("Search and the icontains check disagree on the notes found.")


def render(result):
    lines = [
        f"### The search page on {result['database']}: {result['notes']:,} notes",
        "",
        f"{result['date']}, commit {result['commit']}, {result['machine']}; the whole page "
        f"in-process (cache off), {result['repeat']} runs after a warm-up; notes counted up "
        "to the cap + 1 and "
        "checked against `icontains`.",
        "",
        "| case | query | notes | anonymous p50 / p95 ms | queries | owner p50 / p95 ms "
        "| queries | agrees |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in result["rows"]:
        anonymous, owner = row["anonymous"], row["owner"]
        lines.append(
            f"| {row['case']} | `{row['query']}` | {row['notes']:,} | "
            f"{anonymous['p50_ms']} / {anonymous['p95_ms']} | {anonymous['queries']} | "
            f"{owner['p50_ms']} / {owner['p95_ms']} | {owner['queries']} | "
            f"{'yes' if row['agrees'] else 'NO'} |"
        )
    return "\n".join(lines)
