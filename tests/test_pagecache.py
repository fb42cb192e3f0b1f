"""The anonymous page cache (confjournal/web/pagecache.py): never stale, never private."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.cache import caches
from django.db import connection
from django.test import Client

from confjournal.web import pagecache
from events.models import Event, taggings_of
from talks.models import Note, Talk, TalkSpeaker
from tests import factories as make
from tests.schema_changes import widened_note_title

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
KO = {"HTTP_ACCEPT_LANGUAGE": "ko"}


@pytest.fixture(autouse=True)
def page_cache(settings, django_db_blocker):
    settings.PAGE_CACHE = True
    with django_db_blocker.unblock():
        # Another file's test that rebuilds a table (tests/test_search.py) drops
        # the version triggers on it, as a migration would; migrate re-creates them.
        pagecache.ensure_triggers(using="default")
    cache = caches[getattr(django_settings, "PAGE_CACHE_ALIAS", "default")]
    pagecache.clear()
    yield cache
    pagecache.clear()
    pagecache.close_readers()  # PostgreSQL will not drop a test database still in use


def get(client, url, **extra):
    response = client.get(url, **{**EN, **extra})
    assert response.status_code == 200, url
    return response


def text(client, url, **extra):
    return get(client, url, **extra).content.decode()


def hit(client, url, **extra):
    """The page as a visitor sees it, asserting it came from the cache."""
    response = get(client, url, **extra)
    assert getattr(response, "page_cache_hit", False), f"{url} was not served from the cache"
    return response.content.decode()


@pytest.fixture
def journal(db):
    owner = make.UserFactory(username="owner")
    event = make.EventFactory(name="Cache Conference", slug="cache-conf", owner=owner)
    speaker = make.SpeakerFactory(name="Grace Hopper", slug="grace-hopper")
    talk = make.TalkFactory(event=event, title="Nanoseconds explained", speakers=[speaker])
    note = make.NoteFactory(
        event=event, owner=owner, body="공개 메모 about caching", visibility="public"
    )
    return {"owner": owner, "event": event, "speaker": speaker, "talk": talk, "note": note}


PAGES = ["/", "/events/", "/talks/", "/notes/", "/speakers/", "/feeds/notes/", "/calendar.ics"]


def test_second_visit_is_served_from_the_cache_without_tokens_or_cookies(journal):
    visitor = Client(enforce_csrf_checks=True)
    for url in [*PAGES, journal["event"].get_absolute_url(), journal["talk"].get_absolute_url()]:
        first = get(visitor, url)
        assert not getattr(first, "page_cache_hit", False)
        second = get(visitor, url)
        assert getattr(second, "page_cache_hit", False), url
        assert second.content == first.content
        for response in (first, second):
            assert "Set-Cookie" not in response.headers, url
            assert not response.cookies, url
            assert b"csrfmiddlewaretoken" not in response.content, url
        assert second["Content-Type"] == first["Content-Type"]
    assert not visitor.cookies


def test_a_cached_hit_is_one_query(journal, django_assert_num_queries):
    visitor = Client()
    get(visitor, "/talks/")
    with django_assert_num_queries(1):  # the journal version
        hit(visitor, "/talks/")
    with django_assert_num_queries(1):
        response = visitor.head("/talks/", **EN)
    assert response.status_code == 200 and response.page_cache_hit


def test_the_switcher_works_without_a_csrf_cookie(journal):
    visitor = Client(enforce_csrf_checks=True)
    html = text(visitor, "/talks/")
    assert 'action="/i18n/setlang/"' in html and "csrfmiddlewaretoken" not in html
    response = visitor.post("/i18n/setlang/", {"language": "ko", "next": "/talks/"})
    assert response.status_code == 302 and response["Location"] == "/talks/"
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "ko"
    assert '<html lang="ko"' in text(visitor, "/talks/")
    assert '<html lang="ko"' in hit(visitor, "/talks/")
    assert '<html lang="en"' in text(Client(), "/talks/")


def test_languages_are_cached_apart(journal):
    visitor = Client()
    english = text(visitor, "/talks/", **EN)
    korean = text(visitor, "/talks/", **KO)
    assert '<html lang="en"' in english and '<html lang="ko"' in korean
    assert '<html lang="en"' in hit(visitor, "/talks/", **EN)
    assert '<html lang="ko"' in hit(visitor, "/talks/", **KO)
    response = get(visitor, "/talks/", **KO)
    assert response["Content-Language"] == "ko"
    assert "Accept-Language" in response["Vary"]


def test_query_strings_are_cached_apart(journal):
    visitor = Client()
    make.TalkFactory(event=journal["event"], title="Keynote on caches", kind="keynote")
    assert "Nanoseconds explained" in text(visitor, "/talks/")
    assert "Nanoseconds explained" not in text(visitor, "/talks/?kind=keynote")
    assert "Nanoseconds explained" in hit(visitor, "/talks/")
    assert "Nanoseconds explained" not in hit(visitor, "/talks/?kind=keynote")


def test_update_making_a_note_private_removes_it_at_once(journal):
    visitor = Client()
    pages = ["/notes/", "/feeds/notes/", journal["event"].get_absolute_url()]
    for url in pages:
        assert "공개 메모" in text(visitor, url), url
        assert "공개 메모" in hit(visitor, url), url
    Note.objects.filter(pk=journal["note"].pk).update(visibility="private")
    for url in pages:
        assert "공개 메모" not in text(visitor, url), url


def test_private_note_page_is_404_after_the_update(journal):
    visitor = Client()
    url = journal["note"].get_absolute_url()
    assert "공개 메모" in text(visitor, url)
    assert "공개 메모" in hit(visitor, url)
    Note.objects.filter(pk=journal["note"].pk).update(visibility="private")
    assert visitor.get(url, **EN).status_code == 404


def test_admin_edit_shows_at_once(journal):
    visitor = Client()
    speaker = journal["speaker"]
    url = speaker.get_absolute_url()
    assert "Grace Hopper" in text(visitor, url)
    assert "Grace Hopper" in hit(visitor, url)
    staff = Client()
    staff.force_login(make.StaffFactory(username="curator"))
    response = staff.post(
        f"/admin/talks/speaker/{speaker.pk}/change/",
        {
            "name": "Rear Admiral Grace Hopper",
            "slug": speaker.slug,
            "aliases": "",
            "affiliation": "US Navy",
            "homepage": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Rear Admiral Grace Hopper" in text(visitor, url)
    assert "Rear Admiral Grace Hopper" in text(visitor, "/speakers/")


def test_bulk_create_shows_at_once(journal):
    visitor = Client()
    assert "대량으로 쓴" not in text(visitor, "/notes/")
    hit(visitor, "/notes/")
    Note.objects.bulk_create(
        [
            Note(event=journal["event"], owner=journal["owner"], body=f"대량으로 쓴 {i}")
            for i in range(2)
        ]
        + [
            Note(
                event=journal["event"],
                owner=journal["owner"],
                body="대량으로 쓴 공개",
                visibility="public",
            )
        ]
    )
    html = text(visitor, "/notes/")
    assert "대량으로 쓴 공개" in html and "대량으로 쓴 0" not in html


def test_deleting_an_event_removes_its_talks_everywhere(journal):
    visitor = Client()
    for url in ["/talks/", "/speakers/", "/notes/"]:
        text(visitor, url)
        hit(visitor, url)
    Event.objects.filter(pk=journal["event"].pk).delete()  # cascades to talks, notes, links
    assert "Nanoseconds explained" not in text(visitor, "/talks/")
    assert "Grace Hopper" not in text(visitor, "/speakers/")
    assert "공개 메모" not in text(visitor, "/notes/")
    assert visitor.get(journal["talk"].get_absolute_url(), **EN).status_code == 404


def test_tag_changes_show_at_once(journal):
    visitor = Client()
    assert "quantum-caching" not in text(visitor, "/topics/")
    hit(visitor, "/topics/")
    journal["talk"].tags.add("quantum-caching")
    assert "quantum-caching" in text(visitor, "/topics/")
    hit(visitor, "/topics/")
    journal["talk"].tags.clear()
    assert "quantum-caching" not in text(visitor, "/topics/")


def test_speaker_link_change_shows_at_once(journal):
    visitor = Client()
    other = make.SpeakerFactory(name="Edsger Dijkstra", slug="dijkstra")
    url = journal["talk"].get_absolute_url()
    assert "Edsger Dijkstra" not in text(visitor, url)
    hit(visitor, url)
    journal["talk"].set_speakers([journal["speaker"], other])
    assert "Edsger Dijkstra" in text(visitor, url)


def test_raw_sql_update_shows_at_once(journal):
    visitor = Client()
    url = journal["talk"].get_absolute_url()
    assert "Nanoseconds explained" in text(visitor, url)
    hit(visitor, url)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE talks_talk SET title = %s WHERE id = %s",
            ["Microseconds explained", journal["talk"].pk],
        )
    assert "Microseconds explained" in text(visitor, url)


def test_logged_in_owner_never_gets_or_fills_the_cache(journal):
    owner, event = journal["owner"], journal["event"]
    make.NoteFactory(event=event, owner=owner, body="SECRET-MARKER 비공개", visibility="private")
    visitor = Client()
    assert "SECRET-MARKER" not in text(visitor, "/notes/")
    hit(visitor, "/notes/")

    me = Client()
    me.force_login(owner)
    urls = ["/notes/", "/", "/events/", event.get_absolute_url(), "/feeds/notes/"]
    for url in urls:
        response = get(me, url)
        assert not getattr(response, "page_cache_hit", False), url
    assert "SECRET-MARKER" in text(me, "/notes/")
    assert "SECRET-MARKER" in text(me, event.get_absolute_url())

    for url in urls:
        assert "SECRET-MARKER" not in text(visitor, url), url
        assert "SECRET-MARKER" not in hit(visitor, url), url
    # Even the same browser after logging out (a fresh session cookie) sees no private note.
    me.logout()
    assert "SECRET-MARKER" not in text(me, "/notes/")


def test_a_page_that_sets_a_cookie_is_not_stored(journal):
    visitor = Client()
    response = visitor.get("/admin/login/", **EN)
    assert response.status_code == 200
    response = visitor.get("/admin/login/", **EN)
    assert not getattr(response, "page_cache_hit", False)


def test_version_changes_on_every_kind_of_write(journal):
    def bumped(action):
        before = pagecache.current_version()
        action()
        return pagecache.current_version() != before

    talk = journal["talk"]
    assert bumped(lambda: make.TalkFactory(event=journal["event"]))
    assert bumped(lambda: Note.objects.filter(pk=journal["note"].pk).update(title="x"))
    assert bumped(lambda: talk.talk_speakers.all().delete())
    assert bumped(lambda: journal["event"].booths.create(organization="Booth Co"))
    assert bumped(lambda: make.UserFactory(username="newcomer"))
    owner = journal["owner"]
    assert bumped(lambda: User.objects.filter(pk=owner.pk).update(first_name="Ada"))


def test_table_versions_move_with_their_table_and_taggings_with_their_kind(journal):
    """What `pagecache.Section` keys on: each table's version moves on a write to it
    (update, delete, raw SQL), and the taggings' on a write to that kind's taggings."""

    def moved(action):
        before = pagecache.table_versions()
        action()
        after = pagecache.table_versions()
        return {name for name in after if after[name] != before.get(name)}

    note, talk = journal["note"], journal["talk"]
    notes, talks = taggings_of(Note), taggings_of(Talk)
    assert moved(lambda: Note.objects.filter(pk=note.pk).update(title="x")) == {"talks_note"}
    assert moved(lambda: talk.talk_speakers.all().delete()) == {"talks_talkspeaker"}
    # INSERT OR IGNORE on SQLite (ON CONFLICT DO NOTHING on PostgreSQL), as Django writes a
    # many-to-many add: a trigger's own insert must not take the statement's rule.
    again = TalkSpeaker(talk=talk, speaker=journal["speaker"])
    written = moved(lambda: TalkSpeaker.objects.bulk_create([again], ignore_conflicts=True))
    assert written == {"talks_talkspeaker"}
    talk.tags.add("caching")  # a new topic: the tag, then the talk's tagging
    assert moved(lambda: note.tags.add("caching")) == {"events_taggeditem", notes}
    assert moved(lambda: note.tags.clear()) == {"events_taggeditem", notes}
    assert moved(lambda: talk.tags.clear()) == {"events_taggeditem", talks}

    def raw_update():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE events_event SET name = name")

    assert moved(raw_update) == {"events_event"}
    if connection.vendor == "postgresql":

        def truncate():  # no row trigger fires: every part of the table moves
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred key checks
                cursor.execute("TRUNCATE events_taggeditem")

        assert {"events_taggeditem", notes, talks} <= moved(truncate)


def test_the_counted_events_move_only_when_who_sees_an_event_or_its_year_changes(journal):
    """What /stats/ keys its counts of talks, notes and the rest on: an event's visibility,
    parent, date or owner changed, by any means; never a rename, a new event, or a save
    that writes every column and changes none of those."""

    def moved(action):
        before = pagecache.table_versions()
        action()
        after = pagecache.table_versions()
        return {name for name in after if after[name] != before.get(name)}

    event, counted = journal["event"], pagecache.counted_part(Event)
    events = Event.objects.filter(pk=event.pk)
    assert moved(lambda: events.update(name="Renamed")) == {"events_event"}
    assert moved(lambda: make.EventFactory(slug="new", owner=journal["owner"])) == {"events_event"}
    event.refresh_from_db()
    event.summary = "고친 요약"
    assert moved(event.save) == {"events_event"}
    assert moved(lambda: events.update(visibility="private")) == {"events_event", counted}
    assert moved(lambda: events.update(start_date="2001-01-01")) == {"events_event", counted}
    other = make.UserFactory(username="other")
    assert moved(lambda: events.update(owner=other)) == {"events_event", counted}
    parent = make.EventFactory(slug="parent", owner=journal["owner"])

    def raw_update():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE events_event SET parent_id = %s WHERE id = %s", [parent.pk, event.pk]
            )

    assert moved(raw_update) == {"events_event", counted}


@pytest.mark.django_db(transaction=True)
def test_a_database_with_the_triggers_of_before_table_versions_gets_them_on_migrate():
    """An older journal: triggers that set the journal version only, no table versions.
    What migrate runs afterwards makes them current, and gives the taggings already there
    their parts' versions."""
    talk = make.TalkFactory()
    talk.tags.add("older")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM confjournal_table_version")
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER cj_jv_events_taggeditem_ai")
            cursor.execute(
                "CREATE TRIGGER cj_jv_events_taggeditem_ai AFTER INSERT ON events_taggeditem "
                f"BEGIN {pagecache.bump_sql('sqlite')}; END"
            )
        else:
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {pagecache.PG_FUNCTION}() RETURNS trigger AS "
                f"$$ BEGIN {pagecache.bump_sql('postgresql')}; RETURN NULL; END $$ "
                "LANGUAGE plpgsql"
            )
    assert not pagecache.triggers_are_current()
    pagecache.ensure_triggers(using="default")  # what post_migrate does after every migrate
    assert pagecache.triggers_are_current()
    versions = pagecache.table_versions()
    assert {"talks_talk", "events_taggeditem", taggings_of(Talk)} <= set(versions)
    before = versions[taggings_of(Talk)]
    talk.tags.add("newer")
    assert pagecache.table_versions()[taggings_of(Talk)] != before


def test_a_journal_restored_from_a_backup_is_never_served_pages_of_its_lost_future(journal):
    """A restore puts the version row back with the records: the versions after it must
    not key the pages stored before it."""
    visitor = Client()
    backed_up = pagecache.current_version()
    lost = make.NoteFactory(event=journal["event"], body="복원 전에 쓴 메모", visibility="public")
    assert "복원 전에 쓴 메모" in text(visitor, "/notes/")
    assert "복원 전에 쓴 메모" in hit(visitor, "/notes/")
    # The backup comes back: the note is gone and the version is as it was.
    Note.objects.filter(pk=lost.pk).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE confjournal_journal_version SET version = %s WHERE id = 1", [backed_up]
        )
    # One write after the restore, like the one that made the note.
    make.NoteFactory(event=journal["event"], body="복원 뒤의 메모", visibility="public")
    page = text(visitor, "/notes/")
    assert "복원 뒤의 메모" in page
    assert "복원 전에 쓴 메모" not in page


def test_a_log_in_keeps_every_stored_page(journal):
    """A log-in writes last_login (and a session): no column a page shows."""
    visitor = Client()
    get(visitor, "/notes/")
    hit(visitor, "/notes/")
    owner = journal["owner"]
    before = pagecache.current_version()
    Client().force_login(owner)  # Django's login(): last_login is written
    assert User.objects.get(pk=owner.pk).last_login is not None
    assert pagecache.current_version() == before
    hit(visitor, "/notes/")


def test_disabled_cache_serves_nothing_stored(journal, settings):
    visitor = Client()
    get(visitor, "/talks/")
    hit(visitor, "/talks/")
    settings.PAGE_CACHE = False
    make.TalkFactory(event=journal["event"], title="Written while off")
    response = get(visitor, "/talks/")
    assert not getattr(response, "page_cache_hit", False)
    assert "Written while off" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_triggers_survive_a_migration_that_rebuilds_the_table():
    note = make.NoteFactory(body="재구성 전 공개 노트", visibility="public")
    visitor = Client()
    assert "재구성 전" in text(visitor, "/notes/")
    with widened_note_title():
        if connection.vendor == "sqlite":
            # SQLite rebuilt the table, and its triggers went with it.
            assert not pagecache.triggers_are_current()
        pagecache.ensure_triggers(using="default")  # what post_migrate does after every migrate
        assert pagecache.triggers_are_current()
        assert "재구성 전" in text(visitor, "/notes/")
        assert "재구성 전" in hit(visitor, "/notes/")
        Note.objects.filter(pk=note.pk).update(body="재구성 뒤 고친 노트")
        html = text(visitor, "/notes/")
        assert "재구성 뒤 고친 노트" in html and "재구성 전" not in html
    assert pagecache.triggers_are_current()


def test_pages_larger_than_both_caps_are_not_stored(journal, settings):
    settings.PAGE_CACHE_MAX_BYTES = 100  # compressed bytes: smaller than any page
    settings.PAGE_CACHE_LARGE_BYTES = 100  # uncompressed: smaller than any page too
    visitor = Client()
    get(visitor, "/talks/")
    assert not getattr(get(visitor, "/talks/"), "page_cache_hit", False)
    settings.PAGE_CACHE_MAX_BYTES = 128 * 1024
    get(visitor, "/talks/")
    assert "Nanoseconds explained" in hit(visitor, "/talks/")


def test_a_page_over_the_compressed_cap_is_kept_whole_in_the_large_cache(journal, settings):
    settings.PAGE_CACHE_MAX_BYTES = 100  # as the BibTeX of a big journal is
    make.PaperFactory(event=journal["event"], title="Kept whole")
    visitor = Client()
    first = get(visitor, "/papers.bib")
    assert "Kept whole" in first.content.decode()
    second = get(visitor, "/papers.bib")
    assert second.page_cache_hit
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["ETag"] == first["ETag"]
    # It was in the large-page cache: without it, the page is rendered again.
    caches[django_settings.PAGE_CACHE_LARGE_ALIAS].clear()
    assert not getattr(get(visitor, "/papers.bib"), "page_cache_hit", False)
    assert get(visitor, "/papers.bib").page_cache_hit
    # A write makes it unreachable like any other page.
    make.PaperFactory(event=journal["event"], title="Written after the export")
    third = get(visitor, "/papers.bib")
    assert not getattr(third, "page_cache_hit", False)
    assert "Written after the export" in third.content.decode()


@pytest.mark.django_db(transaction=True)
def test_committed_writes_reach_the_version_reader_connection(django_assert_num_queries):
    """Outside a transaction (production), the version is read on its own connection."""
    make.TalkFactory(title="Committed first")
    visitor = Client()
    assert "Committed first" in text(visitor, "/talks/")
    with django_assert_num_queries(0):  # the request's own connection is not even used
        assert "Committed first" in hit(visitor, "/talks/")
    make.TalkFactory(title="Committed later")
    assert "Committed later" in text(visitor, "/talks/")
    make.NoteFactory(body="곧 비공개", visibility="public")
    assert "곧 비공개" in text(visitor, "/notes/")
    assert "곧 비공개" in hit(visitor, "/notes/")
    Note.objects.update(visibility="private")
    assert "곧 비공개" not in text(visitor, "/notes/")
