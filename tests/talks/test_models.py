import datetime
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from talks.models import Note, Speaker, Talk, TalkSpeaker, attach_speakers
from tests import factories as make

pytestmark = pytest.mark.django_db


def test_speaker_slug_from_korean_name():
    speaker = Speaker(name="승현준")
    speaker.full_clean()
    assert speaker.slug == "승현준"


def test_speaker_aliases_and_url():
    speaker = make.SpeakerFactory(
        name="Sebastian Seung", slug="sebastian-seung", aliases="승현준\n\n"
    )
    assert speaker.alias_list == ["승현준"]
    assert str(speaker) == "Sebastian Seung"
    assert speaker.get_absolute_url() == "/speakers/sebastian-seung/"


def test_attach_speakers_reads_every_talks_speakers_in_order_in_one_query(
    django_assert_num_queries,
):
    daniel = make.SpeakerFactory(name="Daniel Lee", affiliation="Samsung Research")
    sebastian = make.SpeakerFactory(name="Sebastian Seung", aliases="승현준")
    panel = make.TalkFactory(title="Panel", speakers=[sebastian, daniel])
    solo = make.TalkFactory(title="Solo", event=panel.event, speakers=[daniel])
    alone = make.TalkFactory(title="Nobody named", event=panel.event)
    talks = list(Talk.objects.filter(pk__in=[panel.pk, solo.pk, alone.pk]).order_by("title"))
    with django_assert_num_queries(1):
        attach_speakers(talks)
        by_title = {talk.title: talk.speaker_list for talk in talks}
    assert [s.name for s in by_title["Panel"]] == ["Sebastian Seung", "Daniel Lee"]
    assert [s.name for s in by_title["Solo"]] == ["Daniel Lee"]
    assert by_title["Nobody named"] == []
    # Whole speakers, made once however many talks they give.
    assert by_title["Panel"][1] is by_title["Solo"][0]
    assert by_title["Panel"][1].affiliation == "Samsung Research"
    assert by_title["Panel"][0].alias_list == ["승현준"]
    with django_assert_num_queries(0):
        attach_speakers([])


def test_talk_speakers_keep_their_order():
    daniel, sebastian = (
        make.SpeakerFactory(name="Daniel Lee"),
        make.SpeakerFactory(name="Sebastian Seung"),
    )
    talk = make.TalkFactory(speakers=[sebastian, daniel])
    assert [s.name for s in talk.speaker_list] == ["Sebastian Seung", "Daniel Lee"]
    talk.set_speakers([daniel, sebastian])
    assert list(TalkSpeaker.objects.filter(talk=talk).values_list("speaker__name", "position")) == [
        ("Daniel Lee", 0),
        ("Sebastian Seung", 1),
    ]


def test_talk_speaker_appears_once_per_talk():
    speaker = make.SpeakerFactory()
    talk = make.TalkFactory()
    TalkSpeaker.objects.create(talk=talk, speaker=speaker, position=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        TalkSpeaker.objects.create(talk=talk, speaker=speaker, position=1)


def test_talk_rating_outside_1_to_5_is_refused():
    talk = make.TalkFactory()
    talk.rating = 6
    with pytest.raises(ValidationError) as error:
        talk.full_clean()
    assert "rating" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        talk.save()


def test_talk_date_outside_the_event_is_a_validation_error():
    talk = make.TalkFactory(event=make.EventFactory(start_date=datetime.date(2022, 11, 28)))
    talk.date = datetime.date(2022, 12, 25)
    with pytest.raises(ValidationError) as error:
        talk.full_clean()
    assert error.value.message_dict["date"] == ["The date must fall within the event's dates."]


def test_talk_defaults_to_attended_and_not_mine():
    talk = make.TalkFactory()
    assert talk.attended is True
    assert talk.is_mine is False
    assert talk.get_absolute_url() == f"/talks/{talk.pk}/"


def test_paper_authors_keep_their_order():
    paper = make.PaperFactory(authors="Geoffrey Hinton\n 승현준 \n")
    assert paper.author_list == ["Geoffrey Hinton", "승현준"]


def test_paper_arxiv_and_doi_are_checked():
    paper = make.PaperFactory(arxiv_id="not an id", doi="11.1/x")
    with pytest.raises(ValidationError) as error:
        paper.full_clean()
    assert set(error.value.message_dict) == {"arxiv_id", "doi"}
    paper.arxiv_id, paper.doi = "2212.13345v2", "10.48550/arXiv.2212.13345"
    paper.full_clean()
    assert paper.arxiv_url == "https://arxiv.org/abs/2212.13345v2"


def test_paper_talk_must_be_of_the_same_event():
    paper = make.PaperFactory(talk=make.TalkFactory())
    with pytest.raises(ValidationError) as error:
        paper.full_clean()
    assert "talk" in error.value.message_dict


def test_note_defaults_to_private():
    assert make.NoteFactory().visibility == "private"


def test_note_about_two_things_is_refused_by_the_database():
    event = make.EventFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        make.NoteFactory(
            event=event, talk=make.TalkFactory(event=event), booth=make.BoothFactory(event=event)
        )
    assert Note.objects.count() == 0


def test_note_about_two_things_is_a_validation_error():
    event = make.EventFactory()
    note = make.NoteFactory.build(
        event=event,
        owner=event.owner,
        talk=make.TalkFactory(event=event),
        paper=make.PaperFactory(event=event),
    )
    with pytest.raises(ValidationError) as error:
        note.full_clean()
    assert (
        "A note can be about one talk, one paper or one booth, not several." in error.value.messages
    )


def test_note_about_another_events_talk_is_a_validation_error():
    note = make.NoteFactory.build(event=make.EventFactory(), talk=make.TalkFactory())
    note.owner.save()
    with pytest.raises(ValidationError) as error:
        note.full_clean()
    assert error.value.message_dict["talk"] == ["Pick one of this event's own."]


def test_note_body_is_stored_nfc():
    sentence = "벤지오 교수님의 강연은 베이지안 신경망을 다시 보게 만들었다."
    note = make.NoteFactory(body=unicodedata.normalize("NFD", sentence))
    note.refresh_from_db()
    assert note.body == sentence


def test_note_str_is_title_or_start_of_body():
    assert str(make.NoteFactory(title="Forward-Forward")) == "Forward-Forward"
    assert str(make.NoteFactory(title="", body="가" * 100)) == "가" * 59 + "…"


def test_note_subject_and_url():
    event = make.EventFactory()
    booth = make.BoothFactory(event=event, organization="Disney")
    note = make.NoteFactory(event=event, booth=booth)
    assert note.subject == booth
    assert note.get_absolute_url() == f"/notes/{note.pk}/"
