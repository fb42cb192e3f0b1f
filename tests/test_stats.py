"""/stats/: charts drawn on the server, each with a title, a description and its numbers."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event
from talks.models import Paper, Talk
from tests import factories as make

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def stats_page(client, django_capture_on_commit_callbacks):
    """GET /stats/ as a request that commits: the counts are stored in the cache only
    once what they counted is committed, and a test's transaction never is."""

    def get(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.get("/stats/", **kwargs)

    return get


class Tables(HTMLParser):
    """{caption: [[cell text, …], …]} for every <table> of a page."""

    def __init__(self):
        super().__init__()
        self.tables, self.caption, self.rows, self.cell, self.in_caption = {}, "", [], None, False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.caption, self.rows = "", []
        elif tag == "caption":
            self.in_caption = True
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self.in_caption = False
        elif tag in ("td", "th"):
            self.rows[-1].append(self.cell.strip())
            self.cell = None
        elif tag == "table":
            self.tables[self.caption.strip()] = self.rows

    def handle_data(self, data):
        if self.in_caption:
            self.caption += data
        elif self.cell is not None:
            self.cell += data


def tables(html):
    parser = Tables()
    parser.feed(html)
    return parser.tables


def main(html):
    """The page's <main>: what the stats say, without the header's per-request CSRF token."""
    return html[html.index("<main") : html.index("</main>")]


def body(rows):
    """The table's rows without its header row, as {label: count}."""
    return {row[0]: int(row[-1]) for row in rows[1:]}


@pytest.fixture
def journal(db):
    owner = make.StaffMemberFactory(username="minji", group="Editors")
    bengio = make.SpeakerFactory(name="Yoshua Bengio", slug="bengio")
    seung = make.SpeakerFactory(name="승현준", slug="seung")
    neurips = []
    for year in (2019, 2022, 2023):
        event = make.EventFactory(
            name=f"NeurIPS {year}",
            slug=f"neurips-{year}",
            start_date=datetime.date(year, 12, 2),
            end_date=datetime.date(year, 12, 5),
            city="New Orleans",
            country="US",
            owner=owner,
        )
        event.tags.add("딥러닝")
        talk = make.TalkFactory(event=event, speakers=[bengio])
        talk.tags.add("딥러닝", "pruning")
        paper = make.PaperFactory(event=event)
        paper.tags.add("pruning")
        neurips.append(event)
    forum = make.EventFactory(
        name="Samsung AI Forum",
        slug="saif-2022",
        kind=Event.Kind.FORUM,
        start_date=datetime.date(2022, 11, 8),
        end_date=datetime.date(2022, 11, 9),
        city="Seoul",
        country="KR",
        owner=owner,
    )
    # Day 2 is in another city: the forum counts once in Seoul and once in Suwon.
    make.EventFactory(
        name="Samsung AI Forum Day 2",
        slug="saif-2022-day-2",
        parent=forum,
        kind=Event.Kind.FORUM,
        start_date=datetime.date(2022, 11, 9),
        end_date=datetime.date(2022, 11, 9),
        city="Suwon",
        country="KR",
        owner=owner,
    )
    make.TalkFactory(event=forum, speakers=[seung, bengio])
    make.TalkFactory(event=forum, speakers=[seung], attended=False)  # programme only
    make.PaperFactory(event=forum).tags.add("트랜스포머")
    make.BoothFactory(event=forum).tags.add("트랜스포머")
    make.NoteFactory(event=forum, owner=owner, visibility="public").tags.add("트랜스포머")
    make.NoteFactory(event=forum, owner=owner, visibility="private").tags.add("secret-topic")

    closed = make.EventFactory(
        name="Closed defence",
        slug="closed",
        kind=Event.Kind.SEMINAR,
        start_date=datetime.date(2031, 3, 2),
        end_date=datetime.date(2031, 3, 2),
        city="Daejeon",
        country="KR",
        visibility="private",
        owner=owner,
    )
    closed.tags.add("secret-topic")
    quiet = make.SpeakerFactory(name="Colonel Quiet", slug="quiet")
    make.TalkFactory(event=closed, speakers=[quiet, bengio]).tags.add("pruning")
    make.PaperFactory(event=closed).tags.add("secret-topic", "pruning")
    return {"owner": owner, "closed": closed}


def test_stats_page_draws_each_chart_with_title_description_and_table(client, journal):
    html = client.get("/stats/").content.decode()
    for title in (
        "Events per year",
        "Countries",
        "Cities",
        "Kinds of events",
        "Most frequent topics over time",
        "Speakers heard most",
        "Papers seen per topic",
    ):
        key = re.search(rf'<title id="(chart-[\w-]+)-title">{title}</title>', html)
        assert key, title
        chart = key.group(1)
        assert f'role="img" aria-labelledby="{chart}-title {chart}-desc"' in html
        assert re.search(rf'<desc id="{chart}-desc">[^<]+</desc>', html)
        assert title in tables(html)
    assert "4 events in the journal so far." in html
    # A row of the years, countries and kinds leads to the timeline filtered to it.
    for link in (
        '<th scope="row"><a href="/events/?year=2022">2022</a></th><td>2</td>',
        '<th scope="row">2020</th><td>0</td>',
        '<th scope="row"><a href="/events/?country=KR">South Korea</a></th>',
        '<th scope="row"><a href="/events/?kind=forum">Forum</a></th>',
        '<th scope="row"><a href="/speakers/bengio/">Yoshua Bengio</a></th>',
        '<th scope="row"><a href="/topics/pruning/">pruning</a></th>',
    ):
        assert link in html


def test_stats_tables_equal_the_database_for_a_visitor(client, journal):
    found = tables(client.get("/stats/").content.decode())
    public = Event.objects.filter(visibility="public")
    roots = public.filter(parent=None)

    per_year = {}
    for event in roots:
        per_year[str(event.start_date.year)] = per_year.get(str(event.start_date.year), 0) + 1
    # Every year from the first to the last, so 2020 and 2021 appear with 0.
    assert body(found["Events per year"]) == {
        "2019": 1,
        "2020": 0,
        "2021": 0,
        "2022": 2,
        "2023": 1,
    }
    assert {k: v for k, v in body(found["Events per year"]).items() if v} == per_year
    assert body(found["Countries"]) == {"United States of America": 3, "South Korea": 1}
    # The city's country by its name, not its code.
    assert body(found["Cities"]) == {
        "New Orleans, United States of America": 3,
        "Seoul, South Korea": 1,
        "Suwon, South Korea": 1,
    }
    assert body(found["Kinds of events"]) == {"Conference": 3, "Forum": 1}
    assert body(found["Speakers heard most"]) == {
        "Yoshua Bengio": Talk.objects.filter(
            speakers__slug="bengio", attended=True, event__visibility="public"
        ).count(),
        "승현준": 1,
    }
    assert body(found["Papers seen per topic"]) == {
        "pruning": Paper.objects.filter(tags__name="pruning", event__visibility="public").count(),
        "트랜스포머": 1,
    }
    topics = found["Most frequent topics over time"]
    assert topics[0] == ["Topic", "2019", "2020", "2021", "2022", "2023", "All years"]
    # pruning: a talk and a paper each NeurIPS; 딥러닝: the event and a talk each NeurIPS;
    # 트랜스포머: a paper, a booth and a public note at the forum.
    assert topics[1:] == [
        ["pruning", "2", "0", "0", "2", "2", "6"],
        ["딥러닝", "2", "0", "0", "2", "2", "6"],
        ["트랜스포머", "0", "0", "0", "3", "0", "3"],
    ]


def test_stats_count_nothing_private_for_a_visitor_or_a_colleague(client, journal):
    for who in ("anonymous", "colleague"):
        if who == "colleague":
            client.force_login(make.StaffMemberFactory(username="colleague", group="Contributors"))
        html = client.get("/stats/").content.decode()
        for private in ("2031", "Daejeon", "SEMINAR", "Seminar", "Colonel Quiet", "secret-topic"):
            assert private not in html, (who, private)
        found = tables(html)
        assert body(found["Speakers heard most"])["Yoshua Bengio"] == 4
        assert body(found["Papers seen per topic"])["pruning"] == 3


def test_stats_show_the_owner_their_private_records(client, journal):
    client.force_login(journal["owner"])
    found = tables(client.get("/stats/").content.decode())
    assert body(found["Events per year"])["2031"] == 1
    assert body(found["Cities"])["Daejeon, South Korea"] == 1
    assert body(found["Speakers heard most"]) == {
        "Yoshua Bengio": 5,
        "Colonel Quiet": 1,
        "승현준": 1,
    }
    assert body(found["Papers seen per topic"])["pruning"] == 4


def test_stats_page_in_korean(client, journal):
    html = client.get("/stats/", headers={"accept-language": "ko"}).content.decode()
    assert '<html lang="ko">' in html
    assert "대한민국" in html
    # The cities' countries named in Korean (django-countries' catalogue).
    assert body(tables(html)["도시"]) == {
        "New Orleans, 미국": 3,
        "Seoul, 대한민국": 1,
        "Suwon, 대한민국": 1,
    }


def test_stats_empty_journal_says_what_to_do(client, db):
    html = client.get("/stats/").content.decode()
    assert "Nothing to count yet." in html
    assert "<svg" not in html


def test_stats_query_count_is_constant(client, stats_page, django_assert_num_queries, db):
    """The tables' versions and five GROUP BY queries whatever the size: measured at two sizes."""
    owner = make.UserFactory(username="owner")
    speaker = make.SpeakerFactory()
    stats_page()  # content types cached, as in a running server
    for size in (3, 12):
        for i in range(size):
            event = make.EventFactory(start_date=datetime.date(2000 + i, 1, 1), owner=owner)
            event.tags.add(f"t{i}", "common")
            make.TalkFactory(event=event, speakers=[speaker]).tags.add("common")
            make.PaperFactory(event=event).tags.add(f"t{i}")
            make.NoteFactory(event=event, owner=owner, visibility="public").tags.add("common")
        with django_assert_num_queries(6):
            response = stats_page()
        assert "Events per year" in response.content.decode()
        # Asked again with nothing changed, the counts come from the cache.
        with django_assert_num_queries(1):
            again = stats_page()
        assert main(again.content.decode()) == main(response.content.decode())


def test_stats_queries_group_in_the_database(client, stats_page, journal):
    with CaptureQueriesContext(connection) as queries:
        stats_page()
    versions, *counts = [query["sql"] for query in queries.captured_queries]
    assert versions == "SELECT name, version FROM confjournal_table_version"
    assert len(counts) == 5
    assert all("GROUP BY" in sql for sql in counts)


def test_a_note_written_counts_the_notes_again_and_nothing_else(
    client, stats_page, journal, django_assert_num_queries
):
    """Each kind of record's topic counts are kept apart: a new note under a topic in use
    is counted by a GROUP BY over the notes alone; the rest of the page comes from the cache."""
    heading = "Most frequent topics over time"
    before = body(tables(stats_page().content.decode())[heading])["트랜스포머"]
    forum = Event.objects.get(slug="saif-2022")
    make.NoteFactory(event=forum, visibility="public").tags.add("트랜스포머")
    with CaptureQueriesContext(connection) as queries:
        html = stats_page().content.decode()
    versions, notes = [query["sql"] for query in queries.captured_queries]
    assert "confjournal_table_version" in versions
    assert "talks_note" in notes and "talks_talk" not in notes
    assert body(tables(html)[heading])["트랜스포머"] == before + 1


def test_a_new_topic_counts_every_kind_again(client, stats_page, journal):
    """A topic never used before is a new tag, and every kind's counts carry their
    topics' names: all of them are counted again, in the one query."""
    stats_page()
    make.NoteFactory(event=Event.objects.get(slug="saif-2022"), visibility="public").tags.add(
        "새 주제"
    )
    with CaptureQueriesContext(connection) as queries:
        html = stats_page().content.decode()
    _versions, counted = [query["sql"] for query in queries.captured_queries]
    assert all(table in counted for table in ("talks_note", "talks_talk", "events_booth"))
    assert "새 주제" in html


def test_stats_cache_forgets_a_record_made_private_at_once(client, stats_page, journal):
    """The cached counts are keyed by the journal version, so nothing private lingers."""
    assert body(tables(stats_page().content.decode())["Kinds of events"]) == {
        "Conference": 3,
        "Forum": 1,
    }
    forum = Event.objects.get(slug="saif-2022")
    forum.visibility = "private"
    forum.save()
    html = stats_page().content.decode()
    assert body(tables(html)["Kinds of events"]) == {"Conference": 3}
    assert "트랜스포머" not in html and "Seoul" not in html


def test_stats_cache_is_per_viewer_and_language(client, stats_page, journal):
    anonymous = main(stats_page().content.decode())
    client.force_login(journal["owner"])
    assert "Colonel Quiet" in stats_page().content.decode()
    client.logout()
    assert main(stats_page().content.decode()) == anonymous
    korean = stats_page(headers={"accept-language": "ko"}).content.decode()
    assert '<html lang="ko">' in korean and main(korean) != anonymous


def test_stats_cache_sees_a_queryset_update_at_once(client, stats_page, journal):
    """QuerySet.update() sends no signal and leaves updated_at alone; the version still moves."""
    assert body(tables(stats_page().content.decode())["Kinds of events"]) == {
        "Conference": 3,
        "Forum": 1,
    }
    Event.objects.filter(slug="saif-2022").update(kind=Event.Kind.WORKSHOP)
    found = tables(stats_page().content.decode())
    assert body(found["Kinds of events"]) == {"Conference": 3, "Workshop": 1}
    # And a private record made public by update() is counted at once.
    Event.objects.filter(slug="closed").update(visibility="public")
    found = tables(stats_page().content.decode())
    assert body(found["Events per year"])["2031"] == 1
    assert body(found["Cities"])["Daejeon, South Korea"] == 1


def test_stats_cache_never_gives_an_owners_counts_to_anyone_else(client, stats_page, journal):
    """The owner's counts (with their private records) are cached first; others never get them."""
    client.force_login(journal["owner"])
    owner_html = stats_page().content.decode()
    assert "Colonel Quiet" in owner_html and "2031" in owner_html
    for who in ("anonymous", "colleague"):
        client.logout()
        if who == "colleague":
            client.force_login(make.StaffMemberFactory(username="colleague", group="Contributors"))
        html = stats_page().content.decode()
        for private in ("2031", "Daejeon", "Colonel Quiet", "secret-topic"):
            assert private not in html, (who, private)
        assert body(tables(html)["Speakers heard most"])["Yoshua Bengio"] == 4


def test_stats_counted_in_a_transaction_that_is_rolled_back_are_not_kept(
    client, journal, django_assert_num_queries
):
    """Without a commit (the test's transaction never commits) nothing is stored."""
    client.get("/stats/")
    with django_assert_num_queries(6):
        client.get("/stats/")
