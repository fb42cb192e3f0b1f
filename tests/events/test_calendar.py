"""iCalendar files of public events, read back with the icalendar library."""

import datetime
import zoneinfo

import icalendar
import pytest

from tests.factories import EventFactory, TalkFactory, UserFactory
from tests.sample_journal import assert_nothing_private

pytestmark = pytest.mark.django_db

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def read_calendar(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert_nothing_private(response.content.decode())
    return response, icalendar.Calendar.from_ical(response.content)


def entries(calendar):
    return {str(entry["SUMMARY"]): entry for entry in calendar.walk("VEVENT")}


def test_site_calendar_holds_public_events_as_all_day_entries(client, shared_journal):
    response, calendar = read_calendar(client, "/calendar.ics")

    assert response["Content-Disposition"] == 'inline; filename="confjournal.ics"'
    found = entries(calendar)
    assert sorted(found) == ["NeurIPS 2022", "NeurIPS 2022 › Expo day"]  # a day with its conference
    neurips = found["NeurIPS 2022"]
    assert (neurips.start, neurips.end) == (datetime.date(2022, 11, 28), datetime.date(2022, 12, 2))
    assert (
        str(neurips["LOCATION"])
        == "Ernest N. Morial Convention Center, New Orleans, United States of America"
    )
    assert str(neurips["URL"]) == "http://testserver/events/neurips-2022/"
    assert str(neurips["UID"]) == f"event-{shared_journal['neurips'].pk}@testserver"
    assert neurips.categories == ["pruning"]


def test_event_calendar_holds_the_event_its_days_and_attended_talks(client, shared_journal):
    _response, calendar = read_calendar(client, "/events/neurips-2022/calendar.ics")

    found = entries(calendar)
    assert sorted(found) == [
        "NeurIPS 2022",
        "NeurIPS 2022 › Expo day",
        "The Forward-Forward Algorithm — Geoffrey Hinton",
        "트랜스포머 경량화 — Sebastian Seung, Geoffrey Hinton",
    ]  # not the programme talk nobody attended
    korean = found["트랜스포머 경량화 — Sebastian Seung, Geoffrey Hinton"]
    assert korean.start == datetime.datetime(2022, 11, 28, 11, 30, tzinfo=CHICAGO)
    assert korean.end == datetime.datetime(2022, 11, 28, 12, 0, tzinfo=CHICAGO)
    assert korean["DTSTART"].params["TZID"] == "America/Chicago"
    assert str(korean["DESCRIPTION"]) == "압축과 *양자화*"
    assert [tz.tz_name for tz in calendar.timezones] == ["America/Chicago"]
    assert str(calendar["X-WR-CALNAME"]) == "NeurIPS 2022"


def test_calendar_uids_stay_the_same_between_downloads(client, shared_journal):
    first = client.get("/events/neurips-2022/calendar.ics").content
    second = client.get("/events/neurips-2022/calendar.ics").content

    assert first == second


def test_private_event_calendar_is_404_even_for_its_owner(client, shared_journal):
    client.force_login(shared_journal["owner"])

    assert client.get("/events/closed-defence/calendar.ics").status_code == 404
    _response, calendar = read_calendar(client, "/calendar.ics")
    assert sorted(entries(calendar)) == ["NeurIPS 2022", "NeurIPS 2022 › Expo day"]


def test_talk_past_midnight_ends_the_next_day(client):
    event = EventFactory(slug="late", time_zone="America/Chicago")
    TalkFactory(
        event=event,
        title="Late social",
        start_time=datetime.time(23, 30),
        end_time=datetime.time(0, 30),
    )

    _response, calendar = read_calendar(client, "/events/late/calendar.ics")

    social = entries(calendar)["Late social"]
    assert social.end - social.start == datetime.timedelta(hours=1)


def test_long_korean_text_with_special_characters_reads_back_whole(client):
    """Lines over 75 octets are folded between characters; commas, semicolons,
    backslashes and line breaks are escaped, and all of it reads back as written."""
    summary = "포스터 세션, 둘째 날; 경량화\\양자화 — " + "트랜스포머 경량화 " * 20 + "\n끝."
    # Pasted from elsewhere: a lone carriage return and a control character.
    pasted = summary + "\r추신\x01."
    event = EventFactory(
        name="삼성 AI 포럼 2022; 코엑스, 서울", slug="saif", summary=pasted, city="서울"
    )
    event.tags.add("경량화", "a,b")
    TalkFactory(
        event=event,
        title="기조연설: " + "긴 제목 " * 30,
        room="Hall D, 3F",
        start_time=datetime.time(9, 0),
    )

    response, calendar = read_calendar(client, "/events/saif/calendar.ics")

    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))
    found = entries(calendar)
    forum = found["삼성 AI 포럼 2022; 코엑스, 서울"]
    assert str(forum["DESCRIPTION"]) == summary + "\n추신."
    assert sorted(forum.categories) == ["a,b", "경량화"]
    talk = found["기조연설: " + "긴 제목 " * 30]
    assert str(talk["LOCATION"]) == "Hall D, 3F"
    assert talk.start.tzinfo is not None and talk.start.hour == 9


def build_calendar(size):
    owner = UserFactory(username="owner")
    parent = EventFactory(slug="parent", owner=owner)
    for i in range(size):
        event = EventFactory(slug=f"event-{i}", owner=owner, parent=parent if i else None)
        event.tags.add("topic", f"topic-{i}")
        for _ in range(2):
            TalkFactory(event=parent, start_time=datetime.time(9 + i % 8, 0))


@pytest.mark.parametrize("size", [2, 6])
@pytest.mark.parametrize(
    # Each with the journal version for its ETag first.
    ("url", "queries"),
    [("/calendar.ics", 3), ("/events/parent/calendar.ics", 6)],
)
def test_calendar_query_count_does_not_grow(client, django_assert_num_queries, size, url, queries):
    build_calendar(size)

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert len(icalendar.Calendar.from_ical(response.content).walk("VEVENT")) > size
