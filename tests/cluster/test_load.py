"""A bounded load on the two servers: readers on both, admin writers on both.

The same clients run twice, ten seconds each: against server A alone, then spread
over A and B. Both phases must end with no error and with every note whose creation
was answered with success in the database. The figures (requests per second, p50 and
p95 per kind of request) go to test-artifacts/cluster/load.json and, with
CLUSTER_RECORD=1, to docs/benchmarks.md beside the one-server page figures.
"""

import datetime
import json
import os
import threading
import time

import redis

from tests.cluster.conftest import ARTIFACTS, ROOT, Browser, unique

SECONDS = float(os.environ.get("CLUSTER_LOAD_SECONDS", "10"))
READERS = 8
WRITERS = 4
PAGES = ["/", "/events/", "/events/cluster-conf/", "/notes/", "/talks/", "/search/?q=poster"]


class Tally:
    """What the clients saw: per kind of request, each latency, and every error."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = {"read": [], "write": []}
        self.errors = []
        self.written = []

    def add(self, kind, seconds, error=None, title=None):
        with self.lock:
            self.latencies[kind].append(seconds)
            if error:
                self.errors.append(error)
            if title:
                self.written.append(title)


def read(server_urls, index, stop, tally):
    visitor = Browser()
    turn = index
    while not stop.is_set():
        url = server_urls[turn % len(server_urls)] + PAGES[turn % len(PAGES)]
        turn += 1
        began = time.perf_counter()
        try:
            status = visitor.get(url).status_code
            error = None if status == 200 else f"GET {url}: {status}"
        except Exception as failure:  # a refused or dropped connection is an error to count
            error = f"GET {url}: {failure!r}"
        tally.add("read", time.perf_counter() - began, error)


def write(writer, server_urls, event, stop, tally):
    """A person saving notes through the admin's add form, again and again."""
    turn = 0
    while not stop.is_set():
        server = server_urls[turn % len(server_urls)]
        turn += 1
        title = unique("load note ")
        began = time.perf_counter()
        try:
            saved = writer.submit(
                f"{server}/admin/talks/note/add/?event={event.pk}",
                {"title": title, "body": "부하 시험 중에 쓴 메모.", "visibility": "public"},
            )
            ok = saved.status_code == 302
            error = None if ok else f"POST note on {server}: {saved.status_code}"
        except Exception as failure:
            ok, error = False, f"POST note on {server}: {failure!r}"
        tally.add("write", time.perf_counter() - began, error, title if ok else None)


def run_phase(server_urls, writers, event):
    tally, stop = Tally(), threading.Event()
    threads = [
        threading.Thread(target=read, args=(server_urls, index, stop, tally))
        for index in range(READERS)
    ] + [
        threading.Thread(target=write, args=(writer, server_urls, event, stop, tally))
        for writer in writers
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(SECONDS)
    stop.set()
    for thread in threads:
        thread.join(120)
    return tally, time.perf_counter() - began


def figures(tally, seconds):
    from bench.report import percentile

    row = {"seconds": round(seconds, 1), "errors": len(tally.errors)}
    for kind, samples in tally.latencies.items():
        row[kind] = {
            "requests": len(samples),
            "per_second": round(len(samples) / seconds, 1),
            "p50_ms": round(percentile(samples, 50) * 1000, 1) if samples else None,
            "p95_ms": round(percentile(samples, 95) * 1000, 1) if samples else None,
        }
    return row


def test_readers_and_writers_on_both_servers(servers, journal):
    from talks.models import Note

    urls = [server.url for server in servers]
    writers = []
    for index in range(WRITERS):
        writer = Browser()
        assert writer.log_in(urls[index % 2], ("ada", "ben")[index % 2]).status_code == 302
        writers.append(writer)
    for url in urls:  # each worker's templates compiled before the clock starts
        for page in PAGES:
            Browser().page(url + page)

    results = {}
    for phase, server_urls in (("one server", urls[:1]), ("two servers", urls)):
        tally, seconds = run_phase(server_urls, writers, journal["event"])
        assert tally.errors == [], tally.errors[:10]
        assert tally.latencies["read"] and tally.written, f"{phase}: nothing was done"
        # Every note whose creation was answered with success is there, once.
        stored = Note.objects.filter(title__in=tally.written)
        assert stored.count() == len(tally.written) == len(set(tally.written))
        results[phase] = figures(tally, seconds)

    shared = redis.from_url(os.environ["REDIS_URL"])
    results["redis"] = {
        "used_memory_mb": round(shared.info("memory")["used_memory"] / 2**20, 1),
        "keys": shared.dbsize(),
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "load.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    if os.environ.get("CLUSTER_RECORD") == "1":
        record(results)


def record(results):
    """The figures as a section of docs/benchmarks.md, with the date, commit and machine."""
    from bench.management.commands.bench_pages import commit, database_version, load_average
    from bench.report import write_section

    lines = [
        f"### Two app servers (PostgreSQL {database_version()}, Redis, shared media)",
        "",
        f"{datetime.date.today().isoformat()}, commit {commit()}, {os.cpu_count()} cores, "
        f"load average {load_average()} at the end. `make cluster-test` with "
        "`CLUSTER_RECORD=1`: gunicorn with gunicorn.conf.py (2 workers x 2 threads) per "
        f"server; {READERS} anonymous readers rotating over {len(PAGES)} pages and "
        f"{WRITERS} logged-in writers saving notes through the admin's add form (each "
        "write loads the form, then sends it), on the test's small journal, "
        f"{SECONDS:.0f} s against server A alone, then the same clients spread over A "
        "and B. The clients are Python threads on the same machine, so both servers and "
        "the clients share its cores: the second row shows what a second server costs "
        "or saves here, not what a second machine would add.",
        "",
        "| servers | reads/s | read p50 ms | read p95 ms | writes/s | write p50 ms "
        "| write p95 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for phase in ("one server", "two servers"):
        row = results[phase]
        read, write = row["read"], row["write"]
        lines.append(
            f"| {phase} | {read['per_second']} | {read['p50_ms']} | {read['p95_ms']} "
            f"| {write['per_second']} | {write['p50_ms']} | {write['p95_ms']} | {row['errors']} |"
        )
    lines += [
        "",
        f"Redis after both phases: {results['redis']['used_memory_mb']} MB in "
        f"{results['redis']['keys']} keys (cached pages, counts and what the writes made "
        "unreachable, until they expire).",
    ]
    write_section(ROOT / "docs" / "benchmarks.md", "cluster", "\n".join(lines))
