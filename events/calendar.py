"""iCalendar (RFC 5545) files of events and their talks.

An event is an all-day entry over its dates; a talk with a time is a timed
entry in its event's time zone (the VTIMEZONE goes in the file), a talk with
only a date an all-day one. Entries keep their UID from one download to the
next, so a calendar app updates them instead of adding copies.

The entries are written here as text, a line per property: the `icalendar` library
builds an object per property, which for a journal's thousands of events cost many
times the page itself (docs/benchmarks.md). `icalendar` still writes each time zone's
VTIMEZONE (once per zone and process) and reads the files back in the tests.
"""

import datetime
import functools

import icalendar
from django.db.models import F
from django.utils.translation import get_language
from django_countries.fields import Country

from confjournal.core.lists import urls
from events.models import attach_topics

PRODID = "-//ConfJournal//Conference journal//EN"
# TEXT values escape these (RFC 5545, 3.3.11); a line break is written as \n, and the
# other control characters, which TEXT may not hold (a tab may stay), are left out.
_TEXT_ESCAPES = str.maketrans(
    {"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n"}
    | dict.fromkeys([*range(9), *range(11, 32), 127])
)


def text(value):
    lines = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return lines.translate(_TEXT_ESCAPES)


def fold(line):
    """A content line cut into lines of at most 75 octets, each after the first
    starting with a space (RFC 5545, 3.1), never inside a character."""
    if len(line) <= 75 and line.isascii():  # most lines: no need to count their octets
        return line
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # inside a UTF-8 character
            end -= 1
        parts.append(data[start:end].decode())
        start, limit = end, 74  # the leading space takes one octet
    return "\r\n ".join(parts)


def _date(value):
    return value.strftime("%Y%m%d")


def _utc(value):
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(name, events=(), talks=(), *, host, absolute):
    """The iCalendar bytes of `events` and `talks`.

    `host` makes the UIDs unique to this site; `absolute` turns a path into a URL.
    Events are those of `calendar_events`; talks need `event` selected and their
    speakers read (`attach_speakers()` or `with_speakers()`).
    """
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{text(' '.join(name.split()))}",
    ]
    entries, zones, language, url = [], set(), get_language(), urls()
    for event in events:
        entries += _event_lines(event, host, absolute, language, url)
    for talk in talks:
        entries += _talk_lines(talk, host, absolute, zones, url)
    head = "".join(fold(line) + "\r\n" for line in lines)
    # The time zones before the entries that name them, folded by icalendar already.
    zones = "".join(_vtimezone(zone) for zone in sorted(zones))
    body = "".join(fold(line) + "\r\n" for line in [*entries, "END:VCALENDAR"])
    return (head + zones + body).encode()


# What an event's entry shows: no other column is read, nor the parent's beyond its name.
ENTRY_FIELDS = ("name", "slug", "parent", "start_date", "end_date", "venue", "city", "country")
ENTRY_FIELDS += ("summary", "updated_at", "parent__name")


def calendar_events(events):
    """`events` (a queryset) as a list ready for `calendar`: only the fields an entry shows,
    and each event's `topics` read with `attach_topics` (one query of rows)."""
    # The country's code as it is stored: reading `event.country` makes a Country object.
    events = list(
        events.select_related("parent").only(*ENTRY_FIELDS).annotate(country_code=F("country"))
    )
    attach_topics(events)
    return events


@functools.lru_cache(maxsize=64)
def _vtimezone(zone):
    """The VTIMEZONE of `zone` as icalendar writes it (folded, each line ending CRLF)."""
    return icalendar.Timezone.from_tzid(zone).to_ical().decode()


@functools.lru_cache(maxsize=1024)
def _country_name(code, language):
    return Country(code).name if code else ""


def _place(event, language):
    country = _country_name(event.country_code or "", language)
    return ", ".join(part for part in (event.venue, event.city, country) if part)


def _event_lines(event, host, absolute, language, url):
    changed = _utc(event.updated_at)
    lines = [
        "BEGIN:VEVENT",
        f"UID:event-{event.pk}@{host}",
        f"SUMMARY:{text(event.full_name)}",
        f"DTSTART;VALUE=DATE:{_date(event.start_date)}",
        # DTEND of an all-day entry is the day after the last one.
        f"DTEND;VALUE=DATE:{_date(event.end_date + datetime.timedelta(days=1))}",
        "TRANSP:TRANSPARENT",
    ]
    if place := _place(event, language):
        lines.append(f"LOCATION:{text(place)}")
    if event.summary:
        lines.append(f"DESCRIPTION:{text(event.summary)}")
    if event.topics:
        lines.append(f"CATEGORIES:{','.join(text(topic.name) for topic in event.topics)}")
    lines += [
        f"DTSTAMP:{changed}",
        f"LAST-MODIFIED:{changed}",
        f"URL:{absolute(url('events:detail', event.slug))}",
        "END:VEVENT",
    ]
    return lines


def _talk_lines(talk, host, absolute, zones, url):
    speakers = ", ".join(speaker.name for speaker in talk.speaker_list)
    lines = [
        "BEGIN:VEVENT",
        f"UID:talk-{talk.pk}@{host}",
        f"SUMMARY:{text(f'{talk.title} — {speakers}' if speakers else talk.title)}",
    ]
    zone = talk.event.time_zone
    if talk.date and talk.start_time:
        start = talk.starts_at()
        zones.add(zone)
        lines.append(f"DTSTART;TZID={zone}:{start.strftime('%Y%m%dT%H%M%S')}")
        if talk.end_time:
            end = datetime.datetime.combine(start.date(), talk.end_time)
            if end < start:  # runs past midnight
                end += datetime.timedelta(days=1)
            lines.append(f"DTEND;TZID={zone}:{end.strftime('%Y%m%dT%H%M%S')}")
    else:
        event = talk.event
        first, last = (talk.date, talk.date) if talk.date else (event.start_date, event.end_date)
        lines += [
            f"DTSTART;VALUE=DATE:{_date(first)}",
            f"DTEND;VALUE=DATE:{_date(last + datetime.timedelta(days=1))}",
        ]
    if talk.room:
        lines.append(f"LOCATION:{text(talk.room)}")
    if talk.abstract:
        lines.append(f"DESCRIPTION:{text(talk.abstract)}")
    lines += [
        f"DTSTAMP:{_utc(talk.event.updated_at)}",
        f"URL:{absolute(url('talks:detail', talk.pk))}",
        "END:VEVENT",
    ]
    return lines
