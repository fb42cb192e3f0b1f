"""A small shared journal for the export tests (feeds, calendars, BibTeX, recaps, backups).

Private records carry PRIVATE_MARKERS in their text; an export for others
must contain none of them.
"""

import datetime

from tests.factories import (
    BoothFactory,
    EventFactory,
    NoteFactory,
    PaperFactory,
    SpeakerFactory,
    TalkFactory,
    UserFactory,
)

# Words only private records hold: none may appear in a feed, calendar, BibTeX or recap.
PRIVATE_MARKERS = ("PRIVATENOTEMARK", "COLLEAGUEMARK", "CLOSEDMARK", "QUIETMARK", "HIDDENMARK")


def build_shared_journal():
    """A journal with public records, and private ones carrying PRIVATE_MARKERS."""
    owner = UserFactory(username="minji", first_name="Minji", last_name="Kim")
    colleague = UserFactory(username="colleague")
    neurips = EventFactory(
        name="NeurIPS 2022",
        slug="neurips-2022",
        start_date=datetime.date(2022, 11, 28),
        end_date=datetime.date(2022, 12, 1),
        time_zone="America/Chicago",
        venue="Ernest N. Morial Convention Center",
        summary="Four days of **posters** and talks.",
        website="https://neurips.cc/Conferences/2022",
        owner=owner,
    )
    neurips.tags.add("pruning")
    expo = EventFactory(
        name="Expo day",
        slug="neurips-2022-expo",
        parent=neurips,
        time_zone="America/Chicago",
        start_date=datetime.date(2022, 11, 28),
        end_date=datetime.date(2022, 11, 28),
        owner=owner,
    )
    hinton = SpeakerFactory(name="Geoffrey Hinton", slug="geoffrey-hinton")
    seung = SpeakerFactory(name="Sebastian Seung", slug="sebastian-seung", aliases="승현준")
    forward = TalkFactory(
        event=neurips,
        title="The Forward-Forward Algorithm",
        speakers=[hinton],
        date=datetime.date(2022, 11, 29),
        start_time=datetime.time(10, 0),
        end_time=datetime.time(11, 0),
        room="Hall A",
        rating=5,
    )
    forward.tags.add("pruning")
    korean = TalkFactory(
        event=expo,
        title="트랜스포머 경량화",
        speakers=[seung, hinton],
        date=datetime.date(2022, 11, 28),
        start_time=datetime.time(11, 30),
        end_time=datetime.time(12, 0),
        room="Hall A",
        abstract="압축과 *양자화*",
    )
    programme = TalkFactory(event=neurips, title="A programme talk not attended", attended=False)
    paper = PaperFactory(
        event=neurips,
        title="Pruning R&D: 50% of $x_1$ {braces} #1 ~ \\ 트랜스포머 경량화",
        authors="Ada Lovelace\n승현준\nResearch and Development Team",
        arxiv_id="2206.09959",
        doi="10.1234/abc_def",
        url="https://openreview.net/forum?id=abc_123&x=1",
        talk=forward,
        session="#42",
    )
    paper.tags.add("pruning")
    booth = BoothFactory(
        event=neurips,
        organization="Samsung Research",
        location="Hall B, #12",
        showcase="On-device LLM demo",
        swag="T-shirt",
    )
    public_note = NoteFactory(
        event=neurips,
        talk=forward,
        owner=owner,
        title="Forward-Forward <b>&</b> me",
        body="**Bold** claim.\n\n<script>alert('x')</script> R&D, 벤지오 교수님의 강연",
        visibility="public",
    )
    public_note.tags.add("pruning")
    private_note = NoteFactory(
        event=neurips,
        talk=forward,
        owner=owner,
        title="Recruiter PRIVATENOTEMARK",
        body="The offer is 2x. PRIVATENOTEMARK",
        visibility="private",
    )
    colleague_private = NoteFactory(
        event=neurips, owner=colleague, title="Mine COLLEAGUEMARK", body="COLLEAGUEMARK"
    )
    colleague_public = NoteFactory(
        event=neurips,
        booth=booth,
        owner=colleague,
        title="Booth notes",
        body="Great demo.",
        visibility="public",
    )
    closed = EventFactory(
        name="Closed defence CLOSEDMARK",
        slug="closed-defence",
        start_date=datetime.date(2023, 3, 2),
        end_date=datetime.date(2023, 3, 3),
        visibility="private",
        owner=owner,
    )
    closed.tags.add("pruning", "secret-topic")
    quiet = SpeakerFactory(name="Colonel QUIETMARK", slug="quiet-speaker")
    TalkFactory(event=closed, title="Briefing CLOSEDMARK", speakers=[quiet, hinton])
    closed_paper = PaperFactory(event=closed, title="Result CLOSEDMARK")
    closed_paper.tags.add("pruning")
    hidden = NoteFactory(
        event=closed, owner=owner, title="Blog HIDDENMARK", body="HIDDENMARK", visibility="public"
    )
    hidden.tags.add("pruning")
    return {
        "owner": owner,
        "colleague": colleague,
        "neurips": neurips,
        "expo": expo,
        "hinton": hinton,
        "seung": seung,
        "quiet": quiet,
        "forward": forward,
        "korean": korean,
        "programme": programme,
        "paper": paper,
        "booth": booth,
        "public_note": public_note,
        "private_note": private_note,
        "colleague_private": colleague_private,
        "colleague_public": colleague_public,
        "closed": closed,
        "closed_paper": closed_paper,
        "hidden": hidden,
    }


def assert_nothing_private(text):
    found = [marker for marker in PRIVATE_MARKERS if marker in text]
    assert found == []
