"""Every export stays well-formed whatever was typed: the Big List of Naughty Strings.

Each line of tests/data/blns goes into the names, titles and texts of an
event's records; each feed, calendar, BibTeX file and recap is then read back
by an independent parser (feedparser, icalendar, bibtexparser), and must
parse without error.
"""

import datetime

import bibtexparser
import feedparser
import icalendar
import pytest

from events.models import Booth
from talks.models import Note, Paper, Talk
from tests.datafiles import blns_lines
from tests.factories import EventFactory, SpeakerFactory, UserFactory

pytestmark = pytest.mark.django_db
BATCH = 60


@pytest.fixture
def naughty_journal(db):
    owner = UserFactory(username="minji")
    lines = blns_lines()
    events = []
    batches = [lines[start : start + BATCH] for start in range(0, len(lines), BATCH)]
    for n, batch in enumerate(batches):
        text = "\n".join(batch)
        event = EventFactory(
            name=batch[0][:200] or f"event {n}",
            slug=f"naughty-{n}",
            summary=text,
            venue=batch[1][:200],
            owner=owner,
            start_date=datetime.date(2022, 11, 28),
        )
        event.tags.add(f"topic {n}")
        speaker = SpeakerFactory(name=batch[2][:200] or "x", slug=f"naughty-speaker-{n}")
        for line in batch:
            talk = Talk.objects.create(
                event=event,
                title=line[:300],
                room=line[:200],
                abstract=text,
                date=event.start_date,
                start_time=datetime.time(10, 0),
            )
            talk.set_speakers([speaker])
            paper = Paper.objects.create(event=event, title=line[:300], authors=text, talk=talk)
            paper.tags.add(f"topic {n}")
            Booth.objects.create(event=event, organization=line[:200], swag=line)
            note = Note.objects.create(
                event=event, owner=owner, visibility="public", title=line[:200], body=line
            )
            note.tags.add(f"topic {n}")
        events.append(event)
    return events


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content


def test_naughty_strings_leave_every_export_well_formed(client, naughty_journal):
    assert len(naughty_journal) >= 8
    feeds = ["/feeds/notes/", "/feeds/events/"]
    calendars = ["/calendar.ics"]
    bibtex = ["/papers.bib"]
    recaps = []
    for n, event in enumerate(naughty_journal):
        feeds += [f"/feeds/topics/topic-{n}/notes/", f"/feeds/speakers/naughty-speaker-{n}/events/"]
        calendars.append(f"/events/{event.slug}/calendar.ics")
        bibtex.append(f"/events/{event.slug}/papers.bib")
        recaps.append(f"/events/{event.slug}/recap.md")

    for url in feeds:
        feed = feedparser.parse(get(client, url))
        assert feed.bozo == 0, (url, feed.get("bozo_exception"))
        assert feed.entries, url
    for url in calendars:
        calendar = icalendar.Calendar.from_ical(get(client, url))
        assert calendar.walk("VEVENT"), url
    for url in bibtex:
        library = bibtexparser.parse_string(get(client, url).decode())
        assert library.failed_blocks == [], url
        assert library.entries, url
    for url in recaps:
        assert get(client, url).decode().startswith("# ")


def test_korean_and_emoji_survive_every_export(client, db):
    line = "벤지오 교수님의 강연 👩🏽‍🔬 «quoted» R&D 100%"
    event = EventFactory(slug="korean", owner=UserFactory(username="minji"))
    talk = Talk.objects.create(
        event=event, title=line, date=event.start_date, start_time=datetime.time(9, 0)
    )
    Paper.objects.create(event=event, title=line, authors="승현준")
    Note.objects.create(event=event, owner=event.owner, visibility="public", title=line, body=line)

    calendar = icalendar.Calendar.from_ical(get(client, f"/events/{event.slug}/calendar.ics"))
    assert line in [str(entry["SUMMARY"]) for entry in calendar.walk("VEVENT")]
    feed = feedparser.parse(get(client, "/feeds/notes/"))
    assert line in [entry.title for entry in feed.entries]
    library = bibtexparser.parse_string(
        get(client, f"/events/{event.slug}/papers.bib").decode(),
        append_middleware=[bibtexparser.middlewares.LatexDecodingMiddleware()],
    )
    assert line in [entry["title"] for entry in library.entries]
    assert (
        f"**[{line.replace('&', '&amp;')}]"
        in get(client, f"/events/{event.slug}/recap.md").decode()
    )
    assert talk.pk
