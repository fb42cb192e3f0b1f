"""iCalendar (RFC 5545) files of events and their talks, written with `icalendar`.

An event is an all-day entry over its dates; a talk with a time is a timed
entry in its event's time zone (the VTIMEZONE goes in the file), a talk with
only a date an all-day one. Entries keep their UID from one download to the
next, so a calendar app updates them instead of adding copies.
"""

import datetime
import functools
import zoneinfo

import icalendar
from django.utils.translation import get_language
from django_countries.fields import Country

PRODID = "-//ConfJournal//Conference journal//EN"


def calendar(name, events=(), talks=(), *, host, absolute):
    """The iCalendar bytes of `events` and `talks`.

    `host` makes the UIDs unique to this site; `absolute` turns a path into a URL.
    Talks need `event` selected and their speakers prefetched (`with_speakers()`).
    """
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", icalendar.vText(" ".join(name.split())))
    for event in events:
        cal.add_component(_event_entry(event, host, absolute))
    for talk in talks:
        cal.add_component(_talk_entry(talk, host, absolute))
    cal.add_missing_timezones()
    return cal.to_ical()


@functools.lru_cache(maxsize=1024)
def _country_name(code, language):
    return Country(code).name if code else ""


def _place(event):
    country = _country_name(str(event.country or ""), get_language())
    return ", ".join(part for part in (event.venue, event.city, country) if part)


def _event_entry(event, host, absolute):
    entry = icalendar.Event()
    entry.add("uid", f"event-{event.pk}@{host}")
    entry.add("summary", event.full_name)
    entry.add("dtstart", event.start_date)
    # DTEND of an all-day entry is the day after the last one.
    entry.add("dtend", event.end_date + datetime.timedelta(days=1))
    entry.add("transp", "TRANSPARENT")
    if place := _place(event):
        entry.add("location", place)
    if event.summary:
        entry.add("description", event.summary)
    tags = [tag.name for tag in event.tags.all()]
    if tags:
        entry.add("categories", tags)
    entry.add("dtstamp", event.updated_at)
    entry.add("last-modified", event.updated_at)
    entry.add("url", absolute(event.get_absolute_url()))
    return entry


def _talk_entry(talk, host, absolute):
    entry = icalendar.Event()
    entry.add("uid", f"talk-{talk.pk}@{host}")
    speakers = ", ".join(speaker.name for speaker in talk.speaker_list)
    entry.add("summary", f"{talk.title} — {speakers}" if speakers else talk.title)
    zone = zoneinfo.ZoneInfo(talk.event.time_zone)
    if talk.date and talk.start_time:
        start = talk.starts_at().replace(tzinfo=zone)
        entry.add("dtstart", start)
        if talk.end_time:
            end = datetime.datetime.combine(start.date(), talk.end_time, tzinfo=zone)
            if end < start:  # runs past midnight
                end += datetime.timedelta(days=1)
            entry.add("dtend", end)
    elif talk.date:
        entry.add("dtstart", talk.date)
        entry.add("dtend", talk.date + datetime.timedelta(days=1))
    else:
        entry.add("dtstart", talk.event.start_date)
        entry.add("dtend", talk.event.end_date + datetime.timedelta(days=1))
    if talk.room:
        entry.add("location", talk.room)
    if talk.abstract:
        entry.add("description", talk.abstract)
    entry.add("dtstamp", talk.event.updated_at)
    entry.add("url", absolute(talk.get_absolute_url()))
    return entry
