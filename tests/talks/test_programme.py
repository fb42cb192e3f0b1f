"""Importing a conference programme: the real pretalx export in its three formats.

The files in tests/data/pretalx-neurips22 were written by pretalx itself;
tests that need a changed programme change a copy of them.
"""

import copy
import datetime
import html as htmllib
import io
import json
import re
import sys
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from confjournal.exchange.programme import import_programme, parse_programme
from events.models import Event, Tag, TaggedItem
from talks.models import Note, Speaker, Talk, TalkSpeaker
from tests.datafiles import data_file
from tests.factories import EventFactory, NoteFactory, PaperFactory, SpeakerFactory, TalkFactory

pytestmark = pytest.mark.django_db

FIRST_KOREAN_GUID = "485bd64a-4388-5160-8b4a-75f98cec6d7a"


def run(*args):
    """Run import_schedule; (stdout, stderr) as text."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_schedule", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def talk_rows(event):
    """What the journal holds about an event's talks, comparable across imports."""
    talks = Talk.objects.filter(event=event).with_speakers().prefetch_related("tags")
    return {
        (
            talk.title,
            tuple(speaker.name for speaker in talk.speaker_list),
            talk.date,
            talk.start_time,
            talk.end_time,
            talk.room,
            talk.abstract,
        )
        for talk in talks
    }


def database_state():
    """Every row an import could touch, to show that a failed one touched nothing."""
    return (
        list(Event.objects.order_by("pk").values()),
        list(Talk.objects.order_by("pk").values()),
        list(Speaker.objects.order_by("pk").values()),
        list(TalkSpeaker.objects.order_by("pk").values()),
        list(Tag.objects.order_by("pk").values()),
        list(TaggedItem.objects.order_by("pk").values()),
        list(Note.objects.order_by("pk").values()),
    )


# --------------------------------------------------------------------------- the real file


def test_import_schedule_xml_brings_in_the_whole_programme_unattended(neurips, pretalx):
    out, err = run(pretalx("schedule.xml"), "--event", "neurips-2022")

    assert out.splitlines()[0] == (
        "Imported frab XML into NeurIPS 2022: 300 new talks, 0 updated, 0 unchanged, "
        "0 withdrawn and removed, 0 withdrawn but kept, 228 new speakers."
    )
    assert err == ""  # no progress bar when stderr is not a terminal
    talks = Talk.objects.filter(event=neurips)
    assert talks.count() == 300
    assert not talks.filter(attended=True).exists()
    # 360 speaker slots; pretalx's 288 people share 228 names, and names are what we match on.
    assert TalkSpeaker.objects.filter(talk__event=neurips).count() == 360
    assert Speaker.objects.count() == 228
    two = [t for t in talks.with_speakers() if len(t.speaker_list) == 2]
    assert len(two) == 60
    assert len([t for t in talks if re.search("[가-힣]", t.title)]) == 25

    first = talks.with_speakers().prefetch_related("tags").get(external_id=FIRST_KOREAN_GUID)
    assert first.title == "트랜스포머 경량화"
    assert [s.name for s in first.speaker_list] == ["승현준", "Tara Müller"]
    assert (first.room, first.date, first.start_time, first.end_time) == (
        "Hall A",
        datetime.date(2022, 11, 28),
        datetime.time(11, 30),
        datetime.time(12, 0),
    )
    assert first.abstract == "We study 트랜스포머 경량화 and report results on standard benchmarks."
    assert first.kind == Talk.Kind.ORAL
    assert [tag.name for tag in first.tags.all()] == ["Optimization"]


def test_three_formats_give_the_same_talks_speakers_and_times(pretalx):
    rows = {}
    for name in ("schedule.xml", "schedule.json", "schedule.ics"):
        event = EventFactory(
            slug=name.replace(".", "-"),
            start_date=datetime.date(2022, 11, 28),
            end_date=datetime.date(2022, 12, 1),
            time_zone="America/Chicago",
        )
        report = import_programme(event, parse_programme(pretalx(name).read_bytes()))
        assert len(report.created) == 300
        rows[name] = talk_rows(event)

    assert len(rows["schedule.xml"]) == 300
    assert rows["schedule.xml"] == rows["schedule.json"] == rows["schedule.ics"]
    # The second and third imports found every speaker the first one made.
    assert Speaker.objects.count() == 228


def test_pretalx_json_validates_against_the_frab_schema(pretalx):
    schema = json.loads(data_file("frab-schema", "schema.json").read_text())
    document = json.loads(pretalx("schedule.json").read_text())

    jsonschema.Draft6Validator(schema).validate(document)


def schema2_document(schedule):
    """The pretalx schema.json export rewritten in the draft schema2.json's flat shape."""
    conference = schedule["schedule"]["conference"]
    rooms = {room["name"]: room["guid"] for room in conference["rooms"]}
    tracks = {track["name"]: track["slug"] for track in conference["tracks"]}
    events = []
    for day in conference["days"]:
        for room, talks in day["rooms"].items():
            for talk in talks:
                start = datetime.datetime.fromisoformat(talk["date"])
                hours, minutes = map(int, talk["duration"].split(":"))
                events.append(
                    {
                        "guid": talk["guid"],
                        "code": talk["code"],
                        "start": talk["date"],
                        "end": (
                            start + datetime.timedelta(hours=hours, minutes=minutes)
                        ).isoformat(),
                        "room": {"guid": rooms[room]},
                        "slug": talk["slug"],
                        "url": talk["url"],
                        "title": talk["title"],
                        "subtitle": talk["subtitle"],
                        "track": {"slug": tracks[talk["track"]]},
                        "type": "TALK",
                        "language": talk["language"],
                        "abstract": talk["abstract"],
                        "description": talk["description"],
                        "participants": [
                            {"name": person["public_name"], "guid": person["guid"]}
                            for person in talk["persons"]
                        ],
                        "links": [],
                    }
                )
    return {
        "$schema": "https://c3voc.de/schema/schedule2",
        "schedule": {
            "version": schedule["schedule"]["version"],
            "conference": {
                "acronym": conference["acronym"],
                "title": conference["title"],
                "start": conference["days"][0]["day_start"],
                "end": conference["days"][-1]["day_end"],
                "time_zone_name": conference["time_zone_name"],
                "rooms": [{"name": name, "guid": guid} for name, guid in rooms.items()],
                "tracks": [{"name": n, "slug": s} for n, s in tracks.items()],
                "days": [
                    {
                        "index": day["index"],
                        "date": day["date"],
                        "start": day["day_start"],
                        "end": day["day_end"],
                    }
                    for day in conference["days"]
                ],
            },
            "events": events,
        },
    }


def test_flat_schema2_json_is_detected_and_gives_the_same_talks(neurips, pretalx, tmp_path):
    document = schema2_document(json.loads(pretalx("schedule.json").read_text()))
    schema = json.loads(data_file("frab-schema", "schema2.json").read_text())
    jsonschema.Draft6Validator(schema).validate(document)
    path = tmp_path / "schedule2.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    out, _err = run(path, "--event", "neurips-2022")

    assert out.startswith("Imported schedule JSON (schema2) into NeurIPS 2022: 300 new talks")
    reference = EventFactory(
        slug="reference",
        start_date=neurips.start_date,
        end_date=neurips.end_date,
        time_zone="America/Chicago",
    )
    import_programme(reference, parse_programme(pretalx("schedule.xml").read_bytes()))
    assert talk_rows(neurips) == talk_rows(reference)
    # The track came from its slug ("9-theory") through the conference's list of tracks.
    first = Talk.objects.prefetch_related("tags").get(event=neurips, external_id=FIRST_KOREAN_GUID)
    assert [tag.name for tag in first.tags.all()] == ["Optimization"]


def test_programme_time_zone_replaces_the_events_default(pretalx):
    event = EventFactory(
        slug="seoul-default",
        start_date=datetime.date(2022, 11, 28),
        end_date=datetime.date(2022, 12, 1),
    )
    assert event.time_zone == "Asia/Seoul"

    out, _err = run(pretalx("schedule.json"), "--event", "seoul-default")

    assert "Time zone of the event: Asia/Seoul → America/Chicago (from the programme)" in out
    event.refresh_from_db()
    assert event.time_zone == "America/Chicago"
    first = Talk.objects.get(external_id=FIRST_KOREAN_GUID)
    assert (first.date, first.start_time) == (datetime.date(2022, 11, 28), datetime.time(11, 30))


def test_icalendar_without_a_zone_name_is_converted_to_the_events_zone(pretalx):
    # The .ics names its zone "CST" only: its times are converted to the event's
    # zone, which here puts the programme's last day past the event's.
    EventFactory(
        slug="seoul-default",
        start_date=datetime.date(2022, 11, 28),
        end_date=datetime.date(2022, 12, 1),
    )
    with pytest.raises(CommandError) as error:
        run(pretalx("schedule.ics"), "--event", "seoul-default")

    assert str(error.value) == (
        "schedule.ics: The programme's days run from 2022-11-28 to 2022-12-02 (Asia/Seoul), "
        "outside the event's dates 2022-11-28 to 2022-12-01: pick the right event, or extend "
        "its dates to the programme's (the import form's box, or --extend-dates)."
    )
    assert not Talk.objects.exists()


def test_extend_dates_grows_the_event_to_the_programmes_days(pretalx):
    event = EventFactory(
        slug="seoul-default",
        start_date=datetime.date(2022, 11, 29),
        end_date=datetime.date(2022, 11, 30),
    )
    out, _err = run(pretalx("schedule.ics"), "--event", "seoul-default", "--extend-dates", "-v2")

    event.refresh_from_db()
    assert (event.start_date, event.end_date) == (
        datetime.date(2022, 11, 28),
        datetime.date(2022, 12, 2),
    )
    assert "Dates of the event: 2022-11-29 to 2022-11-30 → 2022-11-28 to 2022-12-02" in out
    assert Talk.objects.filter(event=event).count() == 300


# --------------------------------------------------------------------------- night sessions

LAST_DAY_GUID = "ba01de3b-2c4e-561b-bf44-7383b40cc88c"  # the first talk of 1 Dec, 09:00


def night_session(pretalx, tmp_path, name):
    """The programme in one format with the first talk of its last day (1 Dec) moved to
    00:30 in the night after it: pretalx and frab keep it on that day, which runs from
    04:00 to 03:59 the next morning."""
    night = "2022-12-02T00:30:00-06:00"
    path = tmp_path / name.replace("schema2", "schedule")
    if name == "schedule.xml":
        tree = ET.parse(pretalx(name))  # noqa: S314 - pretalx's own file
        talk = tree.find(f".//event[@guid='{LAST_DAY_GUID}']")
        talk.find("start").text, talk.find("date").text = "00:30", night
        tree.write(path, encoding="utf-8", xml_declaration=True)
        return path
    document = json.loads(pretalx("schedule.json").read_text())
    for room in document["schedule"]["conference"]["days"][3]["rooms"].values():
        for talk in room:
            if talk["guid"] == LAST_DAY_GUID:
                talk["start"], talk["date"], code = "00:30", night, talk["code"]
    if name == "schedule.json":
        path.write_text(json.dumps(document))
    elif name == "schema2.json":
        path.write_text(json.dumps(schema2_document(document)))
    else:  # the calendar: its entry for that talk, by the talk's code
        text = pretalx(name).read_text()
        entry = re.search(
            rf"BEGIN:VEVENT\r?\n(?:(?!END:VEVENT).)*?{code}@.*?END:VEVENT", text, re.S
        )
        moved = re.sub(
            r"DTSTART;TZID=([^:]+):\d{8}T\d{6}", r"DTSTART;TZID=\1:20221202T003000", entry.group(0)
        )
        moved = re.sub(r"DTEND;TZID=([^:]+):\d{8}T\d{6}", r"DTEND;TZID=\1:20221202T010000", moved)
        path.write_text(text.replace(entry.group(0), moved))
    return path


@pytest.mark.parametrize("name", ["schedule.xml", "schedule.json", "schema2.json", "schedule.ics"])
def test_a_night_session_stays_on_its_programme_day(client, neurips, pretalx, tmp_path, name):
    """The event has exactly the programme's dates; the talk at 00:30 after the last day is
    imported under that day, at its real time, and shown last on it."""
    run(night_session(pretalx, tmp_path, name), "--event", "neurips-2022")

    # (The calendar's ids are its own: the talk is found by its title.)
    title = ET.parse(pretalx("schedule.xml")).find(f".//event[@guid='{LAST_DAY_GUID}']/title")  # noqa: S314
    talk = Talk.objects.get(event=neurips, title=title.text)
    assert (talk.date, talk.start_time) == (datetime.date(2022, 12, 1), datetime.time(0, 30))
    assert talk.starts_at() == datetime.datetime(2022, 12, 2, 0, 30)
    on_the_day = list(Talk.objects.filter(event=neurips, date=datetime.date(2022, 12, 1)))
    assert on_the_day[-1] == talk and on_the_day[0].start_time >= datetime.time(4, 0)
    # Only attended talks are in the calendar: tick it first.
    Talk.objects.filter(pk=talk.pk).update(attended=True)
    calendar = client.get("/events/neurips-2022/calendar.ics").content.decode()
    assert "DTSTART;TZID=America/Chicago:20221202T003000" in calendar


def test_speakers_are_matched_by_another_spelling(neurips, pretalx):
    seung = SpeakerFactory(name="Sebastian Seung", slug="sebastian-seung", aliases="승현준")

    run(pretalx("schedule.xml"), "--event", "neurips-2022")

    first = Talk.objects.with_speakers().get(external_id=FIRST_KOREAN_GUID)
    assert [s.name for s in first.speaker_list] == ["Sebastian Seung", "Tara Müller"]
    assert not Speaker.objects.filter(name="승현준").exists()
    assert seung.talks.count() == Talk.objects.filter(speakers__name="Sebastian Seung").count() > 1


def test_talk_logged_by_hand_is_adopted_not_duplicated(neurips, pretalx):
    mine = TalkFactory(event=neurips, title="트랜스포머 경량화", date=None, rating=5)
    NoteFactory(event=neurips, talk=mine, owner=neurips.owner, body="압축 기법 메모")

    out, _err = run(pretalx("schedule.xml"), "--event", "neurips-2022")

    assert "299 new talks, 1 updated" in out
    mine.refresh_from_db()
    assert mine.external_id == FIRST_KOREAN_GUID
    assert (mine.attended, mine.rating, mine.room, mine.date) == (
        True,
        5,
        "Hall A",
        datetime.date(2022, 11, 28),
    )
    assert Talk.objects.filter(title="트랜스포머 경량화").count() == 1


# --------------------------------------------------------------------------- re-import


def test_reimporting_the_same_programme_changes_nothing(neurips, pretalx):
    run(pretalx("schedule.xml"), "--event", "neurips-2022")
    before = database_state()

    out, _err = run(pretalx("schedule.json"), "--event", "neurips-2022")

    assert out.splitlines()[0] == (
        "Imported frab/pretalx JSON into NeurIPS 2022: 0 new talks, 0 updated, 300 unchanged, "
        "0 withdrawn and removed, 0 withdrawn but kept, 0 new speakers."
    )
    assert database_state() == before


def newer_programme(pretalx):
    """schedule.json as the organisers republish it: a move, a retitle, drops and an addition.

    Returns the document and the talks (as the original file has them) that
    were moved, retitled, and dropped (three of them).
    """
    document = json.loads(pretalx("schedule.json").read_text())
    days = document["schedule"]["conference"]["days"]
    hall_a = days[0]["rooms"]["Hall A"]
    moved, retitled = copy.deepcopy(hall_a[0]), hall_a[1]
    dropped = [hall_a[2], hall_a[3], hall_a[5]]
    added = copy.deepcopy(hall_a[4])
    hall_a[:] = [talk for talk in hall_a if talk not in dropped and talk["guid"] != moved["guid"]]
    # Moved to day 2, 16:00 in Hall B.
    days[1]["rooms"]["Hall B"].append(
        {**moved, "date": "2022-11-29T16:00:00-06:00", "start": "16:00", "room": "Hall B"}
    )
    retitled["title"] = "Efficient Sparse MoE via Low-Rank Adapters (revised)"
    added.update(
        guid="00000000-0000-4000-8000-000000000301",
        title="Late-breaking: 한국어 LLM 평가",
        persons=[{"name": "새 연사", "public_name": "새 연사"}],
    )
    days[3]["rooms"]["Theater C"].append(added)
    return document, moved, retitled, dropped


def test_reimporting_a_newer_programme_keeps_notes_ratings_and_ticks(neurips, pretalx, tmp_path):
    run(pretalx("schedule.json"), "--event", "neurips-2022")
    document, moved, retitled, (dropped, dropped_ticked, dropped_paper) = newer_programme(pretalx)
    attended = Talk.objects.get(external_id=moved["guid"])
    attended.attended, attended.rating = True, 4
    attended.save()
    note = NoteFactory(event=neurips, talk=attended, owner=neurips.owner, body="좋은 발표")
    rated = Talk.objects.get(external_id=retitled["guid"])
    rated.rating = 3
    rated.save()
    ticked = Talk.objects.get(external_id=dropped_ticked["guid"])
    ticked.attended = True
    ticked.save()
    with_paper = Talk.objects.get(external_id=dropped_paper["guid"])
    PaperFactory(event=neurips, talk=with_paper, title="Its paper")
    path = tmp_path / "schedule-v2.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    out, _err = run(path, "--event", "neurips-2022")

    lines = [line for line in out.splitlines() if not line.startswith("Tick")]
    assert lines[0] == (
        "Imported frab/pretalx JSON into NeurIPS 2022: 1 new talk, 2 updated, 295 unchanged, "
        "1 withdrawn and removed, 2 withdrawn but kept, 1 new speaker."
    )
    assert sorted(lines[1:]) == sorted(
        [
            f"  ~ updated: {moved['title']} (room, time)",
            "  ~ updated: Efficient Sparse MoE via Low-Rank Adapters (revised) (title)",
            f"  - withdrawn, removed: {dropped['title']}",
            f"  ! withdrawn, kept (attended or annotated): {dropped_ticked['title']}",
            f"  ! withdrawn, kept (attended or annotated): {dropped_paper['title']}",
        ]
    )
    attended.refresh_from_db()
    assert (attended.date, attended.start_time, attended.room) == (
        datetime.date(2022, 11, 29),
        datetime.time(16, 0),
        "Hall B",
    )
    assert (attended.attended, attended.rating) == (True, 4)
    assert list(Note.objects.filter(talk=attended)) == [note]
    rated.refresh_from_db()
    assert (rated.title, rated.rating) == (
        "Efficient Sparse MoE via Low-Rank Adapters (revised)",
        3,
    )
    assert not Talk.objects.filter(external_id=dropped["guid"]).exists()
    assert Talk.objects.filter(pk__in=[ticked.pk, with_paper.pk]).count() == 2
    added = Talk.objects.with_speakers().get(external_id="00000000-0000-4000-8000-000000000301")
    assert (added.title, added.attended) == ("Late-breaking: 한국어 LLM 평가", False)
    assert [s.name for s in added.speaker_list] == ["새 연사"]
    assert Talk.objects.filter(event=neurips).count() == 300 - 1 + 1

    # Once more: nothing left to do, and the kept talks are still reported.
    out, _err = run(path, "--event", "neurips-2022")
    assert out.splitlines()[0] == (
        "Imported frab/pretalx JSON into NeurIPS 2022: 0 new talks, 0 updated, 298 unchanged, "
        "0 withdrawn and removed, 2 withdrawn but kept, 0 new speakers."
    )


def test_dry_run_lists_the_changes_and_writes_nothing(neurips, pretalx, tmp_path):
    run(pretalx("schedule.json"), "--event", "neurips-2022")
    document, moved, _retitled, _dropped = newer_programme(pretalx)
    path = tmp_path / "schedule-v2.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    before = database_state()

    out, _err = run(path, "--event", "neurips-2022", "--dry-run")

    assert out.splitlines()[0].startswith(
        "Dry run of frab/pretalx JSON into NeurIPS 2022 (nothing written): 1 new talk, 2 updated"
    )
    assert "  + new: Late-breaking: 한국어 LLM 평가" in out
    assert "  + new speaker: 새 연사" in out
    assert f"  ~ updated: {moved['title']} (room, time)" in out
    assert database_state() == before


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_shows_on_a_terminal_for_a_large_programme(neurips, pretalx, monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)

    call_command("import_schedule", str(pretalx("schedule.xml")), event="neurips-2022")

    bar = terminal.getvalue()
    assert "/300 [" in bar
    assert "talk/s" in bar


# --------------------------------------------------------------------------- bad files

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<schedule><conference><title>&lol3;</title></conference></schedule>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE schedule [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<schedule><day date="2022-11-28"><room name="A"><event guid="x"><title>&secret;</title>
</event></room></day></schedule>
"""
BAD_FILES = {
    "malformed.xml": (
        b"<schedule><day date='2022-11-28'><room name='A'></day></schedule>",
        "schedule.xml: The file is not well-formed XML (mismatched tag: line 1, column 50).",
    ),
    "bomb.xml": (
        BILLION_LAUGHS,
        "schedule.xml: The XML file declares entities (an entity bomb or an external entity); "
        "programme files never need them, so it is refused.",
    ),
    "external.xml": (
        EXTERNAL_ENTITY,
        "schedule.xml: The XML file declares entities (an entity bomb or an external entity); "
        "programme files never need them, so it is refused.",
    ),
    "not-frab.xml": (
        b"<rss version='2.0'><channel/></rss>",
        "schedule.xml: This XML file is not a frab schedule (its root element is <rss>).",
    ),
    "broken.json": (
        b'{"schedule": {"conference": ',
        "schedule.xml: The file is not valid JSON (line 1, column 29: Expecting value).",
    ),
    "wrong-shape.json": (
        b'{"events": [{"title": "A talk"}]}',
        'schedule.xml: This JSON is not a schedule: expected an object with "schedule" and '
        '"schedule.conference", as pretalx and frab write them.',
    ),
    "rooms-not-lists.json": (
        b'{"schedule": {"version": "1", "conference": {"days": [{"date": "2022-11-28", '
        b'"rooms": {"Hall A": "the keynote"}}]}}}',
        "schedule.xml: The room 'Hall A' of day 2022-11-28 is not a list of talks.",
    ),
    "deep.json": (
        b"[" * 200_000,
        "schedule.xml: The JSON file nests too deeply to be a programme (arrays in arrays …).",
    ),
    "deep-in-a-schedule.json": (
        b'{"schedule": {"conference": {"days": ' + b"[" * 200_000,
        "schedule.xml: The JSON file nests too deeply to be a programme (arrays in arrays …).",
    ),
    "deep.xml": (
        b"<schedule>" + b"<day>" * 200_000 + b"</day>" * 200_000 + b"</schedule>",
        "schedule.xml: The frab XML file holds no talks.",
    ),
    "empty": (b"", "schedule.xml: The file is empty."),
    "blank": (b" \n\t\n", "schedule.xml: The file is empty."),
    "unknown.png": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "schedule.xml: Unknown format: expected a frab schedule XML, a pretalx/frab schedule "
        "JSON or an iCalendar (.ics) file.",
    ),
    "broken.ics": (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART:not-a-date\r\n"
        b"UID:x\r\nSUMMARY:A\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        None,  # icalendar's own words follow
    ),
}


@pytest.fixture
def imported(neurips, pretalx):
    """NeurIPS with the programme in it, one talk attended and annotated."""
    run(pretalx("schedule.xml"), "--event", "neurips-2022")
    talk = Talk.objects.get(external_id=FIRST_KOREAN_GUID)
    talk.attended, talk.rating = True, 5
    talk.save()
    NoteFactory(event=neurips, talk=talk, owner=neurips.owner, body="메모")
    return neurips


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_file_is_one_line_error_and_leaves_the_database_as_it_was(imported, tmp_path, name):
    content, message = BAD_FILES[name]
    path = tmp_path / "schedule.xml"
    path.write_bytes(content)
    before = database_state()

    with pytest.raises(CommandError) as error:
        run(path, "--event", "neurips-2022")

    text = str(error.value)
    assert "\n" not in text
    if message is None:
        assert text.startswith("schedule.xml: The calendar entry x has a bad start or end (")
    else:
        assert text == message
    assert database_state() == before


def test_fifty_megabyte_file_is_refused_before_it_is_read(imported, tmp_path):
    path = tmp_path / "huge.json"
    with path.open("wb") as file:
        file.truncate(50 * 1024 * 1024)
    before = database_state()

    with pytest.raises(CommandError) as error:
        run(path, "--event", "neurips-2022")

    assert str(error.value) == (
        "huge.json: The file is 50.0 MB; a programme file can be at most 10.0 MB."
    )
    assert database_state() == before


def test_failure_after_the_first_write_rolls_everything_back(pretalx, tmp_path):
    # The time zone is written first; the dates check then fails: nothing stays.
    event = EventFactory(
        slug="too-short",
        start_date=datetime.date(2022, 11, 28),
        end_date=datetime.date(2022, 11, 29),
    )
    before = database_state()

    with pytest.raises(CommandError, match="outside the event's dates"):
        run(pretalx("schedule.json"), "--event", "too-short")

    assert database_state() == before
    event.refresh_from_db()
    assert event.time_zone == "Asia/Seoul"


def test_unknown_event_slug_is_one_line_error(db, pretalx):
    with pytest.raises(CommandError) as error:
        run(pretalx("schedule.xml"), "--event", "nope")
    assert str(error.value) == 'There is no event with the slug "nope".'


def test_duplicate_guid_in_the_programme_is_refused(imported, pretalx, tmp_path):
    document = json.loads(pretalx("schedule.json").read_text())
    hall_a = document["schedule"]["conference"]["days"][0]["rooms"]["Hall A"]
    hall_a[1]["guid"] = hall_a[0]["guid"]
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    before = database_state()

    with pytest.raises(CommandError) as error:
        run(path, "--event", "neurips-2022")

    assert str(error.value) == (
        f"schedule.json: The programme lists the id {hall_a[0]['guid']} twice."
    )
    assert database_state() == before


# --------------------------------------------------------------------------- the admin


def test_event_change_page_links_to_import_programme_and_recap(admin_client, neurips):
    html = admin_client.get(f"/admin/events/event/{neurips.pk}/change/").content.decode()

    assert f'href="/admin/events/event/{neurips.pk}/import-programme/"' in html
    assert f'href="/admin/talks/talk/?event__id__exact={neurips.pk}"' in html
    assert f'href="/admin/events/event/{neurips.pk}/recap.md"' in html


def test_admin_import_page_imports_and_sends_to_the_programme(admin_client, neurips, pretalx):
    page = admin_client.get(f"/admin/events/event/{neurips.pk}/import-programme/")
    html = page.content.decode()
    assert "<h1>Import programme</h1>" in html
    assert 'enctype="multipart/form-data"' in html and 'name="file"' in html
    upload = SimpleUploadedFile("schedule.ics", pretalx("schedule.ics").read_bytes())

    response = admin_client.post(
        f"/admin/events/event/{neurips.pk}/import-programme/", {"file": upload}, follow=True
    )

    assert response.redirect_chain == [(f"/admin/talks/talk/?event__id__exact={neurips.pk}", 302)]
    html = response.content.decode()
    assert "Imported iCalendar into NeurIPS 2022: 300 new talks" in html
    assert "Tick the talks you attended and press Save." in html
    assert "트랜스포머 경량화" in html
    assert Talk.objects.filter(event=neurips, attended=False).count() == 300


def test_admin_import_page_offers_to_extend_the_events_dates(admin_client, neurips, pretalx):
    Event.objects.filter(pk=neurips.pk).update(end_date=datetime.date(2022, 11, 30))
    url = f"/admin/events/event/{neurips.pk}/import-programme/"
    upload = SimpleUploadedFile("schedule.xml", pretalx("schedule.xml").read_bytes())
    text = htmllib.unescape(admin_client.post(url, {"file": upload}).content.decode())
    assert "outside the event's dates 2022-11-28 to 2022-11-30" in text
    assert "Extend the event's dates to the programme's days" in text
    assert not Talk.objects.exists()

    upload = SimpleUploadedFile("schedule.xml", pretalx("schedule.xml").read_bytes())
    response = admin_client.post(url, {"file": upload, "extend_dates": "on"}, follow=True)
    assert "Dates of the event: 2022-11-28 to 2022-11-30 → 2022-11-28 to 2022-12-01" in (
        response.content.decode()
    )
    neurips.refresh_from_db()
    assert neurips.end_date == datetime.date(2022, 12, 1)
    assert Talk.objects.filter(event=neurips).count() == 300


def test_admin_import_page_dry_run_lists_changes(admin_client, neurips, pretalx):
    upload = SimpleUploadedFile("schedule.xml", pretalx("schedule.xml").read_bytes())

    response = admin_client.post(
        f"/admin/events/event/{neurips.pk}/import-programme/", {"file": upload, "dry_run": "on"}
    )

    html = response.content.decode()
    assert "Dry run of frab XML into NeurIPS 2022 (nothing written): 300 new talks" in html
    assert "<li>+ new: 트랜스포머 경량화</li>" in html
    assert not Talk.objects.exists()


def test_admin_import_page_shows_the_bad_file_error_on_the_form(admin_client, imported):
    upload = SimpleUploadedFile("schedule.xml", BILLION_LAUGHS)
    before = database_state()

    response = admin_client.post(
        f"/admin/events/event/{imported.pk}/import-programme/", {"file": upload}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": [
            "The XML file declares entities (an entity bomb or an external entity); "
            "programme files never need them, so it is refused."
        ]
    }
    assert 'class="errorlist' in response.content.decode()
    assert database_state() == before


def test_admin_import_page_is_for_editors_only(client, contributor, neurips):
    client.force_login(contributor)

    response = client.get(f"/admin/events/event/{neurips.pk}/import-programme/")

    assert response.status_code == 403


def test_admin_programme_ticks_attended_in_one_go(admin_client, imported):
    url = f"/admin/talks/talk/?event__id__exact={imported.pk}&date__day=28&date__month=11"
    changelist = admin_client.get(url)
    rows = changelist.context["cl"].result_list
    assert len(rows) == 75  # one day of the programme on one page
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "_save": "Save",
    }
    chosen = {rows[0].pk, rows[1].pk}
    for index, talk in enumerate(rows):
        data[f"form-{index}-id"] = str(talk.pk)
        if talk.pk in chosen:
            data[f"form-{index}-attended"] = "on"

    response = admin_client.post(url, data)

    assert response.status_code == 302
    attended = set(Talk.objects.filter(event=imported, attended=True).values_list("pk", flat=True))
    assert attended == chosen


def test_admin_action_marks_selected_talks_attended(admin_client, imported):
    talks = list(Talk.objects.filter(event=imported, attended=False)[:3])

    response = admin_client.post(
        "/admin/talks/talk/",
        {"action": "mark_attended", "_selected_action": [t.pk for t in talks]},
        follow=True,
    )

    assert "3 talks marked attended." in response.content.decode()
    assert Talk.objects.filter(event=imported, attended=True).count() == 4


def test_programme_talks_count_only_once_attended(client, imported):
    timeline = client.get("/events/").content.decode()
    assert "1 talk" in timeline
    page = client.get("/events/neurips-2022/").content.decode()
    assert "299 more talks in the programme, not attended" in page
    speaker = Speaker.objects.get(name="Bob Park")
    assert (
        "Neural ODEs without Labels #1"
        not in client.get(speaker.get_absolute_url()).content.decode()
    )


def test_speaker_list_holds_only_speakers_of_attended_talks(client, imported):
    html = client.get("/speakers/").content.decode()

    assert "승현준" in html and "Tara Müller" in html
    assert "Bob Park" not in html  # only in talks of the programme nobody attended


@pytest.mark.parametrize("size", [3, 12])
def test_admin_programme_query_count_does_not_grow(
    admin_client, neurips, django_assert_num_queries, size
):
    speakers = [SpeakerFactory(slug=f"s-{i}") for i in range(2)]
    for _ in range(size):
        TalkFactory(event=neurips, attended=False, speakers=speakers).tags.add("Theory")

    with django_assert_num_queries(9):  # the rating filter lists 1 to 5 without a query
        response = admin_client.get(f"/admin/talks/talk/?event__id__exact={neurips.pk}")

    assert len(response.context["cl"].formset.forms) == size


def korean_night_programme(tmp_path):
    """A frab XML programme in pretalx's shape for a two-day forum in Seoul (12-13 July
    2023): a room named only in Korean, an emoji title, a four-hour workshop, a talk
    that spans midnight and one in the night after the last day."""
    source = ET.parse(data_file("pretalx-neurips22", "schedule.xml"))  # noqa: S314
    template = source.find(".//event")
    root = ET.Element("schedule")
    conference = ET.SubElement(root, "conference")
    ET.SubElement(conference, "title").text = "대한민국 인공지능 위크 2023"
    ET.SubElement(conference, "time_zone_name").text = "Asia/Seoul"
    talks = [
        # (programme day, guid, title, start, duration); a start before 04:00 is the night after
        ("2023-07-12", "g-workshop", "LLM 파인튜닝 워크숍", "14:00", "04:00"),
        ("2023-07-12", "g-midnight", "자정을 넘는 토론", "23:30", "01:00"),
        ("2023-07-13", "g-emoji", "🤖 로봇과 함께하는 밤", "20:00", "00:45"),
        ("2023-07-13", "g-night", "새벽 세션: 남은 질문들", "01:00", "00:30"),
    ]
    days = {}
    for day, guid, title, start, duration in talks:
        calendar_day = datetime.date.fromisoformat(day)
        if start < "04:00":
            calendar_day += datetime.timedelta(days=1)
        full = f"{calendar_day}T{start}:00+09:00"
        if day not in days:
            following = datetime.date.fromisoformat(day) + datetime.timedelta(days=1)
            element = ET.SubElement(
                root,
                "day",
                date=day,
                start=f"{day}T04:00:00+09:00",
                end=f"{following}T03:59:00+09:00",
            )
            days[day] = ET.SubElement(element, "room", name="그랜드볼룸")
        event = copy.deepcopy(template)
        event.set("guid", guid)
        for name, value in (("title", title), ("date", full), ("start", start)):
            event.find(name).text = value
        event.find("duration").text = duration
        event.find("room").text = "그랜드볼룸"
        days[day].append(event)
    path = tmp_path / "schedule.xml"
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path


def test_a_korean_two_day_programme_with_its_night_comes_in_whole(client, tmp_path):
    forum = EventFactory(
        name="대한민국 인공지능 위크 2023",
        slug="ai-week-2023",
        start_date=datetime.date(2023, 7, 12),
        end_date=datetime.date(2023, 7, 13),
        visibility="public",
    )
    out, _err = run(korean_night_programme(tmp_path), "--event", "ai-week-2023")

    assert "4 new talks" in out
    rows = {
        talk.external_id: (talk.date, talk.start_time, talk.end_time, talk.room)
        for talk in Talk.objects.filter(event=forum)
    }
    first, second, hall, at = (
        datetime.date(2023, 7, 12),
        datetime.date(2023, 7, 13),
        "그랜드볼룸",
        datetime.time,
    )
    assert rows == {
        "g-workshop": (first, at(14), at(18), hall),
        "g-midnight": (first, at(23, 30), at(0, 30), hall),
        "g-emoji": (second, at(20), at(20, 45), hall),
        "g-night": (second, at(1), at(1, 30), hall),
    }
    Talk.objects.filter(event=forum).update(attended=True)
    page = client.get("/events/ai-week-2023/").content.decode()
    # Under the second day: the evening talk, then the night after it.
    assert page.index("🤖 로봇과 함께하는 밤") < page.index("새벽 세션: 남은 질문들")
    calendar = client.get("/events/ai-week-2023/calendar.ics").content.decode()
    assert "DTSTART;TZID=Asia/Seoul:20230714T010000" in calendar
    assert "DTEND;TZID=Asia/Seoul:20230713T003000" in calendar  # past midnight
    # Importing it again changes nothing.
    assert (
        "0 new talks, 0 updated, 4 unchanged"
        in run(korean_night_programme(tmp_path), "--event", "ai-week-2023")[0]
    )
