"""Every public page costs the same number of queries at two data sizes (<= 10)."""

import datetime

import pytest
from django.db import connection

from events.models import Booth
from talks.models import Note, Paper, Talk
from tests import factories as make

pytestmark = pytest.mark.django_db


def build_journal(size):
    """`size` conferences, each with two days and a full day's records on both."""
    owner = make.UserFactory(username="owner")
    speakers = [make.SpeakerFactory(slug=f"s-{i}") for i in range(3)]
    for i in range(size):
        start = datetime.date(2015 + i, 11, 8)
        parent = make.EventFactory(
            slug=f"conf-{i}",
            start_date=start,
            end_date=start + datetime.timedelta(days=1),
            owner=owner,
        )
        parent.tags.add("topic", f"topic-{i}")
        for day in range(2):
            date = start + datetime.timedelta(days=day)
            child = make.EventFactory(
                slug=f"conf-{i}-day-{day}",
                parent=parent,
                start_date=date,
                end_date=date,
                owner=owner,
            )
            child.tags.add("topic")
            for _ in range(2):
                talk = make.TalkFactory(event=child, speakers=speakers[:2], rating=4)
                talk.tags.add("topic")
                paper = make.PaperFactory(event=child, talk=talk)
                paper.tags.add("topic")
                booth = make.BoothFactory(event=child)
                booth.tags.add("topic")
                for visibility in ("public", "private"):
                    note = make.NoteFactory(
                        event=child, talk=talk, owner=owner, visibility=visibility, highlight=True
                    )
                    note.tags.add("topic")
                make.NoteFactory(event=child, booth=booth, owner=owner, visibility="public")
    return owner


PUBLIC_PAGES = {
    # Count, the page, its events' counts and sub-events, topics; the journal version and
    # the filters' years, countries and topics (kept under it: tests/test_pages.py); and
    # "on this day".
    "/": 9,
    "/events/": 8,
    "/events/?year=2016&kind=conference&country=US&tag=topic": 8,
    # With its photos; every record's tags in one query; the versions its two parts are
    # kept under (tests/events/test_event_page_parts.py: 2 once kept).
    "/events/conf-1/": 10,
    "/talks/": 4,
    "/talks/?tag=topic&year=2016": 4,
    "/papers/": 3,
    "/booths/": 3,
    "/notes/": 3,
    # The versions its list is kept under (tests/test_speaker_list.py: 1 once kept).
    "/speakers/": 3,
    # The versions its talks and notes are kept under (tests/test_speaker_list.py: 2 kept).
    "/speakers/s-0/": 6,
    # The journal version, the ids of the topics in use; the page by name, its lookahead
    # count; the version again, the page's usage counts (both kept under the version:
    # tests/test_bounded_pages.py).
    "/topics/": 6,
    # The tag, the versions its usage count and lists are kept under, the count, the lists
    # (tests/test_topic_page.py: 2 once kept).
    "/topics/topic/": 10,
    "/search/?q=talk": 4,
    # Its events and days, counts, speakers, topics, rated talks and their speakers,
    # photos, highlights, the years, the rows' topics.
    "/years/2016/": 10,
    # Feeds, calendars, BibTeX and the recap: public exports.
    "/feeds/notes/": 2,
    "/feeds/events/": 2,
    "/feeds/topics/topic/notes/": 3,
    "/feeds/topics/topic/events/": 3,
    "/feeds/speakers/s-0/notes/": 3,
    "/feeds/speakers/s-0/events/": 3,
    # Each export's first query is the journal version, its ETag (tests/test_export_conditional.py).
    "/calendar.ics": 3,
    "/events/conf-1/calendar.ics": 6,
    "/papers.bib": 2,
    "/events/conf-1/papers.bib": 3,
    "/topics/topic/papers.bib": 3,
    "/events/conf-1/recap.md": 8,
    "/years/2016/review.md": 10,  # the ETag's version, then the year without the rows' topics
}


@pytest.mark.parametrize("size", [2, 5])
@pytest.mark.parametrize(("url", "queries"), PUBLIC_PAGES.items())
def test_public_page_query_count_does_not_grow(
    client, django_assert_num_queries, size, url, queries
):
    build_journal(size)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200


SEARCHES = {
    # The speakers and topics the words may name (one query), the capped ids of every
    # kind, then each kind's first five with what they show (talks: and their speakers).
    "/search/?q=body": 3,
    "/search/?q=body&type=note": 3,
    "/search/?q=talk": 4,
}


@pytest.mark.parametrize("cap", [1000, 3])
@pytest.mark.parametrize("size", [2, 5])
@pytest.mark.parametrize(("url", "queries"), SEARCHES.items())
def test_search_query_count_is_the_same_past_the_count_cap(
    client, django_assert_num_queries, settings, cap, size, url, queries
):
    """Under the cap the results are sorted from the count's ids; past it the page walks
    events newest first: the same number of queries."""
    settings.SEARCH_COUNT_CAP = cap
    build_journal(size)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    # Every one of these searches finds more than three records, fewer than 1,000.
    assert ("3+" in response.content.decode()) == (cap == 3)
    assert "1,000+" not in response.content.decode()


DETAIL_PAGES = {
    # model, filter for the record shown, queries
    "talk": (Talk, {}, 8),
    "paper": (Paper, {}, 4),
    "note": (Note, {"visibility": "public"}, 3),
    "booth": (Booth, {}, 5),
}


@pytest.mark.parametrize("size", [2, 5])
@pytest.mark.parametrize(("model", "only", "queries"), DETAIL_PAGES.values(), ids=DETAIL_PAGES)
def test_detail_page_query_count_does_not_grow(
    client, django_assert_num_queries, size, model, only, queries
):
    build_journal(size)
    record = model.objects.filter(**only).order_by("pk").first()
    with django_assert_num_queries(queries):
        response = client.get(record.get_absolute_url())
    assert response.status_code == 200


ADMIN_PAGES = {
    "/admin/events/event/": 8,
    "/admin/events/booth/": 8,
    # The date bar only under one event (it read every row's year; one event's list is
    # tests/talks/test_programme.py); ratings 1-5 listed without a query.
    "/admin/talks/talk/": 7,
    "/admin/talks/paper/": 6,
    "/admin/talks/note/": 5,  # no date hierarchy: it read every note's date
    "/admin/talks/note/?q=note": 5,
    "/admin/events/photo/": 7,
    "/admin/talks/speaker/": 5,
    "/admin/events/tag/": 5,
    "/admin/events/event/?q=conf": 8,
}


@pytest.mark.parametrize("size", [2, 5])
@pytest.mark.parametrize(("url", "queries"), ADMIN_PAGES.items())
def test_admin_changelist_query_count_does_not_grow(
    admin_client, django_assert_num_queries, size, url, queries
):
    build_journal(size)
    with django_assert_num_queries(queries):
        response = admin_client.get(url)
    assert response.status_code == 200


@pytest.mark.database("sqlite")
@pytest.mark.parametrize("path", ["/talks/", "/papers/", "/booths/"])
def test_the_owners_lists_walk_events_newest_first_on_sqlite(client, path):
    """The owner's "public … or yours" would have SQLite scan every record and sort them;
    the lists read the events by their date index and stop at the page
    (core/listing.py, newest_events_first)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(build_journal(2))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    newest_first = 'ORDER BY "events_event"."start_date" DESC'
    page = next(q["sql"] for q in queries if newest_first in q["sql"] and "COUNT" not in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {page}")
        plan = [row[3] for row in cursor.fetchall()]
    assert plan[0].startswith("SEARCH events_event USING INDEX event_start_date_idx"), plan


def test_a_page_asked_again_runs_prepared_statements_on_postgresql(client, settings):
    """On PostgreSQL a query run five times on a connection is prepared, so it is planned
    once (settings.py); the page shows the same notes before and after."""
    event = make.EventFactory(name="준비 학회", slug="prepared")
    notes = [
        make.NoteFactory(event=event, title=f"준비된 노트 {n}", visibility="public")
        for n in range(3)
    ]
    pages = [client.get("/notes/").content.decode() for _ in range(7)]
    for page in pages:
        assert [note.title in page for note in notes] == [True, True, True]
    options = settings.DATABASES["default"].get("OPTIONS", {})
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            prepared = [row[0] for row in cursor.fetchall()]
        assert any('FROM "talks_note"' in statement for statement in prepared), prepared
        assert options["server_side_binding"] is True
    else:
        assert "server_side_binding" not in options
