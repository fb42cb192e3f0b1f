import datetime
import shutil
import unicodedata
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from confjournal.exchange import demo
from events.models import Booth, Event, Tag, TaggedItem
from talks.models import Note, Paper, Speaker, Talk, TalkSpeaker
from tests.factories import EventFactory, UserFactory

BENGIO = "벤지오 교수님의 강연은 베이지안 신경망을 다시 보게 만들었다."
SEUNG = "승현준 소장님은 헤비안 러닝을 표현 학습과 연결해서 설명했다."
POSTERS = "포스터 세션에서 트랜스포머 경량화와 프루닝 논문을 많이 봤다."
DISNEY = "디즈니 부스에서 받은 모자와 에코백이 제일 마음에 들었다."
RECRUITING = "채용 부스에서 들은 이야기는 공개하지 않는다."

KOREA_AI_WEEK = "대한민국-인공지능위크-2023"


def run(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def snapshot():
    """Every row of every model the demo touches, in primary-key order."""
    models = [
        get_user_model(),
        Event,
        Booth,
        Speaker,
        Talk,
        TalkSpeaker,
        Paper,
        Note,
        Tag,
        TaggedItem,
    ]
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}


def tag_names(obj):
    return set(obj.tags.names())


@pytest.mark.django_db
def test_load_demo_creates_events_with_dates_and_places():
    run()

    assert Event.objects.count() == 9
    neurips = Event.objects.get(slug="neurips-2022")
    assert neurips.name == "NeurIPS 2022"
    assert neurips.series == "NeurIPS"
    assert neurips.kind == Event.Kind.CONFERENCE
    assert (neurips.start_date, neurips.end_date) == (
        datetime.date(2022, 11, 28),
        datetime.date(2022, 12, 1),
    )
    assert neurips.venue == "Ernest N. Morial Convention Center"
    assert neurips.city == "New Orleans"
    assert neurips.country.code == "US"
    assert neurips.website == "https://neurips.cc/Conferences/2022"
    assert neurips.visibility == "public"
    assert neurips.parent is None

    forum = Event.objects.get(slug="samsung-ai-forum-2022")
    assert forum.kind == Event.Kind.FORUM
    assert forum.series == "Samsung AI Forum"
    assert (forum.start_date, forum.end_date) == (
        datetime.date(2022, 11, 8),
        datetime.date(2022, 11, 9),
    )
    assert (forum.city, forum.country.code) == ("Seoul", "KR")

    online = Event.objects.get(slug="samsung-ai-forum-2021")
    assert online.attendance == Event.Attendance.ONLINE
    assert online.series == "Samsung AI Forum"
    assert (online.start_date.year, online.start_date.month) == (2021, 11)

    visit = Event.objects.get(kind=Event.Kind.VISIT)
    assert "Klaus-Robert Müller" in visit.name
    assert visit.visibility == "public"
    assert visit.talks.get().speaker_list[0].name == "Klaus-Robert Müller"


@pytest.mark.django_db
def test_samsung_ai_forum_2022_has_two_days():
    run()

    forum = Event.objects.get(slug="samsung-ai-forum-2022")
    days = list(forum.children.order_by("start_date"))
    assert [day.slug for day in days] == [
        "samsung-ai-forum-2022-day-1",
        "samsung-ai-forum-2022-day-2",
    ]
    day1, day2 = days
    assert day1.name == "Day 1 · COEX"
    assert day1.start_date == day1.end_date == datetime.date(2022, 11, 8)
    assert day1.venue == "Grand Ballroom, InterContinental COEX"
    assert day1.organizer == "Samsung Advanced Institute of Technology (SAIT)"
    assert day2.name == "Day 2 · Yangjae"
    assert day2.start_date == day2.end_date == datetime.date(2022, 11, 9)
    assert day2.venue == "Samsung R&D Campus, Yangjae"
    assert day2.organizer == "Samsung Research"

    keynote = day1.talks.get(speakers__slug="yoshua-bengio")
    assert keynote.kind == Talk.Kind.KEYNOTE
    assert day1.booths.get().kind == Booth.Kind.RECRUITING
    assert day2.talks.filter(title__contains="GPT-3").count() == 2
    swag = " ".join(day2.booths.values_list("swag", flat=True))
    for item in ("Eco bag", "tumbler", "Pen", "T-shirt"):
        assert item in swag


@pytest.mark.django_db
def test_korea_ai_week_slug_is_korean_with_meetup_side_event():
    run()

    week = Event.objects.get(slug=KOREA_AI_WEEK)
    assert week.name == "대한민국 인공지능위크 2023"
    assert (week.start_date.year, week.start_date.month) == (2023, 7)
    assert (week.city, week.country.code) == ("Seoul", "KR")
    assert set(week.booths.values_list("organization", flat=True)) >= {
        "Google ML Bootcamp",
        "Geekble",
        "Kakao Brain",
    }

    meetup = week.children.get()
    assert meetup.name == "Google ML Bootcamp alumni meetup"
    assert meetup.kind == Event.Kind.MEETUP
    assert meetup.start_date == meetup.end_date == week.start_date
    mine = meetup.talks.get(is_mine=True)
    assert mine.start_time == datetime.time(16, 0)
    assert "diffusion" in mine.title


@pytest.mark.django_db
def test_army_conference_is_private_with_private_note():
    run()

    army = Event.objects.get(name="Army M&S International Conference")
    assert army.visibility == "private"
    assert army.venue == "Daejeon Convention Center"
    assert (army.city, army.country.code) == ("Daejeon", "KR")
    assert army.notes.get().visibility == "private"
    assert not Event.objects.visible_to(None).filter(pk=army.pk).exists()


@pytest.mark.django_db
def test_neurips_holds_talks_papers_and_booths():
    run()

    neurips = Event.objects.get(slug="neurips-2022")
    hinton = neurips.talks.get(title="The Forward-Forward Algorithm")
    assert hinton.kind == Talk.Kind.INVITED
    assert [s.name for s in hinton.speaker_list] == ["Geoffrey Hinton"]
    oh = neurips.talks.get(title="Interaction-Centric AI").speaker_list[0]
    assert (oh.name, oh.affiliation) == ("Alice Oh", "KAIST")
    assert neurips.talks.filter(kind__in=[Talk.Kind.EXPO, Talk.Kind.DEMO]).count() == 4

    assert set(neurips.booths.values_list("organization", flat=True)) == {
        "Google",
        "Microsoft",
        "Apple",
        "IBM",
        "Disney",
        "NAVER",
        "LG",
        "Samsung",
        "Qualcomm AI Research",
        "Meta AI",
        "Amazon Science",
        "DeepMind",
    }
    assert "AlphaCode" in neurips.booths.get(organization="DeepMind").showcase
    disney = neurips.booths.get(organization="Disney")
    assert "cap" in disney.swag
    assert "eco bag" in disney.swag

    papers = neurips.papers.all()
    assert papers.count() >= 10
    assert papers.filter(presentation=Paper.Presentation.POSTER).count() >= 10
    block = papers.get(title="Block-Recurrent Transformers")
    assert block.arxiv_id == "2203.07852"
    assert "efficient-transformers" in tag_names(block)
    for paper in papers:
        paper.full_clean()  # arXiv ids and everything else pass the model's validators


@pytest.mark.django_db
def test_notes_hold_korean_test_sentences_in_nfc():
    run()

    for sentence in (BENGIO, SEUNG, POSTERS, DISNEY, RECRUITING):
        note = Note.objects.get(body__contains=sentence)
        assert unicodedata.is_normalized("NFC", note.body)
        assert unicodedata.is_normalized("NFC", note.title)

    assert Note.objects.get(body=DISNEY).booth.organization == "Disney"
    assert Note.objects.get(body__contains=POSTERS).event.slug == "neurips-2022"
    assert Note.objects.get(body__contains=BENGIO).event.slug == "samsung-ai-forum-2022-day-1"
    assert Note.objects.get(body__contains=SEUNG).event.slug == "samsung-ai-forum-2022-day-2"
    seung = Speaker.objects.get(slug="sebastian-seung")
    assert seung.alias_list == ["승현준"]
    assert seung.affiliation == "Samsung Research"


@pytest.mark.django_db
def test_notes_are_public_or_private_as_written():
    run()

    recruiting = Note.objects.get(body__startswith=RECRUITING)
    assert recruiting.visibility == "private"
    assert len(recruiting.body) > len(RECRUITING)
    assert recruiting.booth.kind == Booth.Kind.RECRUITING
    for sentence in (BENGIO, SEUNG, POSTERS, DISNEY):
        assert Note.objects.get(body__contains=sentence).visibility == "public"

    visible = Note.objects.visible_to(None)
    assert not visible.filter(pk=recruiting.pk).exists()
    assert visible.filter(body__contains=BENGIO).exists()
    assert Note.objects.filter(visibility="public").count() > 5
    assert Note.objects.filter(visibility="private").count() >= 3
    assert Note.objects.exclude(title="").count() == Note.objects.count()
    assert Note.objects.filter(body__contains="](https://").exists()
    assert Note.objects.filter(body__contains="\n- ").exists()


@pytest.mark.django_db
def test_tags_present_on_every_kind_of_record():
    run()

    neurips = Event.objects.get(slug="neurips-2022")
    assert tag_names(neurips)
    assert "pruning" in tag_names(neurips.papers.get(title__startswith="A Fast Post-Training"))
    assert "경량화" in tag_names(Note.objects.get(body__contains=POSTERS))
    assert "swag" in tag_names(neurips.booths.get(organization="Disney"))
    assert "forward-forward" in tag_names(neurips.talks.get(title__contains="Forward-Forward"))
    assert "설명가능AI" in tag_names(Event.objects.get(kind=Event.Kind.VISIT))
    assert Tag.objects.filter(name="quantization").exists()
    for tag in Tag.objects.all():
        assert tag.slug
        assert unicodedata.is_normalized("NFC", tag.name)


@pytest.mark.django_db
def test_talk_speakers_in_order():
    run()

    panel = Talk.objects.get(kind=Talk.Kind.PANEL)
    assert [s.slug for s in panel.speaker_list] == ["sebastian-seung", "daniel-lee"]
    assert list(panel.talk_speakers.values_list("position", flat=True)) == [0, 1]


@pytest.mark.django_db
def test_load_demo_owner_defaults_to_demo_user():
    run()

    owner = get_user_model().objects.get(username="demo")
    assert not owner.has_usable_password()
    assert not owner.is_staff
    assert not owner.is_superuser
    assert set(Event.objects.values_list("owner", flat=True)) == {owner.pk}
    assert set(Note.objects.values_list("owner", flat=True)) == {owner.pk}


@pytest.mark.django_db
def test_load_demo_owner_option_uses_existing_user():
    alice = UserFactory(username="alice")

    run("--owner", "alice")

    assert not get_user_model().objects.filter(username="demo").exists()
    assert set(Event.objects.values_list("owner", flat=True)) == {alice.pk}
    assert set(Note.objects.values_list("owner", flat=True)) == {alice.pk}


@pytest.mark.django_db
def test_load_demo_owner_option_unknown_user_fails():
    with pytest.raises(CommandError, match="nobody"):
        run("--owner", "nobody")

    assert not Event.objects.exists()
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_load_demo_prints_summary():
    output = run()

    assert output.count("\n") == 1
    assert output.startswith("Demo journal: 9 events, 6 speakers, ")
    assert f"{Talk.objects.count()} talks" in output
    assert f"{Note.objects.count()} notes" in output
    assert "unchanged 0)" in output


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing():
    run()
    before = snapshot()

    output = run()

    assert snapshot() == before
    assert "(created 0, updated 0, unchanged " in output
    counts = {label: len(rows) for label, rows in before.items()}
    assert counts["events.Event"] == 9
    assert counts["talks.TalkSpeaker"] >= 6
    assert counts["events.TaggedItem"] > 100


@pytest.mark.django_db
def test_load_demo_restores_edited_records():
    run()
    neurips = Event.objects.get(slug="neurips-2022")
    neurips.city = "Baton Rouge"
    neurips.save()
    neurips.tags.add("extra")
    panel = Talk.objects.get(kind=Talk.Kind.PANEL)
    panel.set_speakers(list(reversed(panel.speaker_list)))

    output = run()

    neurips.refresh_from_db()
    assert neurips.city == "New Orleans"
    assert "extra" not in tag_names(neurips)
    assert [s.slug for s in panel.speaker_list] == ["sebastian-seung", "daniel-lee"]
    assert "(created 0, updated 2, " in output


@pytest.mark.django_db
def test_load_demo_stores_decomposed_hangul_as_nfc(monkeypatch, tmp_path):
    """A data file saved with decomposed Hangul (NFD) loads as NFC."""
    shutil.copytree(demo.DATA, tmp_path, dirs_exist_ok=True)
    data = tmp_path / "journal.toml"
    data.write_text(unicodedata.normalize("NFD", data.read_text(encoding="utf-8")), "utf-8")
    assert "벤지오" not in data.read_text(encoding="utf-8")
    monkeypatch.setattr(demo, "DATA", tmp_path)
    run()
    before = snapshot()

    assert Note.objects.filter(body=DISNEY).exists()
    assert Event.objects.filter(slug=KOREA_AI_WEEK).exists()
    assert "(created 0, updated 0, " in run()
    assert snapshot() == before


@pytest.mark.django_db
def test_if_empty_skips_a_journal_with_events():
    EventFactory(slug="my-own-event")

    output = run("--if-empty")

    assert output == "The journal is not new: demo not loaded.\n"
    assert Event.objects.count() == 1
    assert not Note.objects.exists()
    assert not get_user_model().objects.filter(username="demo").exists()


@pytest.mark.django_db
def test_if_empty_loads_an_empty_journal():
    output = run("--if-empty")

    assert output.startswith("Demo journal: 9 events")
    assert Event.objects.count() == 9
    assert run("--if-empty") == "The journal is not new: demo not loaded.\n"


@pytest.mark.django_db
def test_if_empty_leaves_a_journal_whose_demo_was_removed():
    """After remove_demo only the owner's account is left: make run loads nothing again."""
    run()
    UserFactory(username="admin")
    call_command("remove_demo", stdout=StringIO())

    assert run("--if-empty") == "The journal is not new: demo not loaded.\n"
    assert not Event.objects.exists()


def remove():
    out = StringIO()
    call_command("remove_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_remove_demo_leaves_an_empty_journal():
    run()

    output = remove()

    assert output.startswith("Removed the demo journal: ")
    assert "9 events" in output and "6 speakers" in output
    for model in (Event, Talk, Paper, Booth, Note, Speaker, TalkSpeaker, Tag, TaggedItem):
        assert not model.objects.exists(), model
    assert not get_user_model().objects.filter(username="demo").exists()
    assert remove() == "There is no demo journal to remove.\n"


@pytest.mark.django_db
def test_remove_demo_keeps_what_a_user_added():
    run()
    me = UserFactory(username="minji")
    mine = EventFactory(slug="my-conference", owner=me, name="My conference")
    mine.tags.add("경량화")  # a topic the demo uses too
    neurips = Event.objects.get(slug="neurips-2022")
    talk = neurips.talks.get(title="Interaction-Centric AI")
    my_note = Note.objects.create(
        event=neurips, talk=talk, owner=me, title="내 메모", body=BENGIO, visibility="private"
    )
    my_talk = Talk.objects.create(event=mine, title="My own talk", kind="invited")
    my_talk.set_speakers([Speaker.objects.get(slug="yoshua-bengio")])

    output = remove()

    # My records, and the demo records they hang on, stay.
    assert Note.objects.get() == my_note
    assert set(Event.objects.values_list("slug", flat=True)) == {"my-conference", "neurips-2022"}
    assert list(neurips.talks.values_list("title", flat=True)) == ["Interaction-Centric AI"]
    assert "Kept event “NeurIPS 2022”" in output and "Kept talk “Interaction-Centric AI”" in output
    # Everything else of the demo under NeurIPS is gone: its papers, booths, notes, photos.
    assert not neurips.papers.exists() and not neurips.booths.exists()
    assert not neurips.photos.exists()
    # A demo speaker on my talk stays; the others with no talk left go.
    assert set(Speaker.objects.values_list("slug", flat=True)) == {"alice-oh", "yoshua-bengio"}
    still_used = {"경량화"} | tag_names(talk) | tag_names(neurips)
    assert set(Tag.objects.values_list("name", flat=True)) == still_used
    # The demo user still owns NeurIPS 2022, so it stays until that event is deleted.
    assert get_user_model().objects.filter(username="demo").exists()
