"""Measure search on a generated journal against a naive icontains scan.

Run on a database filled by `generate_journal --size L` (see `make bench-search`).
For each query it times what the search page does for notes (the count and the
first page of 20), with the index and with `icontains` on every searched field,
checks that both return the same notes, and writes the numbers to a JSON file
and to its own section of docs/benchmarks.md.
"""

import datetime
import json
import os
import platform
import statistics
import subprocess
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count, Q

from bench.report import percentile, write_section
from confjournal.search import engine as backend
from confjournal.search import results as journal_search
from events.models import Tag
from talks.models import Note, Speaker

TERMS = [
    ("1 char, Korean", "벤"),
    ("1 char, Korean, common", "의"),
    ("2 chars, Korean", "강연"),
    ("2 chars, Korean, common", "에서"),
    ("3 chars, Korean", "벤지오"),
    ("3 chars, Korean", "경량화"),
    ("5 chars, Korean", "트랜스포머"),
    ("5 chars, Korean with space", "표현 학습"),
    ("English word", "pruning"),
    ("English word", "transformer"),
    ("two words", "헤비안 transformer"),
    ("a long and a short word", "벤지오 강연"),
    ("a common character and a word", "벤 pruning"),
    ("a common character and a word", "의 transformer"),
]


def timed(repeat, run):
    samples, result = [], None
    run()  # warm the page cache and the statement cache
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        samples.append((time.perf_counter() - start) * 1000)
    return samples, result


def naive(user, criteria):
    """The same notes found the obvious way: icontains on each searched field."""
    notes = Note.objects.visible_to(user)
    fields = backend.BY_KIND["note"].fields

    def mentions(text):
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__icontains": text})
        return condition

    for term in criteria.terms:
        notes = notes.filter(mentions(term))
    if criteria.speaker is not None:
        speaker = criteria.speaker
        condition = Q(talk__in=speaker.talks.all()) | Q(paper__talk__in=speaker.talks.all())
        for spelling in [speaker.name, *speaker.alias_list]:
            condition |= mentions(spelling)
        notes = notes.filter(condition)
    if criteria.topic is not None:
        tag = criteria.topic
        notes = notes.filter(
            mentions(tag.name)
            | Q(tags=tag)
            | Q(talk__tags=tag)
            | Q(paper__tags=tag)
            | Q(booth__tags=tag)
            | Q(event__tags=tag)
        ).distinct()
    return notes.order_by("-event__start_date", "-pk")


def page(user, criteria, queryset):
    """What the search page does: a count capped at SEARCH_COUNT_CAP + 1, then the first 20."""
    ids = journal_search.result_ids("note", user, criteria)
    notes = journal_search.fetch_results("note", user, criteria, ids, 0, 20)
    return len(ids), [n.pk for n in notes]


def capped_baseline(user, queryset):
    """The baseline doing the same work as the page: a capped count, then the first 20.

    For a common word this is cheaper than a plain scan: the count stops at the
    cap, and the first page stops after 20 matches found walking events by date.
    """
    count = journal_search.capped_count(queryset)
    notes = journal_search.fetch("note", user, queryset, 0, 20)
    return count, [n.pk for n in notes]


def naive_baseline(user, queryset):
    """The page as Django would build it without the index: Paginator's full COUNT(*)
    and the first 20 by newest event (what the search page did before it had one)."""
    count = queryset.count()
    notes = journal_search.fetch("note", user, queryset, 0, 20)
    return min(count, journal_search.count_cap() + 1), [n.pk for n in notes]


class Command(BaseCommand):
    help = "Benchmark search against a naive icontains scan; write JSON and docs/benchmarks.md."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=15)
        parser.add_argument("--output", default="")
        parser.add_argument("--docs", default=str(settings.BASE_DIR / "docs" / "benchmarks.md"))
        parser.add_argument("--note", default="", help="A remark for the docs (e.g. load).")

    def handle(self, *args, repeat, output, docs, note, **options):
        notes = Note.objects.count()
        if notes < 1000:
            raise CommandError("Generate a journal first: manage.py generate_journal --size L")
        user = AnonymousUser()
        load_before = os.getloadavg()[0]
        busiest_speaker = Speaker.objects.annotate(n=Count("talks")).order_by("-n", "pk").first()
        busiest_tag = Tag.objects.annotate(n=Count("items")).order_by("-n", "pk").first()
        cases = [(label, journal_search.Criteria(terms=backend.parse_terms(q)), q)
                 for label, q in TERMS]  # fmt: skip
        cases.append(
            ("speaker filter", journal_search.Criteria(terms=[], speaker=busiest_speaker),
             f"speaker={busiest_speaker.slug}")
        )  # fmt: skip
        cases.append(
            ("topic filter", journal_search.Criteria(terms=[], topic=busiest_tag),
             f"topic={busiest_tag.slug}")
        )  # fmt: skip

        rows = []
        for label, criteria, shown in cases:
            indexed = journal_search.results_queryset("note", user, criteria)
            baseline = naive(user, criteria)

            fast, (count, first) = timed(repeat, lambda c=criteria, q=indexed: page(user, c, q))
            slow, (base_count, base_first) = timed(
                max(3, repeat // 5), lambda q=baseline: capped_baseline(user, q)
            )
            naive_runs, (naive_count, naive_first) = timed(
                max(3, repeat // 5), lambda q=baseline: naive_baseline(user, q)
            )
            same = set(indexed.values_list("pk", flat=True)) == set(
                baseline.values_list("pk", flat=True)
            )
            agree = count == base_count == naive_count and first == base_first == naive_first
            rows.append(
                {
                    "case": label,
                    "query": shown,
                    "results": count,
                    "min_ms": round(min(fast), 2),
                    "p50_ms": round(statistics.median(fast), 2),
                    "p95_ms": round(percentile(fast, 95), 2),
                    "baseline_p50_ms": round(statistics.median(slow), 2),
                    "baseline_p95_ms": round(percentile(slow, 95), 2),
                    "speedup_p50": round(statistics.median(slow) / statistics.median(fast), 1),
                    "naive_p50_ms": round(statistics.median(naive_runs), 2),
                    "naive_speedup_p50": round(
                        statistics.median(naive_runs) / statistics.median(fast), 1
                    ),
                    "identical": same and agree,
                }
            )
            self.stdout.write(
                f"{label:<28} {shown:<24} {count:>7} results  p50 {rows[-1]['p50_ms']:>8} ms  "
                f"p95 {rows[-1]['p95_ms']:>8} ms  capped icontains p50 "
                f"{rows[-1]['baseline_p50_ms']:>8} ms  naive icontains p50 "
                f"{rows[-1]['naive_p50_ms']:>8} ms  identical={rows[-1]['identical']}"
            )

        result = {
            "database": connection.vendor,
            "database_version": _database_version(),
            "notes": notes,
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "commit": _commit(),
            "machine": f"{platform.machine()}, {_cpus()} cores, Python {platform.python_version()}",
            "repeat": repeat,
            "note": note,
            "load": f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after",
            "rows": rows,
        }
        if output:
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            Path(output).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        if docs:
            _write_docs(Path(docs), result)
        if not all(row["identical"] for row in rows):
            raise CommandError("Indexed search and the icontains baseline disagree.")


def _database_version():
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def _commit():
    """The commit measured, marked when the search code differs from it (not yet committed)."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
            cwd=settings.BASE_DIR,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "diff", "--quiet", "HEAD", "--", "confjournal/search/"],  # noqa: S607
            cwd=settings.BASE_DIR,
            check=False,
        ).returncode
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit} + uncommitted search changes" if changed else commit


def _cpus():
    return os.cpu_count()


def _write_docs(path, result):
    lines = [
        f"### Search on {result['database_version']}: {result['notes']:,} notes",
        "",
        f"{result['date']}, commit {result['commit']}, {result['machine']}, "
        f"load average {result['load']}; "
        f"what the page does for notes (a count capped at {journal_search.count_cap():,} + 1, "
        f"then the first 20 by newest event) as an anonymous visitor, {result['repeat']} runs "
        "each after one warm-up. Two baselines, both `icontains` on title and body: "
        "*naive* is the page as Django builds it without an index (Paginator's full "
        "`COUNT(*)`, then the first 20 by newest event); *capped* does the same work as the "
        "indexed page (count stops at the cap, so a common word is found after a short scan). "
        "Speed-ups are p50 against p50. 'same notes' compares the full result sets, the "
        "capped counts and the first page of all three."
        + (f" {result['note']}" if result.get("note") else ""),
        "",
        "| case | query | results | min ms | p50 ms | p95 ms | naive icontains p50 ms | speed-up "
        "| capped icontains p50 ms | speed-up | same notes |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in result["rows"]:
        lines.append(
            f"| {row['case']} | `{row['query']}` | {row['results']:,} | {row['min_ms']} | "
            f"{row['p50_ms']} | "
            f"{row['p95_ms']} | {row['naive_p50_ms']} | {row['naive_speedup_p50']}x | "
            f"{row['baseline_p50_ms']} | {row['speedup_p50']}x | "
            f"{'yes' if row['identical'] else 'NO'} |"
        )
    write_section(path, f"search-{result['database']}", "\n".join(lines))
