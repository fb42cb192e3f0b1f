"""Atom feeds of public notes and events, read back by feedparser as a feed reader would."""

import datetime

import feedparser
import pytest

from tests.factories import EventFactory, NoteFactory, SpeakerFactory, TalkFactory, UserFactory
from tests.sample_journal import assert_nothing_private

pytestmark = pytest.mark.django_db


def read_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    body = response.content.decode()
    assert_nothing_private(body)
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed, body


def test_site_note_feed_holds_public_notes_only(client, shared_journal):
    feed, _body = read_feed(client, "/feeds/notes/")

    assert feed.feed.title == "Notes · ConfJournal"
    assert [entry.title for entry in feed.entries] == [
        "Booth notes",
        "Forward-Forward <b>&</b> me",
    ]
    note = shared_journal["public_note"]
    entry = feed.entries[1]
    assert entry.link == f"http://testserver/notes/{note.pk}/"
    assert entry.author == "Minji Kim"
    assert [tag.term for tag in entry.tags] == ["pruning"]


def test_note_feed_content_is_escaped_sanitised_html(client, shared_journal):
    feed, body = read_feed(client, "/feeds/notes/")

    # In the XML everything the note holds is escaped once more.
    assert "<script>" not in body
    assert "<b>&</b>" not in body
    assert "Forward-Forward &lt;b&gt;&amp;&lt;/b&gt; me" in body
    summary = feed.entries[1].summary
    assert "<strong>Bold</strong> claim." in summary
    assert "alert" not in summary  # the sanitiser took the script out
    assert "R&amp;D, 벤지오 교수님의 강연" in summary


def test_site_event_feed_holds_public_events_only(client, shared_journal):
    feed, _body = read_feed(client, "/feeds/events/")

    assert [entry.title for entry in feed.entries] == ["NeurIPS 2022", "NeurIPS 2022 › Expo day"]
    summary = feed.entries[0].summary
    assert "2022-11-28 \N{EN DASH} 2022-12-01" in summary
    assert "<strong>posters</strong>" in summary
    assert feed.entries[0].link == "http://testserver/events/neurips-2022/"


def test_topic_feeds_hold_the_topics_public_records(client, shared_journal):
    notes, _body = read_feed(client, "/feeds/topics/pruning/notes/")
    events, _body = read_feed(client, "/feeds/topics/pruning/events/")

    assert notes.feed.title == "Notes: pruning · ConfJournal"
    assert [entry.title for entry in notes.entries] == ["Forward-Forward <b>&</b> me"]
    assert [entry.title for entry in events.entries] == ["NeurIPS 2022"]


def test_speaker_feeds_hold_notes_on_their_talks_and_their_events(client, shared_journal):
    notes, _body = read_feed(client, "/feeds/speakers/geoffrey-hinton/notes/")
    events, _body = read_feed(client, "/feeds/speakers/geoffrey-hinton/events/")

    assert [entry.title for entry in notes.entries] == ["Forward-Forward <b>&</b> me"]
    assert [entry.title for entry in events.entries] == ["NeurIPS 2022", "NeurIPS 2022 › Expo day"]


def test_feeds_of_private_topics_and_speakers_are_404(client, shared_journal):
    for url in (
        "/feeds/topics/secret-topic/notes/",
        "/feeds/topics/secret-topic/events/",
        "/feeds/speakers/quiet-speaker/notes/",
        "/feeds/speakers/quiet-speaker/events/",
    ):
        assert client.get(url).status_code == 404


def test_feeds_show_the_owner_nothing_private_either(client, shared_journal):
    client.force_login(shared_journal["owner"])

    feed, _body = read_feed(client, "/feeds/notes/")

    assert len(feed.entries) == 2


def test_pages_announce_their_feeds(client, shared_journal):
    home = client.get("/").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Notes · ConfJournal" '
        'href="/feeds/notes/">'
    ) in home
    topic = client.get("/topics/pruning/").content.decode()
    assert (
        'type="application/atom+xml" title="Notes on pruning" href="/feeds/topics/pruning/notes/"'
        in topic
    )
    speaker = client.get("/speakers/geoffrey-hinton/").content.decode()
    assert 'href="/feeds/speakers/geoffrey-hinton/events/"' in speaker


def build_feeds(size):
    owner = UserFactory(username="owner")
    speaker = SpeakerFactory(slug="speaker")
    for i in range(size):
        event = EventFactory(
            slug=f"event-{i}", start_date=datetime.date(2015 + i, 5, 1), owner=owner
        )
        event.tags.add("topic", f"topic-{i}")
        talk = TalkFactory(event=event, speakers=[speaker])
        for _ in range(2):
            note = NoteFactory(event=event, talk=talk, owner=owner, visibility="public")
            note.tags.add("topic", f"topic-{i}")


FEEDS = {
    "/feeds/notes/": 2,
    "/feeds/events/": 2,
    "/feeds/topics/topic/notes/": 3,
    "/feeds/topics/topic/events/": 3,
    "/feeds/speakers/speaker/notes/": 3,
    "/feeds/speakers/speaker/events/": 3,
}


@pytest.mark.parametrize("size", [2, 6])
@pytest.mark.parametrize(("url", "queries"), FEEDS.items())
def test_feed_query_count_does_not_grow(client, django_assert_num_queries, size, url, queries):
    build_feeds(size)

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert len(feedparser.parse(response.content).entries) == size * (2 if "notes" in url else 1)
