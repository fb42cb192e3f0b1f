"""No page renders unbounded rows: what a visitor sees on long lists."""

import pytest

from events.models import Event
from talks.models import Note, Paper, Speaker, Talk
from tests.factories import EventFactory, SpeakerFactory, TalkFactory, UserFactory

pytestmark = pytest.mark.django_db


def add_papers(event, n, tag=None):
    papers = Paper.objects.bulk_create(Paper(event=event, title=f"Paper {i:03d}") for i in range(n))
    if tag:
        for paper in papers:
            paper.tags.add(tag)
    return papers


def add_notes(event, owner, n, visibility="public"):
    return Note.objects.bulk_create(
        Note(event=event, owner=owner, title=f"Note {i:03d}", body="본문", visibility=visibility)
        for i in range(n)
    )


def test_event_page_lists_every_talk_and_the_first_30_papers_and_notes(client):
    owner = UserFactory()
    event = EventFactory(slug="big", owner=owner)
    speaker = SpeakerFactory(name="승현준", slug="seung")
    for i in range(40):
        TalkFactory(event=event, title=f"Talk {i:03d}", speakers=[speaker])
    add_papers(event, 31)
    add_notes(event, owner, 31)

    page = client.get("/events/big/").content.decode()

    assert page.count('<article class="item">') == 40 + 30  # talks and papers
    assert page.count('<article class="item note') == 30
    assert page.count(">승현준</a>") == 40
    assert "Talk 039" in page
    assert 'href="/search/?event=big&amp;type=paper"' in page
    assert 'href="/search/?event=big&amp;type=note"' in page
    assert "type=booth" not in page


def test_event_page_without_more_records_has_no_link_to_all(client):
    owner = UserFactory()
    event = EventFactory(slug="small", owner=owner)
    add_papers(event, 30)
    add_notes(event, owner, 30)

    page = client.get("/events/small/").content.decode()

    assert "Paper 029" in page
    assert "/search/?event=small" not in page


def test_private_notes_are_not_counted_into_the_first_30(client):
    owner = UserFactory()
    event = EventFactory(slug="mixed", owner=owner)
    add_notes(event, owner, 5, visibility="private")
    add_notes(event, owner, 30)

    page = client.get("/events/mixed/").content.decode()

    assert page.count('class="item note') == 30
    assert "type=note" not in page  # the private five are not "more" for a visitor


def test_long_list_counts_only_a_few_pages_ahead(client):
    owner = UserFactory()
    add_notes(EventFactory(owner=owner), owner, 20 * 11 + 1)

    first = client.get("/notes/").content.decode()
    last = client.get("/notes/?page=12").content.decode()

    assert "Page 1 of 11+" in first
    assert "Page 12 of 12" in last and "Page 12 of 12+" not in last
    assert client.get("/notes/?page=13").status_code == 404


def test_short_list_says_how_many_pages(client):
    owner = UserFactory()
    add_notes(EventFactory(owner=owner), owner, 21)

    page = client.get("/notes/").content.decode()

    assert "Page 1 of 2" in page and "Page 1 of 2+" not in page


def test_topic_page_shows_the_newest_20_of_each_kind_with_a_link_to_all(client):
    event = EventFactory(slug="conf")
    event.tags.add("pruning")
    add_papers(event, 21, tag="pruning")

    page = client.get("/topics/pruning/").content.decode()

    assert page.count("Paper 0") == 20
    assert 'href="/search/?topic=pruning&amp;type=paper"' in page
    assert "type=event" not in page


def test_speaker_list_leaves_out_speakers_heard_only_in_an_unattended_programme(client):
    event = EventFactory()
    TalkFactory(event=event, speakers=[SpeakerFactory(name="Heard", slug="heard")])
    TalkFactory(
        event=event, attended=False, speakers=[SpeakerFactory(name="Only listed", slug="listed")]
    )

    page = client.get("/speakers/").content.decode()

    assert "Heard" in page
    assert "Only listed" not in page
    assert Speaker.objects.count() == 2 and Event.objects.count() == 1
    assert Talk.objects.filter(attended=False).count() == 1


def list_pages():
    from django.urls import reverse

    from tests.public_pages import PAGES

    return [
        reverse(name)
        for name, page in PAGES.items()
        if page.model is None and not page.variants and "page" in page.filters
    ]


@pytest.mark.parametrize(
    ("page", "status", "message"),
    [
        ("99999999999999999999999", 404, "There is no page 99999999999999999999… of this list."),
        ("9223372036854775808", 404, "There is no page 9223372036854775808 of this list."),
        ("1000", 404, "There is no page 1000 of this list."),
        ("-1", 404, "There is no page -1 of this list."),
        ("0", 404, "There is no page 0 of this list."),
        ("abc", 400, "“abc” is not a page number."),
        ("1e3", 400, "“1e3” is not a page number."),
    ],
)
def test_a_page_past_the_list_or_not_a_number_says_so(client, page, status, message):
    """?page= on every list: a 404 or 400 page naming the problem, never a 500."""
    add_notes(EventFactory(owner=UserFactory()), UserFactory(), 3)
    pages = list_pages()
    assert "/topics/" in pages and "/speakers/" in pages and "/notes/" in pages
    for url in pages:
        if url.startswith("/search"):
            continue  # the search page keeps its own pagination (below)
        response = client.get(url, {"page": page})
        assert response.status_code == status, url
        text = response.content.decode()
        assert message in text, url
        assert f'href="{url}">Go to the first page</a>' in text, url


def test_a_bad_page_and_a_bad_filter_are_both_said(client):
    text = client.get("/notes/", {"page": "0", "year": "abc"}).content.decode()
    assert "Some filters could not be used" in text
    assert "There is no page 0 of this list." in text


def test_last_page_and_search_pages_never_fail(client):
    add_notes(EventFactory(owner=UserFactory()), UserFactory(), 3)
    for url in list_pages():
        assert client.get(url, {"page": "last"}).status_code == 200, url
        for page in ("99999999999999999999999", "-1", "0", "abc"):
            response = client.get(url, {"page": page, "q": "Note"})
            assert response.status_code in (200, 400, 404), (url, page)


def test_topics_are_listed_by_name_a_page_at_a_time_counting_only_visible_records(client):
    """The topic list counts the topics of its page only, never a private record."""
    owner = UserFactory()
    event = EventFactory(owner=owner)
    papers = add_papers(event, 2)
    for i in range(101):
        papers[0].tags.add(f"topic-{i:03d}")
    papers[1].tags.add("topic-000")
    private = add_notes(event, owner, 2, visibility="private")
    private[0].tags.add("topic-000")
    private[1].tags.add("secret-only")

    first = client.get("/topics/").content.decode()
    second = client.get("/topics/?page=2").content.decode()

    assert first.count('<li><a href="/topics/topic-') == 100
    assert '>topic-000</a> <span class="count">2</span>' in first  # not the private note
    assert '>topic-099</a> <span class="count">1</span>' in first
    assert "topic-100" not in first
    assert '>topic-100</a> <span class="count">1</span>' in second
    assert "secret-only" not in first + second
    assert "Page 2 of 2" in second
    client.force_login(owner)
    assert '>topic-000</a> <span class="count">3</span>' in client.get("/topics/").content.decode()
    # The counts are kept per viewer under the journal version: a write shows at once.
    papers[1].tags.clear()
    assert '>topic-000</a> <span class="count">2</span>' in client.get("/topics/").content.decode()
    client.logout()
    assert '>topic-000</a> <span class="count">1</span>' in client.get("/topics/").content.decode()
    papers[1].tags.add("topic-new")  # so are the topics in use
    assert (
        '>topic-new</a> <span class="count">1</span>'
        in client.get("/topics/?page=2").content.decode()
    )
