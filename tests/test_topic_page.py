"""A topic's page keeps its count and lists in the cache until a record, its event, its
speakers, its author or any topic is written, by any means, for each viewer and
language on its own."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from events.models import Event, Tag
from talks.models import Note, Speaker, Talk
from tests import factories as make

pytestmark = pytest.mark.django_db


@pytest.fixture
def journal():
    owner = make.UserFactory(username="owner", first_name="Ada", last_name="Kim")
    forum = make.EventFactory(name="AI Forum", slug="forum", owner=owner)
    hinton = make.SpeakerFactory(name="Geoffrey Hinton", slug="hinton")
    talk = make.TalkFactory(event=forum, title="Forward-Forward", speakers=[hinton])
    talk.tags.add("딥러닝")
    note = make.NoteFactory(
        event=forum, talk=talk, owner=owner, body="역전파 없이", visibility="public"
    )
    note.tags.add("딥러닝")
    secret = make.NoteFactory(event=forum, owner=owner, body="비공개 메모", visibility="private")
    secret.tags.add("딥러닝")
    return {"owner": owner, "forum": forum, "talk": talk, "note": note, "hinton": hinton}


def test_a_kept_topic_page_is_two_queries_and_shows_the_same(
    view, journal, django_assert_num_queries
):
    first = view("/topics/딥러닝/")
    # The topic; the versions its count and lists are kept under.
    with django_assert_num_queries(2):
        again = view("/topics/딥러닝/")
    assert again == first
    assert "Forward-Forward" in again and "Geoffrey Hinton" in again and "2 records" in again


def rename_speaker(journal):
    Speaker.objects.filter(pk=journal["hinton"].pk).update(name="G. Hinton")


def rename_author(journal):
    get_user_model().objects.filter(pk=journal["owner"].pk).update(first_name="Grace")


def tag_another_note(journal):
    make.NoteFactory(event=journal["forum"], body="새 메모", visibility="public").tags.add("딥러닝")


def untag_in_sql(journal):
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM events_taggeditem "
            "WHERE object_id = %s AND tag_id = %s AND content_type_id = %s",
            [
                journal["talk"].pk,
                Tag.objects.get(name="딥러닝").pk,
                ContentType.objects.get_for_model(Talk).pk,
            ],
        )


def rename_event(journal):
    Event.objects.filter(pk=journal["forum"].pk).update(name="AI Summit")


def edit_note(journal):
    Note.objects.filter(pk=journal["note"].pk).update(body="역전파를 넘어")


@pytest.mark.parametrize(
    ("write", "now_shown", "gone"),
    [
        (rename_speaker, "G. Hinton", "Geoffrey Hinton"),
        (rename_author, "Grace Kim", "Ada Kim"),
        (tag_another_note, "새 메모", "2 records"),
        (untag_in_sql, "1 record", "<h2>Talks</h2>"),
        (rename_event, "AI Summit", "AI Forum"),
        (edit_note, "역전파를 넘어", "역전파 없이"),
    ],
)
def test_a_write_to_what_the_page_shows_shows_on_the_next_view(
    view, journal, write, now_shown, gone
):
    before = view("/topics/딥러닝/")
    assert now_shown not in before and gone in before
    write(journal)
    html = view("/topics/딥러닝/")
    assert now_shown in html and gone not in html


def test_each_viewer_and_language_has_its_own_page(view, client, journal):
    assert "비공개 메모" not in view("/topics/딥러닝/")
    client.force_login(journal["owner"])
    owned = view("/topics/딥러닝/")
    assert "비공개 메모" in owned and "3 records" in owned
    client.logout()
    assert "비공개 메모" not in view("/topics/딥러닝/")
    korean = view("/topics/딥러닝/", headers={"accept-language": "ko"})
    assert "기록 2개" in korean and "2 records" not in korean


def test_a_topic_whose_records_turn_private_is_gone_at_once(view, journal):
    view("/topics/딥러닝/")
    Event.objects.filter(pk=journal["forum"].pk).update(visibility="private")
    view("/topics/딥러닝/", status=404)
