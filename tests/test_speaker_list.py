"""The speaker list, and a speaker's talks and notes, are kept in the cache until what
they show is written (a speaker, talk, talk's speakers, event; a note, its author or
topics), by any means, for each viewer, language and page on its own."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from events.models import Event
from talks.models import Note, Speaker, Talk
from talks.views import SpeakerListView
from tests import factories as make

pytestmark = pytest.mark.django_db


@pytest.fixture
def journal():
    owner = make.UserFactory(username="owner")
    forum = make.EventFactory(name="AI Forum", slug="forum", owner=owner)
    hinton = make.SpeakerFactory(name="Geoffrey Hinton", slug="hinton", aliases="힌턴")
    bengio = make.SpeakerFactory(name="Yoshua Bengio", slug="bengio")
    talk = make.TalkFactory(event=forum, title="Forward-Forward", speakers=[hinton])
    make.TalkFactory(event=forum, title="Panel", speakers=[hinton, bengio])
    closed = make.EventFactory(name="Closed", slug="closed", owner=owner, visibility="private")
    make.TalkFactory(
        event=closed, title="Briefing", speakers=[make.SpeakerFactory(name="Grace Hopper")]
    )
    return {"owner": owner, "forum": forum, "talk": talk, "hinton": hinton, "bengio": bengio}


def test_a_kept_list_is_one_query_and_shows_the_same(view, journal, django_assert_num_queries):
    # The versions it is kept under; the page's lookahead count; the page.
    with django_assert_num_queries(3):
        first = view("/speakers/")
    with django_assert_num_queries(1):
        again = view("/speakers/")
    assert again == first
    assert 'Geoffrey Hinton</a> <span class="aliases">(힌턴)</span>' in again
    assert "Yoshua Bengio" in again and "2 talks" in again


def rename_speaker(journal):
    Speaker.objects.filter(pk=journal["bengio"].pk).update(name="Y. Bengio")


def new_talk(journal):
    make.TalkFactory(event=journal["forum"], title="Encore", speakers=[journal["bengio"]])


def unattend(journal):
    Talk.objects.filter(event=journal["forum"]).exclude(pk=journal["talk"].pk).update(
        attended=False
    )


def close_event(journal):
    Event.objects.filter(pk=journal["forum"].pk).update(visibility="private")


def unlist_in_sql(journal):
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM talks_talkspeaker WHERE speaker_id = %s", [journal["bengio"].pk]
        )


@pytest.mark.parametrize(
    ("write", "now_shown", "gone"),
    [
        (rename_speaker, ">Y. Bengio</a>", ">Yoshua Bengio</a>"),
        (new_talk, "Yoshua Bengio</a> · 2 talks", "Yoshua Bengio</a> · 1 talk"),
        (unattend, 'Geoffrey Hinton</a> <span class="aliases">(힌턴)</span> · 1 talk', "Yoshua"),
        (close_event, "No speakers yet", "Geoffrey Hinton"),
        (unlist_in_sql, None, "Yoshua Bengio"),
    ],
)
def test_a_write_to_what_the_list_shows_shows_on_the_next_view(
    view, journal, write, now_shown, gone
):
    before = view("/speakers/")
    assert (now_shown is None or now_shown not in before) and gone in before
    write(journal)
    html = view("/speakers/")
    assert (now_shown is None or now_shown in html) and gone not in html


def test_each_viewer_language_and_page_has_its_own_list(view, client, journal, monkeypatch):
    assert "Grace Hopper" not in view("/speakers/")
    client.force_login(journal["owner"])
    assert "Grace Hopper" in view("/speakers/")
    client.logout()
    assert "Grace Hopper" not in view("/speakers/")
    korean = view("/speakers/", headers={"accept-language": "ko"})
    assert "발표 2개" in korean and "2 talks" not in korean
    for i in range(3):
        make.TalkFactory(event=journal["forum"], speakers=[make.SpeakerFactory(name=f"Zed {i}")])
    monkeypatch.setattr(SpeakerListView, "paginate_by", 2)
    first, second = view("/speakers/"), view("/speakers/", data={"page": 2})
    assert "Geoffrey Hinton" in first and "Geoffrey Hinton" not in second
    assert "Page 1 of 3" in first and "Page 2 of 3" in second


def test_a_page_past_the_end_is_a_404_kept_or_not(view, client, journal):
    view("/speakers/")
    response = client.get("/speakers/", {"page": 9})
    assert response.status_code == 404
    assert "There is no page 9 of this list." in response.content.decode()


def test_a_speakers_page_is_kept_until_their_talks_or_notes_change(
    view, client, journal, django_assert_num_queries
):
    make.NoteFactory(
        event=journal["forum"],
        talk=journal["talk"],
        owner=journal["owner"],
        body="공개 메모",
        visibility="public",
    )
    first = view("/speakers/hinton/")
    # The speaker; the versions the talks and notes are kept under.
    with django_assert_num_queries(2):
        assert view("/speakers/hinton/") == first
    assert "Forward-Forward" in first and "공개 메모" in first
    Talk.objects.filter(pk=journal["talk"].pk).update(title="FF")
    assert ">FF</a>" in view("/speakers/hinton/")
    Note.objects.filter(body="공개 메모").update(body="고친 메모")
    assert "고친 메모" in view("/speakers/hinton/")
    get_user_model().objects.filter(pk=journal["owner"].pk).update(first_name="Grace")
    assert "Grace" in view("/speakers/hinton/")
    make.NoteFactory(
        event=journal["forum"],
        talk=journal["talk"],
        owner=journal["owner"],
        body="나만 보는 메모",
        visibility="private",
    )
    assert "나만 보는 메모" not in view("/speakers/hinton/")
    client.force_login(journal["owner"])
    assert "나만 보는 메모" in view("/speakers/hinton/")
