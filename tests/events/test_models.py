import datetime
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from events.models import Booth, Event, Tag
from tests.factories import BoothFactory, EventFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_event_end_before_start_is_refused_by_the_database():
    event = EventFactory.build(
        start_date=datetime.date(2022, 11, 9),
        end_date=datetime.date(2022, 11, 8),
        owner=UserFactory(),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()
    assert Event.objects.count() == 0


def test_event_end_before_start_is_a_validation_error():
    event = EventFactory.build(
        start_date=datetime.date(2022, 11, 9), end_date=datetime.date(2022, 11, 8)
    )
    with pytest.raises(ValidationError) as error:
        event.full_clean(exclude=["owner"])
    assert "The end date cannot be before the start date." in str(error.value)


def test_event_slug_is_unique():
    EventFactory(slug="neurips-2022")
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(slug="neurips-2022")


def test_event_slug_cannot_be_empty_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(slug="")


def test_event_slug_from_korean_name_keeps_hangul():
    event = EventFactory.build(name="대한민국 인공지능위크 2023", slug="")
    event.full_clean(exclude=["owner"])
    assert event.slug == "대한민국-인공지능위크-2023"


def test_event_slug_from_punctuation_only_name_is_not_empty():
    event = EventFactory.build(name="!!! ???", slug="")
    event.full_clean(exclude=["owner"])
    assert event.slug == "event"


def test_event_slug_from_name_avoids_taken_slugs():
    EventFactory(slug="samsung-ai-forum-2022")
    event = EventFactory.build(name="Samsung AI Forum 2022", slug="")
    event.full_clean(exclude=["owner"])
    assert event.slug == "samsung-ai-forum-2022-2"


def test_event_text_is_stored_nfc():
    decomposed = unicodedata.normalize("NFD", "삼성 AI 포럼")
    assert decomposed != "삼성 AI 포럼"
    event = EventFactory(name=decomposed, city=unicodedata.normalize("NFD", "서울"))
    event.refresh_from_db()
    assert event.name == "삼성 AI 포럼"
    assert event.city == "서울"
    assert Event.objects.filter(name="삼성 AI 포럼").count() == 1


def test_event_text_is_nfc_after_bulk_create():
    owner = UserFactory()
    Event.objects.bulk_create(
        [
            Event(
                name=unicodedata.normalize("NFD", "한국"),
                slug="korea",
                start_date=datetime.date(2023, 7, 1),
                end_date=datetime.date(2023, 7, 1),
                owner=owner,
            )
        ]
    )
    assert Event.objects.get(slug="korea").name == "한국"


def test_event_str_and_url():
    event = EventFactory(name="NeurIPS 2022", slug="neurips-2022")
    assert str(event) == "NeurIPS 2022"
    assert event.get_absolute_url() == "/events/neurips-2022/"


def test_event_url_of_korean_slug_is_percent_encoded():
    event = EventFactory(slug="대한민국-인공지능위크-2023")
    assert event.get_absolute_url() == (
        "/events/%EB%8C%80%ED%95%9C%EB%AF%BC%EA%B5%AD-%EC%9D%B8%EA%B3%B5%EC%A7%80%EB%8A%A5"
        "%EC%9C%84%ED%81%AC-2023/"
    )


def test_event_parent_must_be_top_level():
    forum = EventFactory(name="Samsung AI Forum 2022")
    day = EventFactory(name="Day 1 · COEX", parent=forum)
    nested = EventFactory.build(name="Session", parent=day)
    with pytest.raises(ValidationError) as error:
        nested.full_clean(exclude=["owner"])
    assert "parent" in error.value.message_dict


def test_event_cannot_be_its_own_parent():
    event = EventFactory()
    event.parent = event
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert error.value.message_dict["parent"] == ["An event cannot be part of itself."]


def test_event_with_days_cannot_become_a_day():
    forum = EventFactory()
    EventFactory(parent=forum)
    other = EventFactory()
    forum.parent = other
    with pytest.raises(ValidationError) as error:
        forum.full_clean()
    assert "parent" in error.value.message_dict


def test_event_defaults():
    event = EventFactory()
    assert event.visibility == "public"
    assert event.kind == "conference"
    assert event.attendance == "in_person"
    assert event.role == "attendee"


def test_booth_str_and_url():
    booth = BoothFactory(organization="DeepMind")
    assert str(booth) == "DeepMind"
    assert booth.get_absolute_url() == f"/booths/{booth.pk}/"
    assert Booth.objects.get().event == booth.event


def test_tag_slug_keeps_hangul_and_is_never_empty():
    assert Tag.objects.create(name="경량화").slug == "경량화"
    assert Tag.objects.create(name="???").slug == "topic"
    assert Tag.objects.create(name="!!!").slug == "topic_1"


def test_tags_typed_in_nfd_are_stored_nfc():
    event = EventFactory()
    event.tags.add(unicodedata.normalize("NFD", "프루닝"))
    assert event.tags.names()[0] == "프루닝"
    assert Tag.objects.get().get_absolute_url() == "/topics/%ED%94%84%EB%A3%A8%EB%8B%9D/"
