"""The search index is the database's own (FTS5 on SQLite, GIN on PostgreSQL), in place
after migrate, kept by plain SQL: any client may write to the journal and search follows."""

import json
import sqlite3
import subprocess
import sys

import pytest
from django.db import connection

from confjournal.core.registry import searchable_models
from confjournal.search import engine, index
from events.models import Booth, Event
from talks.models import Paper, Talk
from tests.factories import BoothFactory, EventFactory, PaperFactory, TalkFactory
from tests.test_security import ROOT, clean_environment, manage

pytestmark = pytest.mark.django_db


def test_every_searchable_table_has_its_index_after_migrate():
    kinds = [model._meta.model_name for model in searchable_models()]
    assert kinds == ["event", "booth", "talk", "paper", "note"]
    assert all(index.is_current(connection, model) for model in searchable_models())


def record(model):
    event = EventFactory()
    if model is Event:
        return event
    factory = {Talk: TalkFactory, Paper: PaperFactory, Booth: BoothFactory}[model]
    return factory(event=event)


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (Event, "organizer"),
        (Event, "summary"),
        (Booth, "swag"),
        (Talk, "abstract"),
        (Paper, "authors"),
    ],
)
def test_every_searched_field_is_indexed_and_follows_an_update(model, field):
    found = record(model)
    model.objects.filter(pk=found.pk).update(**{field: "첫째낱말 kept"})
    assert list(engine.matching(model.objects.all(), ["첫째낱말"])) == [found]
    model.objects.filter(pk=found.pk).update(**{field: "둘째낱말"})
    assert list(engine.matching(model.objects.all(), ["첫째낱말"])) == []
    assert list(engine.matching(model.objects.all(), ["둘째낱말"])) == [found]


FIND = """
import json, sys
import django
django.setup()
from confjournal.search import engine
from talks.models import Note
print(json.dumps({w: sorted(engine.matching(Note.objects.all(), [w]).values_list("pk", flat=True))
                  for w in sys.argv[1:]}))
"""


@pytest.mark.database("sqlite")
def test_a_plain_sqlite3_client_writes_and_search_follows(tmp_path):
    """Python's sqlite3 module (no function of ConfJournal's) edits, adds and deletes
    notes; the index follows at once."""
    database = tmp_path / "journal.sqlite3"
    env = clean_environment(tmp_path, SECRET_KEY="x" * 50, DATABASE_URL=f"sqlite:///{database}")
    for command in (["migrate", "--noinput", "-v0"], ["load_demo", "-v0"]):
        done = manage(env, *command)
        assert done.returncode == 0, done.stderr
    with sqlite3.connect(database) as db:
        first, second = (row[0] for row in db.execute("SELECT id FROM talks_note LIMIT 2"))
        db.execute("UPDATE talks_note SET body = body || ' 새로쓴낱말' WHERE id = ?", [first])
        columns = [row[1] for row in db.execute("PRAGMA table_info(talks_note)") if row[1] != "id"]
        copied = ", ".join("'덧붙인낱말 appended'" if c == "body" else c for c in columns)
        db.execute(
            f"INSERT INTO talks_note ({', '.join(columns)}) "  # noqa: S608 - the table's own names
            f"SELECT {copied} FROM talks_note WHERE id = ?",
            [first],
        )
        added = db.execute("SELECT max(id) FROM talks_note").fetchone()[0]
        db.execute("DELETE FROM talks_note WHERE id = ?", [second])
    script = tmp_path / "find.py"
    script.write_text(FIND, encoding="utf-8")
    result = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(script), "새로쓴낱말", "덧붙인낱말", "appended"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "새로쓴낱말": [first],
        "덧붙인낱말": [added],
        "appended": [added],
    }
    with sqlite3.connect(database) as db:
        left = db.execute("SELECT count(*) FROM search_note WHERE rowid = ?", [second])
        assert left.fetchone() == (0,)
