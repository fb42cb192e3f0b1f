"""Notes are dated by when what they tell happened: their talk's day and time, else their
event's first day; the note's own page says when it was written."""

import datetime

import pytest
from django.utils import timezone

from tests import factories as make

pytestmark = pytest.mark.django_db


def test_a_note_is_dated_by_its_talk_or_its_event(client):
    event = make.EventFactory(
        name="NeurIPS 2022", start_date=datetime.date(2022, 11, 28), visibility="public"
    )
    speaker = make.SpeakerFactory(name="Geoffrey Hinton")
    talk = make.TalkFactory(
        event=event,
        title="Forward-Forward",
        date=datetime.date(2022, 11, 29),
        start_time=datetime.time(10, 0),
        speakers=[speaker],
    )
    on_talk = make.NoteFactory(event=event, talk=talk, title="On the talk", visibility="public")
    on_event = make.NoteFactory(event=event, title="On the week", visibility="public")
    for url in (speaker.get_absolute_url(), "/notes/", event.get_absolute_url()):
        html = client.get(url).content.decode()
        if "On the talk" in html:
            assert '<time datetime="2022-11-29">Nov. 29, 2022</time> 10:00' in html, url
    html = client.get("/notes/").content.decode()
    assert '<time datetime="2022-11-28">Nov. 28, 2022</time></p>' in html
    # The day as the journal's time zone has it (Seoul is a day ahead of UTC after 15:00).
    today = timezone.localdate(on_event.created_at).isoformat()
    assert f'<time datetime="{today}">' not in html.split("On the talk")[1][:400]
    page = client.get(on_talk.get_absolute_url()).content.decode()
    written = timezone.localdate(on_talk.created_at).isoformat()
    assert f'<time datetime="{written}">' in page
