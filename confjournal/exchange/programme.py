"""Importing a conference programme into an event: the parsers and the one write path.

A programme comes as frab schedule XML, frab/pretalx schedule JSON (the c3voc
`schema.json` shape with days and rooms, or the draft flat `schema2.json`
shape with `events[]`) or iCalendar; `parse_programme` tells them apart by
their content and turns any of them into `ProgrammeTalk`s. `import_programme`
then reconciles those with the event's talks in one transaction, matching
them by the programme's own id (the guid, kept in `Talk.external_id`):

- new talks come in with `attended` off: they are the programme, not yet the
  journal, until the user ticks what they went to;
- moved or retitled talks are updated; notes, ratings and ticks stay;
- talks gone from the programme are removed, unless someone attended or
  annotated them (notes, a rating, papers, "I gave this talk"): those are
  kept and reported.

Used by `manage.py import_schedule` and the event's "Import programme" page
in the admin; neither ever builds public output.
"""

import datetime
import functools
import hashlib
import json
import re
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

import icalendar
from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml import ElementTree as SafeElementTree
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from confjournal.core.tagging import TAG_MAX_LENGTH
from confjournal.core.text import make_slug, nfc
from events.models import Event, Tag, TaggedItem
from talks.models import DAY_CHANGE, Speaker, Talk, TalkSpeaker

MAX_BYTES = 10 * 1024 * 1024  # a 3,000-talk frab XML is about 4.5 MB
LARGE = 100  # talks: from here on a progress bar is worth showing

# The programme's talk types that name one of our kinds; any other type
# becomes a topic (and the kind "other").
KINDS = {
    "keynote": Talk.Kind.KEYNOTE,
    "invited": Talk.Kind.INVITED,
    "invited talk": Talk.Kind.INVITED,
    "talk": Talk.Kind.ORAL,
    "lecture": Talk.Kind.ORAL,
    "oral": Talk.Kind.ORAL,
    "contributed talk": Talk.Kind.ORAL,
    "presentation": Talk.Kind.ORAL,
    "spotlight": Talk.Kind.SPOTLIGHT,
    "panel": Talk.Kind.PANEL,
    "panel discussion": Talk.Kind.PANEL,
    "discussion": Talk.Kind.PANEL,
    "tutorial": Talk.Kind.TUTORIAL,
    "workshop": Talk.Kind.WORKSHOP,
    "hands on": Talk.Kind.WORKSHOP,
    "expo": Talk.Kind.EXPO,
    "expo talk": Talk.Kind.EXPO,
    "demo": Talk.Kind.DEMO,
    "demonstration": Talk.Kind.DEMO,
    "lightning": Talk.Kind.LIGHTNING,
    "lightning talk": Talk.Kind.LIGHTNING,
    "meetup": Talk.Kind.MEETUP,
    "meetup talk": Talk.Kind.MEETUP,
}


class ProgrammeError(Exception):
    """A programme that cannot be imported; the message is one line for the user."""

    def __init__(self, message):
        super().__init__(" ".join(str(message).split()))


@dataclass
class ProgrammeTalk:
    """One talk as the programme file has it, before it meets the database."""

    external_id: str
    title: str
    start: datetime.datetime | None = None  # aware, or naive in the event's time zone
    end: datetime.datetime | None = None
    # The programme day it is on (a frab day, or an all-day calendar entry); None: the
    # day that began before its start (days change at 04:00, as in pretalx and frab).
    day: datetime.date | None = None
    room: str = ""
    abstract: str = ""
    type: str = ""
    track: str = ""
    speakers: list = field(default_factory=list)


@dataclass
class Programme:
    format: str
    talks: list
    time_zone: str = ""  # the IANA zone the file declares, if it names one
    title: str = ""


# --------------------------------------------------------------------------- parsing


def parse_programme(data):
    """A `Programme` from the bytes of a programme file, whatever its format."""
    check_size(len(data))
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:64]
    if not head:
        raise ProgrammeError(_("The file is empty."))
    if head.startswith(b"<"):
        programme = parse_frab_xml(data)
    elif head.startswith((b"{", b"[")):
        programme = parse_schedule_json(data)
    elif head.upper().startswith(b"BEGIN:VCALENDAR"):
        programme = parse_icalendar(data)
    else:
        raise ProgrammeError(
            _(
                "Unknown format: expected a frab schedule XML, a pretalx/frab schedule JSON "
                "or an iCalendar (.ics) file."
            )
        )
    if not programme.talks:
        raise ProgrammeError(
            _("The %(format)s file holds no talks.") % {"format": programme.format}
        )
    seen = set()
    for talk in programme.talks:
        if talk.external_id in seen:
            raise ProgrammeError(
                _("The programme lists the id %(id)s twice.") % {"id": talk.external_id}
            )
        seen.add(talk.external_id)
    return programme


def check_size(size):
    """Refuse a file of `size` bytes before reading it, when it is too big to be a programme."""
    if size > MAX_BYTES:
        raise ProgrammeError(
            _("The file is %(size)s; a programme file can be at most %(limit)s.")
            % {"size": _megabytes(size), "limit": _megabytes(MAX_BYTES)}
        )


def _megabytes(size):
    return f"{size / 1024 / 1024:.1f} MB"


def _clean(text):
    return nfc((text or "").strip())


def _parse_datetime(text, what):
    try:
        return datetime.datetime.fromisoformat(text.strip())
    except (AttributeError, ValueError):
        raise ProgrammeError(
            _("%(what)s: %(value)r is not a date and time.") % {"what": what, "value": text}
        ) from None


_CLOCK = re.compile(r"^(\d+):(\d{2})(?::(\d{2}))?$")
_ISO_DURATION = re.compile(
    r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$", re.IGNORECASE
)


def _parse_day(text):
    """A programme day's date ("2023-07-12"), or None when it has none that reads."""
    try:
        return datetime.date.fromisoformat(str(text or "").strip()[:10])
    except ValueError:
        return None


def _parse_duration(text, what):
    """frab's "00:30" or "1:30:00", or ISO 8601's "PT30M"."""
    text = (text or "").strip()
    if not text:
        return None
    if match := _CLOCK.match(text):
        hours, minutes, seconds = (int(part or 0) for part in match.groups())
        return datetime.timedelta(hours=hours, minutes=minutes, seconds=seconds)
    if (match := _ISO_DURATION.match(text)) and text.upper() not in ("P", "PT"):
        days, hours, minutes, seconds = match.groups()
        return datetime.timedelta(
            days=int(days or 0),
            hours=int(hours or 0),
            minutes=int(minutes or 0),
            seconds=float(seconds or 0),
        )
    raise ProgrammeError(
        _("%(what)s: %(value)r is not a duration.") % {"what": what, "value": text}
    )


@functools.cache
def _zone_names():
    return zoneinfo.available_timezones()  # reads the zone files: once is enough


def _zone_name(name):
    """`name` when it is an IANA time zone name, else ""."""
    name = (name or "").strip()
    return name if name in _zone_names() else ""


def _external_id(value):
    """A programme id that fits `Talk.external_id`; long ones are hashed, never cut."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ProgrammeError(_("A talk's id is %(value)r, not a text.") % {"value": value})
    value = str(value).strip()
    if len(value) <= Talk._meta.get_field("external_id").max_length:
        return value
    return "sha1:" + hashlib.sha1(value.encode(), usedforsecurity=False).hexdigest()


# frab XML ----------------------------------------------------------------------------


def parse_frab_xml(data):
    try:
        root = SafeElementTree.fromstring(data)
    except EntitiesForbidden:
        raise ProgrammeError(
            _(
                "The XML file declares entities (an entity bomb or an external entity); "
                "programme files never need them, so it is refused."
            )
        ) from None
    except (DTDForbidden, DefusedXmlException):
        raise ProgrammeError(_("The XML file refers to outside resources; refused.")) from None
    except ParseError as error:
        raise ProgrammeError(
            _("The file is not well-formed XML (%(error)s).") % {"error": error}
        ) from None
    if root.tag != "schedule":
        raise ProgrammeError(
            _("This XML file is not a frab schedule (its root element is <%(tag)s>).")
            % {"tag": root.tag[:50]}
        )
    zone = _zone_name(root.findtext("conference/time_zone_name"))
    talks = []
    for day in root.findall("day"):
        day_date = day.get("date", "")
        day_start = day.get("start")
        for room in day.findall("room"):
            for event in room.findall("event"):
                talk = _frab_xml_talk(event, room.get("name", ""), day_date, day_start)
                talk.day = _parse_day(day_date)
                talks.append(talk)
    return Programme(
        format="frab XML",
        talks=talks,
        time_zone=zone,
        title=_clean(root.findtext("conference/title")),
    )


def _frab_xml_talk(event, room_name, day_date, day_start):
    external_id = event.get("guid") or event.get("id")
    title = _clean(event.findtext("title"))
    if not external_id:
        raise ProgrammeError(
            _("The talk %(title)r has neither a guid nor an id.") % {"title": title}
        )
    if not title:
        raise ProgrammeError(_("The talk %(id)s has no title.") % {"id": external_id})
    subtitle = _clean(event.findtext("subtitle"))
    what = _("talk %(id)s") % {"id": external_id}
    start = _frab_start(event.findtext("date"), event.findtext("start"), day_date, day_start, what)
    duration = _parse_duration(event.findtext("duration"), what)
    abstract = _clean(event.findtext("abstract")) or _clean(event.findtext("description"))
    return ProgrammeTalk(
        external_id=_external_id(external_id),
        title=f"{title}: {subtitle}" if subtitle else title,
        start=start,
        end=start + duration if start and duration else None,
        room=_clean(event.findtext("room")) or _clean(room_name),
        abstract=abstract,
        type=_clean(event.findtext("type")),
        track=_clean(event.findtext("track")),
        speakers=[_clean(p.text) for p in event.iterfind("persons/person") if _clean(p.text)],
    )


def _frab_start(full, clock, day_date, day_start, what):
    """A talk's start: its full `date`, else its day's date and its `start` clock time.

    A frab day may run past midnight (pretalx's run from 04:00 to 03:59): a clock time
    earlier than the day's own start belongs to the next calendar day.
    """
    if full and full.strip():
        return _parse_datetime(full, what)
    if not (clock and clock.strip() and day_date):
        return None
    start = _parse_datetime(f"{day_date}T{clock.strip()}", what)
    if day_start:
        opening = _parse_datetime(day_start, what)
        if start.time() < opening.replace(tzinfo=None).time():
            start += datetime.timedelta(days=1)
        if opening.tzinfo is not None:
            start = start.replace(tzinfo=opening.tzinfo)
    return start


# schedule JSON -----------------------------------------------------------------------


def parse_schedule_json(data):
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ProgrammeError(_("The JSON file is not UTF-8 text.")) from None
    except RecursionError:
        raise ProgrammeError(
            _("The JSON file nests too deeply to be a programme (arrays in arrays …).")
        ) from None
    except json.JSONDecodeError as error:
        raise ProgrammeError(
            _("The file is not valid JSON (line %(line)d, column %(column)d: %(message)s).")
            % {"line": error.lineno, "column": error.colno, "message": error.msg}
        ) from None
    schedule = document.get("schedule") if isinstance(document, dict) else None
    conference = schedule.get("conference") if isinstance(schedule, dict) else None
    if not isinstance(conference, dict):
        raise ProgrammeError(
            _(
                'This JSON is not a schedule: expected an object with "schedule" and '
                '"schedule.conference", as pretalx and frab write them.'
            )
        )
    try:
        if isinstance(schedule.get("events"), list):
            return _schema2_programme(schedule, conference)
        if isinstance(conference.get("days"), list):
            return _schema1_programme(conference)
    except (AttributeError, KeyError, TypeError) as error:
        raise ProgrammeError(
            _("The schedule JSON has an unexpected shape (%(error)s).") % {"error": error}
        ) from None
    raise ProgrammeError(
        _(
            'The schedule JSON has neither "conference.days" (schema.json) nor '
            '"events" (schema2.json).'
        )
    )


def _require_dict(value, what):
    if not isinstance(value, dict):
        raise ProgrammeError(_("%(what)s is not a JSON object.") % {"what": what})
    return value


def _text(value, language=""):
    """A LocalizableString (text, null or {"en": …, "ko": …}) as one text."""
    if isinstance(value, dict):
        for key in (language, "en", *sorted(value)):
            if key and isinstance(value.get(key), str):
                return _clean(value[key])
        return ""
    return _clean(value) if isinstance(value, str) else ""


def _schema1_programme(conference):
    """The c3voc schema.json shape: conference.days[].rooms{name: [event, …]}."""
    talks = []
    for index, day in enumerate(conference["days"]):
        day = _require_dict(day, f"conference.days[{index}]")
        rooms = _require_dict(day.get("rooms", {}), f"conference.days[{index}].rooms")
        for room_name, events in rooms.items():
            if not isinstance(events, list):
                raise ProgrammeError(
                    _("The room %(room)r of day %(day)s is not a list of talks.")
                    % {"room": room_name, "day": day.get("date", index)}
                )
            for event in events:
                event = _require_dict(event, _("a talk in %(room)r") % {"room": room_name})
                talk = _schema1_talk(event, room_name, day)
                talk.day = _parse_day(day.get("date"))
                talks.append(talk)
    return Programme(
        format="frab/pretalx JSON",
        talks=talks,
        time_zone=_zone_name(conference.get("time_zone_name")),
        title=_text(conference.get("title")),
    )


def _schema1_talk(event, room_name, day):
    external_id = event.get("guid") or event.get("id")
    title = _text(event.get("title"))
    if not external_id:
        raise ProgrammeError(
            _("The talk %(title)r has neither a guid nor an id.") % {"title": title}
        )
    if not title:
        raise ProgrammeError(_("The talk %(id)s has no title.") % {"id": external_id})
    what = _("talk %(id)s") % {"id": external_id}
    subtitle = _text(event.get("subtitle"))
    start = _frab_start(
        event.get("date"), event.get("start"), day.get("date"), day.get("day_start"), what
    )
    end = _parse_datetime(event["end"], what) if event.get("end") else None
    duration = _parse_duration(event.get("duration"), what)
    if end is None and start and duration:
        end = start + duration
    persons = event.get("persons") or []
    return ProgrammeTalk(
        external_id=_external_id(external_id),
        title=f"{title}: {subtitle}" if subtitle else title,
        start=start,
        end=end,
        room=_text(event.get("room")) or _clean(room_name),
        abstract=_text(event.get("abstract")) or _text(event.get("description")),
        type=_text(event.get("type")),
        track=_text(event.get("track")),
        speakers=[
            name
            for person in persons
            if (name := _text(person.get("public_name") or person.get("name")))
        ],
    )


def _schema2_programme(schedule, conference):
    """The draft schema2.json shape: a flat schedule.events[] with start and end."""
    rooms = {
        room.get("guid"): _text(room.get("name"))
        for room in conference.get("rooms") or []
        if isinstance(room, dict)
    }
    tracks = {
        track.get("slug"): _text(track.get("name"))
        for track in conference.get("tracks") or []
        if isinstance(track, dict)
    }
    language = (conference.get("defaults") or {}).get("language", "")
    talks = []
    for index, event in enumerate(schedule["events"]):
        event = _require_dict(event, f"schedule.events[{index}]")
        if str(event.get("type", "")).upper() in ("BREAK", "META"):
            continue  # breaks and meta entries are not talks
        talks.append(_schema2_talk(event, rooms, tracks, language))
    return Programme(
        format="schedule JSON (schema2)",
        talks=talks,
        time_zone=_zone_name(conference.get("time_zone_name")),
        title=_text(conference.get("title"), language),
    )


def _schema2_talk(event, rooms, tracks, language):
    external_id = event.get("guid")
    title = _text(event.get("title"), language)
    if not external_id:
        raise ProgrammeError(_("The talk %(title)r has no guid.") % {"title": title})
    if not title:
        raise ProgrammeError(_("The talk %(id)s has no title.") % {"id": external_id})
    what = _("talk %(id)s") % {"id": external_id}
    start = _parse_datetime(event["start"], what) if event.get("start") else None
    end = _parse_datetime(event["end"], what) if event.get("end") else None
    duration = _parse_duration(event.get("duration"), what)
    if end is None and start and duration:
        end = start + duration
    room = event.get("room") or {}
    if isinstance(room, dict):
        room = _text(room.get("name")) or rooms.get(room.get("guid"), "")
    track = event.get("track") or {}
    if isinstance(track, dict):
        slug = track.get("slug") or ""
        # Track slugs may start with a number ("7-deep-learning"): prefer the name.
        track = _text(track.get("name")) or tracks.get(slug) or re.sub(r"^\d+-", "", slug)
    subtitle = _text(event.get("subtitle"), language)
    return ProgrammeTalk(
        external_id=_external_id(external_id),
        title=f"{title}: {subtitle}" if subtitle else title,
        start=start,
        end=end,
        room=_text(room),
        abstract=_text(event.get("abstract"), language)
        or _text(event.get("description"), language),
        type=_text(event.get("type")).replace("_", " ").capitalize(),
        track=_text(track),
        speakers=[
            name
            for person in event.get("participants") or []
            if isinstance(person, dict) and (name := _text(person.get("name")))
        ],
    )


# iCalendar ---------------------------------------------------------------------------


def parse_icalendar(data):
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise ProgrammeError(
            _("The file is not a valid iCalendar file (%(error)s).") % {"error": error}
        ) from None
    # pretalx writes "Title - Speaker, Speaker" as the summary.
    from_pretalx = "pretalx" in str(calendar.get("PRODID", "")).lower()
    zone = _zone_name(str(calendar.get("X-WR-TIMEZONE", "")))
    talks = []
    for component in calendar.walk("VEVENT"):
        if str(component.get("STATUS", "")).upper() == "CANCELLED":
            continue
        talk = _ical_talk(component, from_pretalx)
        zone = zone or _ical_zone(component)
        talks.append(talk)
    return Programme(
        format="iCalendar",
        talks=talks,
        time_zone=zone,
        title=_clean(str(calendar.get("X-WR-CALNAME", ""))),
    )


def _ical_zone(component):
    start = component.get("DTSTART")
    return _zone_name(start.params.get("TZID", "")) if start is not None else ""


def _ical_talk(component, from_pretalx):
    summary = _clean(str(component.get("SUMMARY", "")))
    uid = _clean(str(component.get("UID", "")))
    if not uid:
        raise ProgrammeError(_("The calendar entry %(title)r has no UID.") % {"title": summary})
    speakers = []
    if from_pretalx and " - " in summary:
        summary, names = summary.rsplit(" - ", 1)
        speakers = [name.strip() for name in names.split(",") if name.strip()]
    if not summary:
        raise ProgrammeError(_("The calendar entry %(id)s has no summary.") % {"id": uid})
    try:
        start = component.start
        end = component.end
    except icalendar.IncompleteComponent:
        start = end = None
    except (ValueError, TypeError) as error:
        raise ProgrammeError(
            _("The calendar entry %(id)s has a bad start or end (%(error)s).")
            % {"id": uid, "error": error}
        ) from None
    day = None
    if isinstance(start, datetime.date) and not isinstance(start, datetime.datetime):
        day, start, end = start, None, None
    value = component.get("CATEGORIES")
    categories = []
    for entry in value if isinstance(value, list) else [value] if value else []:
        categories += [str(name) for name in getattr(entry, "cats", [entry])]
    if end == start:
        end = None
    return ProgrammeTalk(
        external_id=_external_id(uid),
        title=summary,
        start=start,
        end=end,
        day=day,
        room=_clean(str(component.get("LOCATION", ""))),
        abstract=_clean(str(component.get("DESCRIPTION", ""))),
        track=_clean(categories[0]) if categories else "",
        speakers=speakers,
    )


# --------------------------------------------------------------------------- importing


@dataclass
class ImportReport:
    """What an import changed (or, in a dry run, would change)."""

    programme: Programme
    event: Event
    dry_run: bool = False
    created: list = field(default_factory=list)  # titles
    updated: list = field(default_factory=list)  # (title, [what changed])
    unchanged: int = 0
    removed: list = field(default_factory=list)  # titles withdrawn and removed
    kept: list = field(default_factory=list)  # titles withdrawn, kept: attended or annotated
    new_speakers: list = field(default_factory=list)  # names
    time_zone: tuple | None = None  # (old, new) when the programme set the event's zone
    dates: tuple | None = None  # ((old start, end), (first, last day)) when it extended them

    @property
    def changed(self):
        return bool(
            self.created
            or self.updated
            or self.removed
            or self.new_speakers
            or self.time_zone
            or self.dates
        )

    def summary(self):
        """One line: what happened, in numbers."""
        parts = [
            ngettext("%(n)d new talk", "%(n)d new talks", len(self.created))
            % {"n": len(self.created)},
            ngettext("%(n)d updated", "%(n)d updated", len(self.updated))
            % {"n": len(self.updated)},
            ngettext("%(n)d unchanged", "%(n)d unchanged", self.unchanged) % {"n": self.unchanged},
            ngettext(
                "%(n)d withdrawn and removed", "%(n)d withdrawn and removed", len(self.removed)
            )
            % {"n": len(self.removed)},
            ngettext("%(n)d withdrawn but kept", "%(n)d withdrawn but kept", len(self.kept))
            % {"n": len(self.kept)},
            ngettext("%(n)d new speaker", "%(n)d new speakers", len(self.new_speakers))
            % {"n": len(self.new_speakers)},
        ]
        head = (
            _("Dry run of %(format)s into %(event)s (nothing written)")
            if self.dry_run
            else _("Imported %(format)s into %(event)s")
        ) % {"format": self.programme.format, "event": self.event.name}
        return f"{head}: " + ", ".join(parts) + "."

    def details(self, created=True):
        """The changes, one line each; new talks only when `created`."""
        lines = []
        if self.time_zone:
            lines.append(
                _("Time zone of the event: %(old)s → %(new)s (from the programme)")
                % {"old": self.time_zone[0], "new": self.time_zone[1]}
            )
        if self.dates:
            (start, end), (first, last) = self.dates
            lines.append(
                _("Dates of the event: %(start)s to %(end)s → %(first)s to %(last)s (its days)")
                % {"start": start, "end": end, "first": first, "last": last}
            )
        if created:
            lines += [_("+ new: %(title)s") % {"title": title} for title in self.created]
        lines += [
            _("~ updated: %(title)s (%(what)s)") % {"title": title, "what": ", ".join(what)}
            for title, what in self.updated
        ]
        lines += [_("- withdrawn, removed: %(title)s") % {"title": t} for t in self.removed]
        lines += [
            _("! withdrawn, kept (attended or annotated): %(title)s") % {"title": t}
            for t in self.kept
        ]
        if created:
            lines += [_("+ new speaker: %(name)s") % {"name": n} for n in self.new_speakers]
        return lines


def import_programme(event, programme, *, dry_run=False, extend_dates=False, progress=None):
    """Reconcile `event`'s talks with `programme`, in one transaction.

    Raises `ProgrammeError` (and writes nothing) when the programme's days fall outside
    the event's dates, unless `extend_dates`: then the event's dates grow to hold them.
    `progress(done, total)` is called as talks are handled. A dry run does all the work
    and then rolls it back.
    """
    try:
        with transaction.atomic():
            report = _Reconciler(event, programme, progress, extend_dates).run()
            report.dry_run = dry_run
            if dry_run:
                transaction.set_rollback(True)
    finally:
        event.refresh_from_db(fields=["time_zone", "start_date", "end_date", "updated_at"])
    return report


def _type_key(text):
    return re.sub(r"[\s_-]+", " ", text.lower()).strip()


def fold_name(name):
    """A name or title as compared: NFC, case-folded, single spaces."""
    return " ".join(nfc(name or "").casefold().split())


class _SpeakerIndex:
    """Speakers by every spelling (name first, then other spellings); new ones on demand."""

    def __init__(self, report):
        self.report = report
        self.by_name = {}
        speakers = list(Speaker.objects.order_by("id").only("id", "name", "slug", "aliases"))
        for speaker in speakers:
            self.by_name.setdefault(fold_name(speaker.name), speaker)
        for speaker in speakers:
            for alias in speaker.alias_list:
                self.by_name.setdefault(fold_name(alias), speaker)
        self.slugs = {speaker.slug for speaker in speakers}

    def get(self, name):
        key = fold_name(name)
        speaker = self.by_name.get(key)
        if speaker is None:
            name = " ".join(nfc(name).split())[: Speaker._meta.get_field("name").max_length]
            speaker = Speaker.objects.create(name=name, slug=self._slug(name))
            self.by_name[key] = speaker
            self.report.new_speakers.append(name)
        return speaker

    def _slug(self, name):
        base = make_slug(name, max_length=120, fallback="speaker")
        slug, n = base, 2
        while slug in self.slugs:
            suffix = f"-{n}"
            slug, n = base[: 120 - len(suffix)] + suffix, n + 1
        self.slugs.add(slug)
        return slug


class _Reconciler:
    """One import: match, update, create and withdraw talks of one event."""

    def __init__(self, event, programme, progress, extend_dates=False):
        # Two imports into one event at once would both create its talks.
        self.event = Event.objects.select_for_update().get(pk=event.pk)
        self.programme = programme
        self.progress = progress
        self.extend_dates = extend_dates
        self.report = ImportReport(programme=programme, event=event)

    def run(self):
        self._adopt_time_zone()
        zone = zoneinfo.ZoneInfo(self.event.time_zone)
        entries = [(talk, self._values(talk, zone)) for talk in self.programme.talks]
        self._check_dates([values["date"] for _talk, values in entries if values["date"]])
        self.speakers = _SpeakerIndex(self.report)
        self.tags = {}
        self.track_names = {
            fold_name(name) for talk, _values in entries for name in self._tag_names(talk)
        }
        existing = list(
            self.event.talks.annotate(
                note_count=Count("notes", distinct=True),
                paper_count=Count("papers", distinct=True),
            ).prefetch_related("talk_speakers", "tags")
        )
        matches = self._match(entries, existing)
        new_links, new_tags = [], []
        total = len(entries)
        for done, ((programme_talk, values), (talk, adopting)) in enumerate(
            zip(entries, matches, strict=True), 1
        ):
            if talk is None:
                talk = self._create(programme_talk, values, new_links, new_tags)
            else:
                self._update(talk, programme_talk, values, adopting)
            if self.progress:
                self.progress(done, total)
        TalkSpeaker.objects.bulk_create(new_links)
        TaggedItem.objects.bulk_create(new_tags)
        self._withdraw(existing, {talk.pk for talk, _adopting in matches if talk is not None})
        return self.report

    # -- the event

    def _adopt_time_zone(self):
        """The programme says where the event happens; the event's time zone follows it."""
        zone = self.programme.time_zone
        if zone and zone != self.event.time_zone:
            self.report.time_zone = (self.event.time_zone, zone)
            self.event.time_zone = zone
            self.event.save(update_fields=["time_zone", "updated_at"])

    def _check_dates(self, dates):
        """The programme's days must lie within the event's dates, or extend them."""
        if not dates:
            return
        first, last = min(dates), max(dates)
        event = self.event
        if first >= event.start_date and last <= event.end_date:
            return
        if self.extend_dates:
            self.report.dates = ((event.start_date, event.end_date), (first, last))
            event.start_date, event.end_date = (
                min(first, event.start_date),
                max(last, event.end_date),
            )
            event.save(update_fields=["start_date", "end_date", "updated_at"])
            return
        raise ProgrammeError(
            _(
                "The programme's days run from %(first)s to %(last)s (%(zone)s), outside "
                "the event's dates %(start)s to %(end)s: pick the right event, or extend "
                "its dates to the programme's (the import form's box, or --extend-dates)."
            )
            % {
                "first": first,
                "last": last,
                "zone": self.event.time_zone,
                "start": self.event.start_date,
                "end": self.event.end_date,
            }
        )

    # -- one talk

    def _values(self, talk, zone):
        """The Talk field values the programme gives, times local to the event."""
        date = talk.day
        start_time = end_time = None
        if talk.start is not None:
            start = talk.start
            local = start.astimezone(zone) if start.tzinfo else start
            start_time = local.time().replace(tzinfo=None)
            if date is None:  # the programme day that began before the talk
                date = local.date()
                if start_time < DAY_CHANGE:
                    date -= datetime.timedelta(days=1)
            if talk.end is not None:
                end = talk.end.astimezone(zone) if talk.end.tzinfo else talk.end
                end_time = end.time().replace(tzinfo=None)
        values = {
            "title": talk.title[: Talk._meta.get_field("title").max_length],
            "abstract": talk.abstract,
            "room": talk.room[: Talk._meta.get_field("room").max_length],
            "date": date,
            "start_time": start_time,
            "end_time": end_time,
        }
        if talk.type:
            # A file without types (iCalendar) leaves the kind as it is.
            values["kind"] = KINDS.get(_type_key(talk.type), Talk.Kind.OTHER)
        return values

    def _tag_names(self, talk):
        """The topics a talk gets from the programme: its track, and a type we have no kind for."""
        names = [talk.track]
        if talk.type and _type_key(talk.type) not in KINDS:
            names.append(talk.type)
        return [nfc(name)[:TAG_MAX_LENGTH] for name in names if name]

    def _tag(self, name):
        key = fold_name(name)
        if key not in self.tags:
            tag = Tag.objects.filter(name__iexact=name).first()
            self.tags[key] = tag or Tag.objects.create(name=name)
        return self.tags[key]

    def _match(self, entries, existing):
        """For each programme talk, (the existing talk, adopting?) or (None, False).

        By programme id first. A talk left over (logged by hand before the
        import, or imported from another file of the programme whose ids
        differ) is taken when exactly one has the same title; a hand-logged
        talk is adopted: only its blanks are filled in.
        """
        by_id = {talk.external_id: talk for talk in existing if talk.external_id}
        file_ids = {programme_talk.external_id for programme_talk, _values in entries}
        matches, claimed = [], set()
        for programme_talk, _values in entries:
            talk = by_id.get(programme_talk.external_id)
            matches.append((talk, False))
            if talk is not None:
                claimed.add(talk.pk)
        leftovers = defaultdict(list)
        for talk in existing:
            if talk.pk not in claimed and talk.external_id not in file_ids:
                leftovers[fold_name(talk.title)].append(talk)
        for index, (programme_talk, _values) in enumerate(entries):
            if matches[index][0] is not None:
                continue
            candidates = leftovers.get(fold_name(programme_talk.title), [])
            if len(candidates) == 1 and candidates[0].pk not in claimed:
                talk = candidates[0]
                claimed.add(talk.pk)
                matches[index] = (talk, not talk.external_id)
        return matches

    def _create(self, programme_talk, values, new_links, new_tags):
        values = {"kind": Talk.Kind.OTHER, **values}
        talk = Talk.objects.create(
            event=self.event, external_id=programme_talk.external_id, attended=False, **values
        )
        speakers = dict.fromkeys(self.speakers.get(name) for name in programme_talk.speakers)
        new_links += [
            TalkSpeaker(talk=talk, speaker=speaker, position=position)
            for position, speaker in enumerate(speakers)
        ]
        content_type = ContentType.objects.get_for_model(Talk)
        new_tags += [
            TaggedItem(tag=tag, content_type=content_type, object_id=talk.pk)
            for tag in dict.fromkeys(self._tag(name) for name in self._tag_names(programme_talk))
        ]
        self.report.created.append(talk.title)
        return talk

    def _update(self, talk, programme_talk, values, adopting):
        changed = []
        for name, value in values.items():
            current = getattr(talk, name)
            if adopting and (current not in (None, "") or value in (None, "")):
                continue  # a hand-logged talk keeps what the user wrote
            if current != value:
                setattr(talk, name, value)
                changed.append(name)
        what = [str(FIELD_LABELS[name]) for name in changed]
        if talk.external_id != programme_talk.external_id:
            talk.external_id = programme_talk.external_id
            changed.append("external_id")
        if changed:
            talk.save(update_fields=changed)
        speakers = list(dict.fromkeys(self.speakers.get(n) for n in programme_talk.speakers))
        current_speakers = [link.speaker_id for link in talk.talk_speakers.all()]
        if [s.pk for s in speakers] != current_speakers and not (adopting and current_speakers):
            talk.set_speakers(speakers)
            what.append(_("speakers"))
        if self._update_tags(talk, programme_talk, adopting):
            what.append(_("track"))
        if "external_id" in changed and not what:
            what.append(_("programme id"))
        if what:
            self.report.updated.append((talk.title, list(dict.fromkeys(what))))
        else:
            self.report.unchanged += 1

    def _update_tags(self, talk, programme_talk, adopting):
        """Track tags follow the programme; tags the user added stay."""
        wanted = {fold_name(name): name for name in self._tag_names(programme_talk)}
        current = {fold_name(tag.name): tag for tag in talk.tags.all()}
        stale = (
            []
            if adopting
            else [
                tag for key, tag in current.items() if key in self.track_names and key not in wanted
            ]
        )
        missing = [self._tag(name) for key, name in wanted.items() if key not in current]
        if stale:
            talk.tags.remove(*stale)
        if missing:
            talk.tags.add(*missing)
        return bool(stale or missing)

    def _withdraw(self, existing, matched):
        for talk in existing:
            if not talk.external_id or talk.pk in matched:
                continue
            annotated = (
                talk.attended
                or talk.is_mine
                or talk.rating is not None
                or talk.note_count
                or talk.paper_count
            )
            if annotated:
                self.report.kept.append(talk.title)
            else:
                self.report.removed.append(talk.title)
                talk.delete()


FIELD_LABELS = {
    "title": gettext_lazy("title"),
    "abstract": gettext_lazy("abstract"),
    "room": gettext_lazy("room"),
    "kind": gettext_lazy("kind"),
    "date": gettext_lazy("time"),
    "start_time": gettext_lazy("time"),
    "end_time": gettext_lazy("time"),
}
