"""The small journals the tests share, built from common pieces.

- `build_shared_journal()`: for the export tests (feeds, calendars, BibTeX,
  recaps, backups). Private records carry PRIVATE_MARKERS in their text; an
  export for others must contain none of them.
- `build_page_journal()`: for the page tests (tests/test_pages.py): a forum with
  two days, NeurIPS, a Korean-named week, and a private event whose records all
  carry SECRET.

Both have NeurIPS 2022 with Hinton's Forward-Forward talk, Sebastian Seung
(승현준), and a private "closed-defence" event with a talk, a paper and a
public note that its event makes private: `neurips_2022`, `famous_speakers`,
`forward_forward` and `private_event` build those.
"""

import datetime

from tests import factories as make

# Words only private records hold: none may appear in a feed, calendar, BibTeX or recap.
PRIVATE_MARKERS = ("PRIVATENOTEMARK", "COLLEAGUEMARK", "CLOSEDMARK", "QUIETMARK", "HIDDENMARK")


# The page journal's private words: no public page may show them.
SECRET = "RECRUITER-SAID-XYZZY"
PRIVATE_EVENT = "Closed Defence Workshop QWERTY"


def neurips_2022(owner, **fields):
    return make.EventFactory(
        name="NeurIPS 2022",
        slug="neurips-2022",
        start_date=datetime.date(2022, 11, 28),
        end_date=datetime.date(2022, 12, 1),
        owner=owner,
        **fields,
    )


def famous_speakers():
    """Geoffrey Hinton, and Sebastian Seung with his Korean name as another spelling."""
    hinton = make.SpeakerFactory(name="Geoffrey Hinton", slug="geoffrey-hinton")
    seung = make.SpeakerFactory(name="Sebastian Seung", slug="sebastian-seung", aliases="승현준")
    return hinton, seung


def forward_forward(event, hinton, **fields):
    return make.TalkFactory(
        event=event, title="The Forward-Forward Algorithm", speakers=[hinton], **fields
    )


def private_event(owner, name, dates, talk, paper, note, booth=None):
    """A private event ("closed-defence") with a talk, a paper, maybe a booth, and a note
    marked public that the event makes private.

    `talk` is (title, speakers), `note` (title, body); returns the records by name.
    """
    closed = make.EventFactory(
        name=name,
        slug="closed-defence",
        start_date=dates[0],
        end_date=dates[-1],
        visibility="private",
        owner=owner,
    )
    records = {"closed": closed}
    records["closed_talk"] = make.TalkFactory(event=closed, title=talk[0], speakers=talk[1])
    records["closed_paper"] = make.PaperFactory(event=closed, title=paper)
    if booth:
        records["closed_booth"] = make.BoothFactory(event=closed, organization=booth)
    records["hidden"] = make.NoteFactory(
        event=closed, owner=owner, title=note[0], body=note[1], visibility="public"
    )
    return records


def build_shared_journal():
    """A journal with public records, and private ones carrying PRIVATE_MARKERS."""
    owner = make.UserFactory(username="minji", first_name="Minji", last_name="Kim")
    colleague = make.UserFactory(username="colleague")
    neurips = neurips_2022(
        owner,
        time_zone="America/Chicago",
        venue="Ernest N. Morial Convention Center",
        summary="Four days of **posters** and talks.",
        website="https://neurips.cc/Conferences/2022",
    )
    neurips.tags.add("pruning")
    expo = make.EventFactory(
        name="Expo day",
        slug="neurips-2022-expo",
        parent=neurips,
        time_zone="America/Chicago",
        start_date=datetime.date(2022, 11, 28),
        end_date=datetime.date(2022, 11, 28),
        owner=owner,
    )
    hinton, seung = famous_speakers()
    forward = forward_forward(
        neurips,
        hinton,
        date=datetime.date(2022, 11, 29),
        start_time=datetime.time(10, 0),
        end_time=datetime.time(11, 0),
        room="Hall A",
        rating=5,
    )
    forward.tags.add("pruning")
    korean = make.TalkFactory(
        event=expo,
        title="트랜스포머 경량화",
        speakers=[seung, hinton],
        date=datetime.date(2022, 11, 28),
        start_time=datetime.time(11, 30),
        end_time=datetime.time(12, 0),
        room="Hall A",
        abstract="압축과 *양자화*",
    )
    programme = make.TalkFactory(
        event=neurips, title="A programme talk not attended", attended=False
    )
    paper = make.PaperFactory(
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
    booth = make.BoothFactory(
        event=neurips,
        organization="Samsung Research",
        location="Hall B, #12",
        showcase="On-device LLM demo",
        swag="T-shirt",
    )
    public_note = make.NoteFactory(
        event=neurips,
        talk=forward,
        owner=owner,
        title="Forward-Forward <b>&</b> me",
        body="**Bold** claim.\n\n<script>alert('x')</script> R&D, 벤지오 교수님의 강연",
        visibility="public",
    )
    public_note.tags.add("pruning")
    private_note = make.NoteFactory(
        event=neurips,
        talk=forward,
        owner=owner,
        title="Recruiter PRIVATENOTEMARK",
        body="The offer is 2x. PRIVATENOTEMARK",
        visibility="private",
    )
    colleague_private = make.NoteFactory(
        event=neurips, owner=colleague, title="Mine COLLEAGUEMARK", body="COLLEAGUEMARK"
    )
    colleague_public = make.NoteFactory(
        event=neurips,
        booth=booth,
        owner=colleague,
        title="Booth notes",
        body="Great demo.",
        visibility="public",
    )
    quiet = make.SpeakerFactory(name="Colonel QUIETMARK", slug="quiet-speaker")
    private = private_event(
        owner,
        "Closed defence CLOSEDMARK",
        (datetime.date(2023, 3, 2), datetime.date(2023, 3, 3)),
        talk=("Briefing CLOSEDMARK", [quiet, hinton]),
        paper="Result CLOSEDMARK",
        note=("Blog HIDDENMARK", "HIDDENMARK"),
    )
    closed, closed_paper, hidden = private["closed"], private["closed_paper"], private["hidden"]
    closed.tags.add("pruning", "secret-topic")
    closed_paper.tags.add("pruning")
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


def build_page_journal():
    """The page tests' journal (tests/test_pages.py): what a visitor sees, and what is private."""
    owner = make.UserFactory(username="minji")
    forum = make.EventFactory(
        name="Samsung AI Forum 2022",
        slug="samsung-ai-forum-2022",
        kind="forum",
        start_date=datetime.date(2022, 11, 8),
        end_date=datetime.date(2022, 11, 9),
        city="Seoul",
        country="KR",
        owner=owner,
    )
    day1 = make.EventFactory(
        name="Day 1 · COEX",
        slug="saif-day-1",
        parent=forum,
        start_date=datetime.date(2022, 11, 8),
        end_date=datetime.date(2022, 11, 8),
        venue="InterContinental COEX",
        city="Seoul",
        country="KR",
        owner=owner,
    )
    day2 = make.EventFactory(
        name="Day 2 · Yangjae",
        slug="saif-day-2",
        parent=forum,
        start_date=datetime.date(2022, 11, 9),
        end_date=datetime.date(2022, 11, 9),
        city="Seoul",
        country="KR",
        owner=owner,
    )
    neurips = neurips_2022(owner, city="New Orleans", country="US")
    week = make.EventFactory(
        name="대한민국 인공지능위크 2023",
        slug="대한민국-인공지능위크-2023",
        start_date=datetime.date(2023, 7, 12),
        end_date=datetime.date(2023, 7, 13),
        city="서울",
        country="KR",
        owner=owner,
    )
    bengio = make.SpeakerFactory(name="Yoshua Bengio", slug="yoshua-bengio")
    hinton, seung = famous_speakers()
    lee = make.SpeakerFactory(name="Daniel Lee", slug="daniel-lee")
    secret_speaker = make.SpeakerFactory(name="Colonel Hidden", slug="colonel-hidden")
    private = private_event(
        owner,
        PRIVATE_EVENT,
        (datetime.date(2023, 9, 1),),
        talk=(f"{SECRET} briefing", [secret_speaker]),
        paper=f"{SECRET} paper",
        booth=f"{SECRET} booth",
        note=("Hidden", f"{SECRET} public-but-hidden"),
    )
    keynote = make.TalkFactory(
        event=day1, title="Bayesian neural networks", kind="keynote", speakers=[bengio]
    )
    panel = make.TalkFactory(
        event=day2, title="헤비안 러닝 패널", kind="panel", speakers=[seung, lee]
    )
    ff = forward_forward(neurips, hinton)
    make.TalkFactory(event=neurips, title="Unattended Programme Talk", attended=False)
    make.PaperFactory(event=neurips, title="WoodFisher", authors="Sidak Pal Singh\nDan Alistarh")
    disney = make.BoothFactory(event=neurips, organization="Disney", swag="모자, 에코백")
    recruiting = make.BoothFactory(event=day1, organization="Samsung recruiting", kind="recruiting")
    public_note = make.NoteFactory(
        event=day1,
        talk=keynote,
        owner=owner,
        title="벤지오 키노트",
        body="벤지오 교수님의 강연은 **베이지안 신경망**을 다시 보게 만들었다.",
        visibility="public",
    )
    make.NoteFactory(
        event=neurips,
        booth=disney,
        owner=owner,
        title="디즈니 부스",
        body="디즈니 부스에서 받은 모자와 에코백이 제일 마음에 들었다.",
        visibility="public",
    )
    private_note = make.NoteFactory(
        event=day1, booth=recruiting, owner=owner, title="채용", body=f"{SECRET} 채용 부스"
    )
    forum.tags.add("samsung")
    day2.tags.add("hebbian")
    neurips.tags.add("pruning", "경량화")
    ff.tags.add("forward-forward")
    panel.tags.add("hebbian")
    public_note.tags.add("bayesian")
    private_note.tags.add("only-private-tag")
    private["closed"].tags.add("defence-secret")
    return {
        "owner": owner,
        "forum": forum,
        "neurips": neurips,
        "week": week,
        "hidden": private["closed"],
        "keynote": keynote,
        "ff": ff,
        "public_note": public_note,
        "private_note": private_note,
        "disney": disney,
        "seung": seung,
    }


def assert_nothing_private(text):
    found = [marker for marker in PRIVATE_MARKERS if marker in text]
    assert found == []
