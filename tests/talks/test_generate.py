import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from confjournal.core.registry import searchable_models
from confjournal.search import engine as backend
from confjournal.search import index
from events.models import Event
from talks.models import Note, Talk, TalkSpeaker

pytestmark = pytest.mark.django_db


def test_generate_journal_size_s_builds_every_kind_of_record():
    out = io.StringIO()
    call_command("generate_journal", "--size", "S", "--seed", "7", stdout=out)
    assert "Generated size S (1000 notes)" in out.getvalue()
    assert Event.objects.count() == 20
    assert Event.objects.filter(parent__isnull=False).count() == 3
    assert Talk.objects.count() == 400
    assert Event.objects.get(slug="bench-7-0").talks.count() == 100
    assert TalkSpeaker.objects.count() >= 400
    assert Note.objects.count() == 1000
    korean = sum(1 for body in Note.objects.values_list("body", flat=True)
                 if re.search("[가-힣]{2}(은|는|을|를|의|와|과|이|가) ", body))  # fmt: skip
    assert 600 <= korean <= 800
    assert set(Note.objects.values_list("visibility", flat=True)) == {"public", "private"}


def test_generate_journal_leaves_a_working_search_index():
    call_command("generate_journal", "--size", "S", stdout=io.StringIO())
    assert all(index.is_current(connection, model) for model in searchable_models())
    note = Note.objects.filter(body__contains="경량화").first() or Note.objects.first()
    word = "경량화" if "경량화" in note.body else note.body.split()[0]
    found = backend.matching(Note.objects.all(), [backend.fold(word)])
    expected = {n.pk for n in Note.objects.all() if backend.fold(word) in backend.fold(
        f"{n.title}\n{n.body}")}  # fmt: skip
    assert set(found.values_list("pk", flat=True)) == expected


def test_generate_journal_twice_with_the_same_seed_is_refused():
    call_command("generate_journal", "--size", "S", stdout=io.StringIO())
    with pytest.raises(CommandError, match="already holds the journal of seed 1"):
        call_command("generate_journal", "--size", "S", stdout=io.StringIO())


# Committed as a server's requests are, so that what a page keeps is stored.
@pytest.mark.django_db(transaction=True)
def test_bench_pages_measures_every_page_kind(tmp_path):
    import json

    call_command("generate_journal", "--size", "S", stdout=io.StringIO())
    out, docs, results = io.StringIO(), tmp_path / "benchmarks.md", tmp_path / "pages.json"
    # What bench/peer.py writes after asking pretalx and ConfJournal in turn.
    peer = tmp_path / "peer.json"
    peer.write_text(json.dumps({"rows": [{
        "page": "speaker list", "peer_path": "/neurips22/speaker/", "our_path": "/speakers/",
        "rounds": 2, "peer_wall_ms": 250.0, "ours_wall_ms": 20.0, "peer_cpu_ms": 240.0,
        "ours_cpu_ms": 15.0, "peer_items": 288, "ours_items": 50, "x_by_cpu": 16.0,
        "x_by_wall": 12.5, "x_by_cpu_per_item": 2.8,
    }]}))  # fmt: skip
    call_command("bench_pages", "--repeat", "1", "--output", str(results), "--docs", str(docs),
                 "--peer", str(peer), stdout=out)  # fmt: skip
    rows = {row["page"]: row for row in json.loads(results.read_text())["rows"]}
    assert rows["framework floor"]["queries"] == 0
    assert rows["timeline"]["queries"] > 0 and rows["timeline"]["bytes"] > 1000
    # The same pages for their owner, logged in (never from the page cache).
    assert rows["talk list, owner"]["queries"] > rows["talk list"]["queries"]
    kept = next(row for name, row in rows.items() if name.startswith("event page ("))
    # Its parts kept (the event, the versions), and read again after a talk is written
    # before each request.
    written = rows[f"{kept['page']}, a talk written before each"]
    assert kept["queries"] == 2 and written["queries"] > 2
    # The speaker list and a topic's lists kept, read again after a talk or a note.
    assert rows["speaker list"]["queries"] == 1
    assert rows["speaker list, a talk written before each"]["queries"] == 3
    topic = next(row for name, row in rows.items() if name.startswith("topic ("))
    assert topic["queries"] == 2
    assert rows[f"{topic['page']}, a note written before each"]["queries"] > 2
    assert any(name.startswith("year in review (") for name in rows)
    # /stats/ from its kept counts, the notes counted again, or everything.
    assert rows["stats"]["queries"] == 1
    assert rows["stats, a note written before each"]["queries"] == 2
    # After an event's name, the events only; after who sees it, the speakers and topics.
    assert rows["stats, an event written before each"]["queries"] == 5
    assert rows["stats, an event made private and public again before each"]["queries"] == 6
    for feed in ("feed of notes", "feed of events"):
        assert rows[feed]["bytes"] > 1000 and 0 < rows[feed]["queries"] <= 10
    assert any(name.startswith("admin event change") for name in rows)
    # An unchanged export again: a 304 with no body, for the journal version's query (on
    # the page cache's own connection outside a transaction, so the request's counts 0).
    assert rows["BibTeX, unchanged (304)"]["bytes"] == 0
    assert rows["BibTeX, unchanged (304)"]["queries"] == 0
    assert "| timeline |" in docs.read_text()
    # A crawler's addresses: distinct, public, of every kind of page.
    crawl = io.StringIO()
    call_command("bench_pages", "--print-crawl", stdout=crawl)
    paths = crawl.getvalue().split()
    assert len(paths) == len(set(paths)) > 50
    kinds = {path.split("/")[1] for path in paths}
    assert kinds == {"events", "talks", "notes", "speakers", "topics"}
    assert all(Client().get(path).status_code == 200 for path in paths[::25])
    # The live comparison is written from what was measured in the run, never a constant.
    assert "Against pretalx 2025.2.2, live" in docs.read_text()
    assert (
        "| speaker list (`/neurips22/speaker/` / `/speakers/`) | 250.0 | 20.0 |" in docs.read_text()
    )
