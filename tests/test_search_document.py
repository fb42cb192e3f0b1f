"""PostgreSQL's stored, folded search document stays exact whatever writes the row.

The `search_document` column (no model field) is kept by a database trigger; the
trigram and character-pair indexes are built on it. These tests read the stored
column back and compare it with Python's fold of the record's searched fields, for
every searchable table and every way of writing a row. SQLite has FTS5 tables
instead (tests/test_search.py covers them), so these tests only run on PostgreSQL.
"""

import unicodedata
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from confjournal.search import engine as backend
from events.models import Booth, Event
from talks.models import Note, Paper, Talk
from tests.factories import BoothFactory, EventFactory, NoteFactory, PaperFactory, TalkFactory
from tests.schema_changes import widened_note_title

# The stored document is PostgreSQL's: these run in make test's PostgreSQL leg only.
pytestmark = [pytest.mark.django_db, pytest.mark.database("postgresql")]

MODELS = {"note": Note, "talk": Talk, "paper": Paper, "booth": Booth, "event": Event}


def stored(kind, pk):
    searchable = backend.BY_KIND[kind]
    with connection.cursor() as cursor:
        sql = f"SELECT search_document FROM {searchable.table} WHERE id = %s"  # noqa: S608
        cursor.execute(sql, [pk])
        return cursor.fetchone()[0]


def expected(kind, pk):
    record = MODELS[kind].objects.get(pk=pk)
    fields = backend.BY_KIND[kind].fields
    return backend.fold("\n".join(getattr(record, name) or "" for name in fields))


def assert_exact(kind, pk):
    assert stored(kind, pk) == expected(kind, pk)


def test_document_column_exists_on_every_searchable_table_with_its_trigger():
    assert backend.index_is_current(connection)
    for searchable in backend.SEARCHABLES:
        columns = [c.name for c in connection.introspection.get_table_description(
            connection.cursor(), searchable.table
        )]  # fmt: skip
        assert "search_document" in columns


def test_document_follows_save_update_bulk_create_and_raw_sql():
    event = EventFactory(name="Pruning Summit", city="서울")
    assert_exact("event", event.pk)
    note = NoteFactory(event=event, title="Transformer 경량화", body="벤지오 교수님의 강연")
    assert_exact("note", note.pk)
    note.body = "바뀐 본문 PRUNING"
    note.save()
    assert stored("note", note.pk) == "transformer 경량화\n바뀐 본문 pruning"
    Note.objects.filter(pk=note.pk).update(title="", body="Update() 본문")
    assert stored("note", note.pk) == "\nupdate() 본문"
    # A write that touches no searched field leaves the document as it was.
    Note.objects.filter(pk=note.pk).update(visibility="private")
    assert_exact("note", note.pk)
    bulk = Note.objects.bulk_create(
        [Note(event=event, owner=note.owner, title=f"대량 {i}", body="ÉCOLE") for i in range(3)]
    )
    for created in bulk:
        assert stored("note", created.pk) == f"대량 {bulk.index(created)}\nécole"
    # Raw SQL, with Hangul stored decomposed (NFD): the document is NFC, lower case.
    decomposed = unicodedata.normalize("NFD", "헤비안 Learning")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE talks_note SET body = %s WHERE id = %s", [decomposed, note.pk])
        # Even a raw write of the column itself is put right.
        cursor.execute("UPDATE talks_note SET search_document = 'stale' WHERE id = %s", [note.pk])
    assert stored("note", note.pk) == "\n헤비안 learning"
    searchable = backend.BY_KIND["note"]
    found = backend.containing_all(searchable, Note.objects.all(), ["헤비안", "안 "])
    assert list(found.values_list("pk", flat=True)) == [note.pk]


@pytest.mark.parametrize("kind", ["talk", "paper", "booth"])
def test_document_of_talks_papers_and_booths_joins_every_searched_field(kind):
    event = EventFactory()
    factory = {"talk": TalkFactory, "paper": PaperFactory, "booth": BoothFactory}[kind]
    record = factory(event=event)
    assert_exact(kind, record.pk)
    field = backend.BY_KIND[kind].fields[-1]
    MODELS[kind].objects.filter(pk=record.pk).update(**{field: "Mixed 대소문자 TEXT"})
    assert stored(kind, record.pk).endswith("\nmixed 대소문자 text")
    assert_exact(kind, record.pk)


@pytest.mark.django_db(transaction=True)
def test_document_survives_a_migration_that_alters_a_searched_column():
    note = NoteFactory(title="바꾸기 전", body="본문")
    # A generated column would make PostgreSQL refuse this ALTER COLUMN ... TYPE.
    with widened_note_title():
        backend.ensure_index(using="default")
        Note.objects.filter(pk=note.pk).update(title="바꾼 뒤")
        assert stored("note", note.pk) == "바꾼 뒤\n본문"
        assert backend.index_is_current(connection)


def test_rebuild_command_puts_right_a_document_written_without_the_trigger():
    note = NoteFactory(title="복구", body="시험 문장")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events
        cursor.execute("ALTER TABLE talks_note DISABLE TRIGGER note_search_document")
        cursor.execute("UPDATE talks_note SET body = '새 문장' WHERE id = %s", [note.pk])
        cursor.execute("ALTER TABLE talks_note ENABLE TRIGGER note_search_document")
    assert stored("note", note.pk) == "복구\n시험 문장"
    call_command("rebuild_search_index", stdout=StringIO())
    assert stored("note", note.pk) == "복구\n새 문장"


def test_indexes_are_built_on_the_stored_column():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'search_%%'"
        )
        indexes = dict(cursor.fetchall())
    for searchable in backend.SEARCHABLES:
        assert "gin (search_document gin_trgm_ops)" in indexes[f"search_{searchable.kind}_trgm"]
        assert "cj_grams(search_document)" in indexes[f"search_{searchable.kind}_grams"]


@pytest.mark.parametrize("short_driver_rows", [0, 5000])
def test_mixed_long_and_short_terms_use_one_index_and_test_the_other_term(
    monkeypatch, short_driver_rows
):
    """`벤지오 강연`: the short term's index of pairs finds the candidates when the
    planner expects few records to hold it, the trigram index otherwise; never both
    ANDed (their recheck would compute cj_grams on every candidate)."""
    monkeypatch.setattr(backend, "SHORT_DRIVER_ROWS", short_driver_rows)
    NoteFactory(body="벤지오 교수님의 강연")
    NoteFactory(body="벤지오 교수님의 논문")
    NoteFactory(body="다른 강연")
    searchable = backend.BY_KIND["note"]
    queryset = backend.containing_all(searchable, Note.objects.all(), ["벤지오", "강연"])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        explain = queryset.order_by().explain()
    # (On a table this small the planner may read the pairs subquery through the
    # primary key rather than its index: what counts is which side drives.)
    if short_driver_rows:
        assert "cj_grams" in explain and "search_note_trgm" not in explain
    else:
        assert "search_note_trgm" in explain and "cj_grams" not in explain
    assert [n.body for n in queryset] == ["벤지오 교수님의 강연"]


def test_grams_function_lists_every_character_and_pair():
    with connection.cursor() as cursor:
        for text in ["", "a", "ab", "강연\n은", "abcde"]:
            cursor.execute("SELECT cj_grams(%s)", [text])
            grams = set(cursor.fetchone()[0])
            pairs = {text[i : i + 2] for i in range(len(text) - 1)}
            assert grams == set(text) | pairs
