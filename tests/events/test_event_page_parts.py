"""An event page below its header is kept in the cache in two parts: its talks, until a
talk, speaker, topic or event is written; its days, papers, booths, notes and photos,
until one of those or their topics is written. By any means, and for each viewer and
language on its own."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from events.models import Booth, Event, Tag
from talks.models import Note, Paper, Speaker, Talk
from tests import factories as make

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum():
    owner = make.UserFactory(username="owner")
    forum = make.EventFactory(name="AI Forum", slug="forum", owner=owner)
    forum.tags.add("AI")
    day = make.EventFactory(
        name="Closed day", slug="forum-closed", parent=forum, owner=owner, visibility="private"
    )
    hinton = make.SpeakerFactory(name="Geoffrey Hinton", slug="hinton")
    talk = make.TalkFactory(event=forum, title="Forward-Forward", speakers=[hinton])
    talk.tags.add("deep learning")
    make.TalkFactory(event=forum, title="Poster walk", attended=False)
    make.TalkFactory(event=day, title="Closed-door briefing")
    open_day = make.EventFactory(name="Open day", slug="forum-open", parent=forum, owner=owner)
    bengio = make.SpeakerFactory(name="Yoshua Bengio", slug="bengio")
    panel = make.TalkFactory(event=open_day, title="Open panel", speakers=[hinton, bengio])
    make.NoteFactory(event=forum, body="첫 노트", visibility="public")
    # A topic in use elsewhere: tagging with it writes the taggings only.
    make.TalkFactory(event=make.EventFactory(slug="elsewhere"), title="x").tags.add("트랜스포머")
    # Kept by Django after any earlier request.
    ContentType.objects.get_for_models(Event, Talk, Paper, Booth, Note)
    return {"owner": owner, "talk": talk, "speaker": hinton, "day": open_day, "panel": panel}


def test_a_kept_page_is_two_queries_and_shows_the_same(view, forum, django_assert_num_queries):
    # The event; the versions its parts are kept under; its days and counts; the talks
    # and their speakers; the notes; the photos; every record's topics. Then the event and
    # the versions.
    with django_assert_num_queries(8):
        first = view("/events/forum/")
    with django_assert_num_queries(2):
        again = view("/events/forum/")
    assert again == first
    assert "Forward-Forward" in again and "Geoffrey Hinton" in again
    assert "1 more talk in the programme, not attended" in again


def test_a_note_written_leaves_the_talks_kept_and_shows_at_once(
    view, forum, django_assert_num_queries
):
    view("/events/forum/")
    note = make.NoteFactory(
        event=forum["talk"].event, talk=forum["talk"], body="역전파 없이 학습", visibility="public"
    )
    note.tags.add("deep learning")  # a topic in use: the talks' taggings are not written
    with django_assert_num_queries(6):
        html = view("/events/forum/")
    assert "역전파 없이 학습" in html and "Forward-Forward" in html


def rename_talk(forum):
    Talk.objects.filter(pk=forum["talk"].pk).update(title="FF")  # no save(), no signal


def rename_speaker(forum):
    Speaker.objects.filter(pk=forum["speaker"].pk).update(name="G. Hinton")


def tag_talk(forum):
    forum["talk"].tags.add("FF 알고리즘")


def rename_topic(forum):
    Tag.objects.filter(name="deep learning").update(name="딥러닝")


def reorder_speakers(forum):
    forum["panel"].talk_speakers.filter(speaker=forum["speaker"]).update(position=9)


def rename_day(forum):
    Event.objects.filter(pk=forum["day"].pk).update(name="Second day")


def rename_talk_in_sql(forum):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE talks_talk SET title = %s WHERE id = %s", ["FF", forum["talk"].pk])


def paper_written(forum):
    make.PaperFactory(event=forum["talk"].event, title="Forward-Forward, the paper")


def note_edited(forum):
    Note.objects.filter(body="첫 노트").update(body="고친 노트")


def author_renamed(forum):
    note = Note.objects.get(body="첫 노트")
    get_user_model().objects.filter(pk=note.owner_id).update(first_name="Ada", last_name="Kim")


def note_tagged(forum):
    Note.objects.get(body="첫 노트").tags.add("트랜스포머")


def event_tagged_in_sql(forum):
    tag = Tag.objects.get(name="트랜스포머")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO events_taggeditem (object_id, content_type_id, tag_id) "
            "VALUES (%s, %s, %s)",
            [forum["talk"].event_id, ContentType.objects.get_for_model(Event).pk, tag.pk],
        )


@pytest.mark.parametrize(
    ("write", "now_shown", "gone"),
    [
        (rename_talk, ">FF</a>", "Forward-Forward"),
        (rename_speaker, ">G. Hinton</a>", "Geoffrey Hinton"),
        (tag_talk, ">FF 알고리즘</a>", None),
        (rename_topic, ">딥러닝</a>", ">deep learning</a>"),
        (reorder_speakers, "Yoshua Bengio</a>, <a", "Geoffrey Hinton</a>, <a"),
        (rename_day, "Second day</a>", "Open day</a>"),
        (rename_talk_in_sql, ">FF</a>", "Forward-Forward"),
        (paper_written, "Forward-Forward, the paper", None),
        (note_edited, "고친 노트", "첫 노트"),
        (author_renamed, "Ada Kim", None),
        (note_tagged, ">트랜스포머</a>", None),
        (event_tagged_in_sql, ">트랜스포머</a>", None),
    ],
)
def test_a_write_to_what_the_page_shows_shows_on_the_next_view(view, forum, write, now_shown, gone):
    before = view("/events/forum/")
    assert now_shown not in before and (gone is None or gone in before)
    write(forum)
    html = view("/events/forum/")
    assert now_shown in html
    assert gone is None or gone not in html


def test_each_viewer_and_language_has_its_own_talks(view, client, forum):
    client.force_login(forum["owner"])
    assert "Closed-door briefing" in view("/events/forum/")
    client.logout()
    html = view("/events/forum/")
    assert "Forward-Forward" in html and "Closed-door briefing" not in html
    korean = view("/events/forum/", headers={"accept-language": "ko"})
    assert "참석하지 않은 프로그램 발표 1개 더 보기" in korean and "1 more talk" not in korean


def test_a_day_made_private_takes_its_talks_away_at_once(view, forum):
    assert "Open panel" in view("/events/forum/")
    Event.objects.filter(pk=forum["day"].pk).update(visibility="private")
    assert "Open panel" not in view("/events/forum/")


def test_each_viewer_has_their_own_notes_and_the_empty_page_says_so(view, client, forum):
    make.NoteFactory(
        event=forum["talk"].event, owner=forum["owner"], body="나만 보는 메모", visibility="private"
    )
    assert "나만 보는 메모" not in view("/events/forum/")
    client.force_login(forum["owner"])
    assert "나만 보는 메모" in view("/events/forum/")
    client.logout()
    assert "나만 보는 메모" not in view("/events/forum/")
    empty = make.EventFactory(name="Quiet", slug="quiet")
    assert "Nothing logged for this event yet." in view("/events/quiet/")
    make.NoteFactory(event=empty, body="이제 기록", visibility="public")
    html = view("/events/quiet/")
    assert "이제 기록" in html and "Nothing logged for this event yet." not in html
