"""Pages people like to look at: link previews, sorting, empty states, the timeline's extras."""

import datetime
import html as htmllib
import re

import pytest
from django.utils import timezone

from events.models import Event
from tests import factories as make

pytestmark = pytest.mark.django_db


def meta(html):
    """{property or name: content} of the page's <meta> tags."""
    found = {}
    for key, value in re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', html):
        found[key] = htmllib.unescape(value)
    return found


def get(client, url, status=200, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == status, url
    return response.content.decode()


@pytest.fixture
def owner(db):
    return make.StaffMemberFactory(username="minji", group="Editors")


# Link previews -------------------------------------------------------------


def test_event_page_has_open_graph_and_twitter_tags(client, owner):
    make.EventFactory(
        name='NeurIPS 2022 "New Orleans"',
        slug="neurips-2022",
        summary="Four days of posters & talks.",
        owner=owner,
    )
    tags = meta(get(client, "/events/neurips-2022/"))
    assert tags["og:title"] == 'NeurIPS 2022 "New Orleans"'
    assert tags["og:description"] == "Four days of posters & talks."
    assert tags["og:url"] == "http://testserver/events/neurips-2022/"
    assert tags["og:type"] == "website"
    assert tags["og:site_name"] == "ConfJournal"
    assert tags["og:locale"] == "en_US"
    assert tags["twitter:card"] == "summary"
    assert tags["twitter:title"] == 'NeurIPS 2022 "New Orleans"'
    assert "og:image" not in tags  # no cover photo


def test_event_without_summary_previews_kind_date_and_place(client, owner):
    make.EventFactory(name="Samsung AI Forum", slug="saif", kind=Event.Kind.FORUM, city="Seoul")
    tags = meta(get(client, "/events/saif/"))
    assert tags["og:description"] == "Forum · Nov. 28, 2022 · Seoul"


def test_talk_and_note_previews_are_articles(client, owner):
    event = make.EventFactory(owner=owner)
    talk = make.TalkFactory(event=event, title="Scaling laws", abstract="What grows with what.")
    note = make.NoteFactory(
        event=event, owner=owner, title="벤지오 교수님", body="강연 메모", visibility="public"
    )
    tags = meta(get(client, f"/talks/{talk.pk}/"))
    assert (tags["og:title"], tags["og:description"], tags["og:type"]) == (
        "Scaling laws",
        "What grows with what.",
        "article",
    )
    tags = meta(get(client, f"/notes/{note.pk}/", accept_language="ko"))
    assert (tags["og:title"], tags["og:description"], tags["og:locale"]) == (
        "벤지오 교수님",
        "강연 메모",
        "ko_KR",
    )
    assert tags["og:url"] == f"http://testserver/notes/{note.pk}/"


def test_list_page_previews_the_site_with_its_own_address(client, db):
    tags = meta(get(client, "/talks/?year=2022"))
    assert tags["og:title"] == "Conference journal"
    assert tags["og:url"] == "http://testserver/talks/?year=2022"
    tags = meta(get(client, "/stats/"))
    assert tags["og:title"] == "The journal in numbers"


# Sorting -------------------------------------------------------------------


def titles(html, pattern):
    return re.findall(pattern, html)


@pytest.fixture
def records(owner):
    early = make.EventFactory(slug="early", start_date=datetime.date(2019, 5, 1), owner=owner)
    late = make.EventFactory(slug="late", start_date=datetime.date(2023, 5, 1), owner=owner)
    ada, bo = make.SpeakerFactory(name="Ada", slug="ada"), make.SpeakerFactory(name="Bo", slug="bo")
    make.TalkFactory(event=early, title="Attention", speakers=[bo]).tags.add("rare")
    make.TalkFactory(event=late, title="Zebra finches", speakers=[bo])
    make.TalkFactory(event=late, title="Memory", speakers=[ada, bo])
    for event, title in [(early, "Apples"), (late, "Yield")]:
        make.PaperFactory(event=event, title=title).tags.add("common")
    make.BoothFactory(event=early, organization="Acme")
    make.BoothFactory(event=late, organization="Zeta")
    late.tags.add("common")
    make.NoteFactory(event=early, owner=owner, title="First note", visibility="public")
    make.NoteFactory(event=late, owner=owner, title="Second note", visibility="public")


TALK = r'<a href="/talks/\d+/">([^<]+)</a>'


def test_talks_sort_by_date_or_title(client, records):
    assert titles(get(client, "/talks/"), TALK) == ["Zebra finches", "Memory", "Attention"]
    assert titles(get(client, "/talks/?sort=title"), TALK) == [
        "Attention",
        "Memory",
        "Zebra finches",
    ]
    assert titles(get(client, "/talks/?sort=title&year=2023"), TALK) == ["Memory", "Zebra finches"]


def test_sort_links_keep_the_filters_and_mark_the_current_sort(client, records):
    html = get(client, "/talks/?year=2023&sort=title&page=1")
    assert '<a href="?sort=date&amp;year=2023">Date</a>' in html
    assert '<a href="?sort=title&amp;year=2023" aria-current="true">Title</a>' in html
    # The filter form keeps the sort when the filters change.
    assert '<input type="hidden" name="sort" value="title">' in html
    assert "Nothing matches" not in html


def test_unknown_sort_is_a_400_with_the_reason(client, records):
    for url in ("/talks/", "/papers/", "/booths/", "/notes/", "/speakers/", "/topics/"):
        html = get(client, f"{url}?sort=drop+table", status=400)
        assert "Some filters could not be used" in html
        assert "Sort: Select a valid choice. drop table is not one of the available choices." in (
            htmllib.unescape(html)
        )


def test_papers_booths_and_notes_sort(client, records):
    paper = r'<a href="/papers/\d+/">([^<]+)</a>'
    assert titles(get(client, "/papers/"), paper) == ["Yield", "Apples"]
    assert titles(get(client, "/papers/?sort=title"), paper) == ["Apples", "Yield"]
    booth = r'<a href="/booths/\d+/">([^<]+)</a>'
    assert titles(get(client, "/booths/"), booth) == ["Zeta", "Acme"]
    assert titles(get(client, "/booths/?sort=organization"), booth) == ["Acme", "Zeta"]
    note = r'<a href="/notes/\d+/">([^<]+)</a>'
    assert titles(get(client, "/notes/"), note) == ["Second note", "First note"]
    assert titles(get(client, "/notes/?sort=oldest"), note) == ["First note", "Second note"]


def test_speakers_and_topics_are_listed_by_name_only(client, records):
    """Sorting by number of talks or uses counted the whole journal: by name only."""
    speaker = r'<li><a href="/speakers/[\w-]+/">([^<]+)</a>'
    assert titles(get(client, "/speakers/"), speaker) == ["Ada", "Bo"]
    assert titles(get(client, "/speakers/?sort=name"), speaker) == ["Ada", "Bo"]
    topic = r'<li><a href="/topics/[\w-]+/">([^<]+)</a>'
    assert titles(get(client, "/topics/"), topic) == ["common", "rare"]
    html = get(client, "/topics/?sort=name")
    assert html.index('>common</a> <span class="count">3</span>') < html.index(">rare</a>")
    for url in ("/speakers/?sort=talks", "/topics/?sort=count"):
        assert "Sort: Select a valid choice." in get(client, url, status=400)
    assert "Sort by:" not in get(client, "/speakers/") + get(client, "/topics/")


# Empty states --------------------------------------------------------------


def test_empty_lists_say_what_to_do_next(client, db):
    assert "No talks yet. Talks are added on an event's page in the admin." in get(
        client, "/talks/?sort=title"
    )
    assert "The journal is empty. Log in and add the first event you attended." in get(client, "/")
    assert "Nothing to count yet." in get(client, "/stats/")


def test_a_filter_that_matches_nothing_offers_to_clear_it(client, records):
    for url in ("/talks/?year=1999", "/papers/?year=1999", "/booths/?kind=government"):
        html = get(client, url)
        path = url.split("?")[0]
        assert f'Nothing matches these filters. <a href="{path}">Clear filters</a>' in html


# The timeline --------------------------------------------------------------


def same_week_in(year, today):
    """The Monday of today's ISO week in `year` (or the nearest earlier year that has it)."""
    week = today.isocalendar().week
    while True:
        try:
            return datetime.date.fromisocalendar(year, week, 1)
        except ValueError:  # week 53 in a year of 52
            year -= 1


def test_home_shows_events_of_this_week_in_earlier_years(client, owner):
    today = timezone.localdate()
    two_years_ago = same_week_in(today.year - 2, today)
    make.EventFactory(
        name="Old friend",
        slug="old",
        start_date=two_years_ago,
        end_date=two_years_ago,
        city="Busan",
        country="KR",
        owner=owner,
    )
    make.EventFactory(
        name="Secret",
        slug="secret",
        start_date=two_years_ago,
        end_date=two_years_ago,
        visibility="private",
        owner=owner,
    )
    other_week = two_years_ago - datetime.timedelta(days=21)
    make.EventFactory(name="Other week", slug="other", start_date=other_week, end_date=other_week)
    this_year = today
    make.EventFactory(name="This week now", slug="now", start_date=this_year, end_date=this_year)

    html = get(client, "/")
    box = html[html.index('<section class="on-this-day"') : html.index("</section>")]
    assert "On this day" in box
    assert '<a href="/events/old/">Old friend</a>' in box
    flag = '<img class="flag" src="/static/flags/kr.gif" alt="" width="16" height="11">'
    assert f"{flag} Busan" in box
    assert "· 2 years ago" in box
    for absent in ("Secret", "Other week", "This week now"):
        assert absent not in box
    # Only on the home page, and only without filters.
    assert "on-this-day" not in get(client, "/events/")
    assert "on-this-day" not in get(client, f"/?year={two_years_ago.year}")

    client.force_login(owner)
    assert "Secret" in get(client, "/").split('<nav class="years"')[0]


def test_timeline_puts_this_year_first_with_a_year_nav(client, owner):
    today = timezone.localdate()
    make.EventFactory(name="Last year", slug="last", start_date=datetime.date(today.year - 1, 3, 1))
    make.EventFactory(name="This year", slug="this", start_date=datetime.date(today.year, 1, 5))
    html = get(client, "/events/")
    assert html.index("This year") < html.index("Last year")
    nav = html[html.index('<nav class="years"') : html.index("</nav>", html.index("years"))]
    assert re.findall(r">([^<>]+)</a>", nav) == ["All years", str(today.year), str(today.year - 1)]
    assert '<a href="?" aria-current="true">All years</a>' in nav
    html = get(client, f"/events/?year={today.year - 1}")
    assert f'aria-current="true">{today.year - 1}</a>' in html
    assert "This year" not in html.split("</nav>", 2)[-1]


def test_event_card_shows_flag_city_kind_role_counts_and_tags(client, owner):
    event = make.EventFactory(
        name="CVPR",
        slug="cvpr",
        city="Vancouver",
        country="CA",
        kind=Event.Kind.CONFERENCE,
        role=Event.Role.PRESENTER,
        owner=owner,
    )
    event.tags.add("vision")
    make.TalkFactory(event=event)
    make.PaperFactory(event=event)
    card = get(client, "/events/").split('<article class="event-card">')[1]
    for text in (
        '<img class="flag" src="/static/flags/ca.gif" alt="" width="16" height="11"> Vancouver',
        "Vancouver, Canada",
        "Conference · Presenter",
        "1 talk",
        "1 paper",
        '<a href="/topics/vision/">vision</a>',
    ):
        assert text in card
