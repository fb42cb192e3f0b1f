"""Backup and restore: export_journal, import_journal, and backup of the live SQLite file."""

import io
import json
import os
import sqlite3
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from confjournal.management.commands.backup import copy_sqlite
from events.models import Booth, Event, Tag, TaggedItem
from talks.models import Note, Paper, Speaker, Talk, TalkSpeaker
from tests.sample_journal import build_shared_journal

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
MEDIA = {
    "photos/2022/박람회 부스.jpg": b"\xff\xd8\xff\xe0 not really a jpeg \x00\x01",
    "notes/slides.pdf": b"%PDF-1.4 tiny",
}


@pytest.fixture
def media(settings, tmp_path):
    """MEDIA_ROOT in a fresh folder, holding MEDIA."""
    settings.MEDIA_ROOT = tmp_path / "media"
    for name, data in MEDIA.items():
        default_storage.save(name, ContentFile(data))
    return settings


def export(path):
    out = io.StringIO()
    call_command("export_journal", str(path), stdout=out)
    return out.getvalue()


def restore(path):
    out = io.StringIO()
    call_command("import_journal", str(path), stdout=out)
    return out.getvalue()


def empty_the_journal():
    """What a new database holds after `migrate`: no records, no users (groups stay)."""
    Note.objects.all().delete()
    Paper.objects.all().delete()
    Booth.objects.all().delete()
    TalkSpeaker.objects.all().delete()
    Talk.objects.all().delete()
    Event.objects.filter(parent__isnull=False).delete()
    Event.objects.all().delete()
    Speaker.objects.all().delete()
    TaggedItem.objects.all().delete()
    Tag.objects.all().delete()
    get_user_model().objects.all().delete()


def archive_contents(path):
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info.filename) for info in archive.infolist()}


def test_export_import_export_gives_identical_json_and_files(media, tmp_path, db):
    journal = build_shared_journal()
    password = journal["owner"].password
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"

    out = export(first)

    assert out.startswith("Exported the journal to ")
    assert "3 events.event, " in out and "2 media." in out
    empty_the_journal()
    media.MEDIA_ROOT = tmp_path / "restored-media"
    out = restore(first)
    assert out.startswith(f"Restored the journal from {first}: ")
    export(second)

    assert archive_contents(first) == archive_contents(second)
    assert first.read_bytes() == second.read_bytes()
    for name, data in MEDIA.items():
        with default_storage.open(name, "rb") as file:
            assert file.read() == data
    owner = get_user_model().objects.get(username="minji")
    assert owner.password == password
    restored = Talk.objects.with_speakers().get(title="트랜스포머 경량화")
    assert [s.name for s in restored.speaker_list] == ["Sebastian Seung", "Geoffrey Hinton"]
    assert restored.event.parent.owner == owner
    assert sorted(tag.name for tag in Event.objects.get(slug="closed-defence").tags.all()) == [
        "pruning",
        "secret-topic",
    ]


def test_journal_json_is_versioned_and_names_every_model(media, tmp_path, db):
    build_shared_journal()
    path = tmp_path / "journal.zip"
    export(path)

    document = json.loads(archive_contents(path)["journal.json"])

    assert (document["format"], document["version"]) == ("confjournal-journal", 1)
    assert sorted(document["records"]) == [
        "auth.group",
        "auth.user",
        "events.booth",
        "events.event",
        "events.formerslug",
        "events.photo",
        "events.tag",
        "events.taggeditem",
        "talks.note",
        "talks.paper",
        "talks.speaker",
        "talks.talk",
        "talks.talkspeaker",
    ]
    tagged = document["records"]["events.taggeditem"][0]["fields"]
    assert tagged["content_type"] in (["events", "event"], ["talks", "talk"], ["talks", "note"])
    assert [m["name"] for m in document["media"]] == sorted(MEDIA)


def test_search_finds_restored_records(client, media, tmp_path, db):
    build_shared_journal()
    path = tmp_path / "journal.zip"
    export(path)
    empty_the_journal()
    assert "Forward-Forward" not in client.get("/search/?q=벤지오").content.decode()

    restore(path)

    for query, found in [
        ("벤지오", "Forward-Forward &lt;b&gt;&amp;&lt;/b&gt; me"),  # three characters or more
        ("강연", "Forward-Forward &lt;b&gt;&amp;&lt;/b&gt; me"),  # two: the pair index
        ("posters", "NeurIPS 2022"),
        ("Hall B", "Samsung Research"),
    ]:
        html = client.get("/search/", {"q": query, "type": "note" if query in "벤지오강연" else ""})
        assert found in html.content.decode(), query


def test_import_refuses_a_database_that_is_not_empty(media, tmp_path, db):
    build_shared_journal()
    path = tmp_path / "journal.zip"
    export(path)
    before = Talk.objects.count()

    with pytest.raises(CommandError) as error:
        restore(path)

    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(
        f"{path}: The database is not empty (2 auth.user, 1 events.booth, 3 events.event"
    )
    assert message.endswith(
        "import_journal restores into an empty database only (run it after `migrate` on a "
        "new database)."
    )
    assert Talk.objects.count() == before


def broken_archives(tmp_path, good):
    contents = archive_contents(good)
    document = json.loads(contents["journal.json"])

    def zipped(name, files):
        path = tmp_path / name
        with zipfile.ZipFile(path, "w") as archive:
            for member, data in files.items():
                archive.writestr(member, data)
        return path

    newer = {**document, "version": 2}
    unknown = {**document, "records": {**document["records"], "events.hologram": []}}
    dangling = json.loads(contents["journal.json"])
    dangling["records"]["talks.talk"][0]["fields"]["event"] = 999999
    damaged = {**contents, "media/notes/slides.pdf": b"changed"}
    text = tmp_path / "text.zip"
    text.write_text("not a zip")
    return {
        text: "It is not a zip archive (File is not a zip file).",
        zipped("empty.zip", {"readme.txt": "hi"}): (
            "There is no journal.json in it: not a ConfJournal export."
        ),
        zipped("other.zip", {"journal.json": '{"format": "other"}'}): (
            "journal.json is not a ConfJournal export."
        ),
        zipped("newer.zip", {**contents, "journal.json": json.dumps(newer)}): (
            "The archive is format version 2; this ConfJournal reads version 1 and older. "
            "Update ConfJournal to restore it."
        ),
        zipped("unknown.zip", {**contents, "journal.json": json.dumps(unknown)}): (
            "The archive holds records this ConfJournal does not know: ['events.hologram']."
        ),
        zipped("dangling.zip", {**contents, "journal.json": json.dumps(dangling)}): None,
        zipped("damaged.zip", damaged): (
            "The media file notes/slides.pdf is damaged (its checksum differs)."
        ),
    }


def test_bad_archive_is_one_line_error_and_restores_nothing(media, tmp_path, db):
    build_shared_journal()
    good = tmp_path / "good.zip"
    export(good)
    archives = broken_archives(tmp_path, good)
    empty_the_journal()
    media.MEDIA_ROOT = tmp_path / "empty-media"

    for path, message in archives.items():
        with pytest.raises(CommandError) as error:
            restore(path)
        text = str(error.value)
        assert "\n" not in text
        if message is None:
            assert text.startswith(f"{path}: The records cannot be restored: "), text
        else:
            assert text == f"{path}: {message}"
        assert not Talk.objects.exists() and not get_user_model().objects.exists(), path
        assert not (tmp_path / "empty-media").exists() or not any(
            p.is_file() for p in (tmp_path / "empty-media").rglob("*")
        ), path


def test_export_does_not_overwrite_without_force(media, tmp_path, db):
    path = tmp_path / "journal.zip"
    path.write_bytes(b"keep me")

    with pytest.raises(CommandError, match="exists: pick another name, or pass --force"):
        export(path)

    assert path.read_bytes() == b"keep me"
    call_command("export_journal", str(path), "--force", stdout=io.StringIO())
    assert "journal.json" in archive_contents(path)


def manage(env, *args):
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_round_trip_through_a_fresh_database(media, tmp_path, db):
    """Export here, restore into a new SQLite file after `migrate`, export there: the same."""
    build_shared_journal()
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    export(first)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "SECRET_KEY": "x" * 50,
        "DJANGO_SETTINGS_MODULE": "confjournal.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "CONFJOURNAL_DATA_DIR": str(tmp_path / "fresh-data"),
        "MEDIA_ROOT": str(tmp_path / "fresh-media"),
    }

    for args in (
        ("migrate", "--noinput", "-v0"),
        ("import_journal", str(first)),
        ("export_journal", str(second)),
    ):
        result = manage(env, *args)
        assert result.returncode == 0, result.stderr

    assert archive_contents(first) == archive_contents(second)
    assert (tmp_path / "fresh-media" / "photos/2022/박람회 부스.jpg").read_bytes() == MEDIA[
        "photos/2022/박람회 부스.jpg"
    ]


# --------------------------------------------------------------------------- backup


# Each runs in the test leg of its database (see tests/conftest.py): make test runs
# the suite on SQLite and on PostgreSQL.
sqlite_only = pytest.mark.database("sqlite")
postgres_only = pytest.mark.database("postgresql")


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_backup_copies_the_database_into_a_folder(tmp_path):
    # Committed, as a running server's data is: a backup waits for open write transactions.
    build_shared_journal()
    out = io.StringIO()

    call_command("backup", str(tmp_path), stdout=out)

    (copy,) = tmp_path.glob("confjournal-*.sqlite3")
    assert (
        out.getvalue()
        == f"Backed up the database to {copy} ({copy.stat().st_size / 2**20:.1f} MB).\n"
    )
    with sqlite3.connect(copy) as database:
        assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert database.execute("SELECT count(*) FROM talks_talk").fetchone() == (4,)
        titles = database.execute("SELECT title FROM talks_talk ORDER BY id").fetchall()
        assert ("트랜스포머 경량화",) in titles
    copy.unlink()


@sqlite_only
def test_backup_refuses_to_overwrite(tmp_path, db):
    target = tmp_path / "copy.sqlite3"
    target.write_bytes(b"older backup")

    with pytest.raises(CommandError, match=r"copy\.sqlite3 exists: pick another name\."):
        call_command("backup", str(target))

    assert target.read_bytes() == b"older backup"


def test_backup_copy_is_consistent_while_another_connection_writes(tmp_path):
    source_path = tmp_path / "live.sqlite3"
    setup = sqlite3.connect(source_path)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE talk (id INTEGER PRIMARY KEY, title TEXT, copy TEXT)")
    setup.commit()
    setup.close()
    stop = threading.Event()
    written = []

    def writer():
        database = sqlite3.connect(source_path, timeout=10)
        n = 0
        while not stop.is_set() and n < 20000:
            n += 1
            # Two statements in one transaction: a copy holds both or neither.
            database.execute("INSERT INTO talk (title) VALUES (?)", (f"talk {n}",))
            database.execute("UPDATE talk SET copy = title WHERE id = last_insert_rowid()")
            database.commit()
            written.append(n)
        database.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 200:
            threading.Event().wait(0.01)
        source = sqlite3.connect(source_path, timeout=10)
        copies = [copy_sqlite(source, tmp_path / f"copy-{i}.sqlite3") for i in range(3)]
        source.close()
    finally:
        stop.set()
        thread.join()

    for path in copies:
        with sqlite3.connect(path) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            (rows,) = copy.execute("SELECT count(*) FROM talk").fetchone()
            assert 200 <= rows <= len(written)
            half = copy.execute("SELECT count(*) FROM talk WHERE copy IS NULL").fetchone()
            assert half == (0,)
            assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert not list(tmp_path.glob(".*.partial"))


@postgres_only
def test_backup_on_postgresql_says_to_use_pg_dump(tmp_path, db):
    with pytest.raises(CommandError) as error:
        call_command("backup", str(tmp_path))

    assert str(error.value) == (
        "The database is PostgreSQL, not SQLite: back it up with pg_dump, e.g. "
        'pg_dump --format=custom --file=journal.dump "$DATABASE_URL".'
    )
    assert list(tmp_path.iterdir()) == []
