"""The admin is the entry form: one post logs an event with everything in it."""

import datetime
import html as htmllib
import re

import pytest
from django.db import connection, transaction

from events.models import Booth, Event, Photo, Tag
from talks.models import Note, Paper, Speaker, Talk, TalkSpeaker
from tests.factories import EventFactory, NoteFactory, SpeakerFactory, TalkFactory, UserFactory

pytestmark = pytest.mark.django_db

INLINES = {"talks": Talk, "papers": Paper, "booths": Booth, "notes": Note, "photos": Photo}


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def event_post(**fields):
    data = {
        "name": "Samsung AI Forum 2022",
        "slug": "",
        "kind": "forum",
        "parent": "",
        "series": "Samsung AI Forum",
        "start_date": "2022-11-08",
        "end_date": "2022-11-09",
        "venue": "",
        "city": "Seoul",
        "country": "KR",
        "time_zone": "Asia/Seoul",
        "attendance": "in_person",
        "role": "attendee",
        "organizer": "",
        "website": "",
        "summary": "",
        "tags": "samsung, 포럼",
        "visibility": "public",
    }
    for prefix in INLINES:
        data.update(management(prefix, 0))
    data.update(fields)
    return data


def full_event_post(bengio, seung, lee):
    data = event_post(
        **management("talks", 2),
        **{
            "talks-0-title": "Bayesian deep learning keynote",
            "talks-0-kind": "keynote",
            "talks-0-speakers": [str(bengio.pk)],
            "talks-0-date": "2022-11-08",
            "talks-0-start_time": "10:00",
            "talks-0-end_time": "11:00",
            "talks-0-room": "Grand Ballroom",
            "talks-0-rating": "5",
            "talks-0-attended": "on",
            "talks-0-tags": "bayesian, 베이지안",
            "talks-1-title": "헤비안 러닝 패널",
            "talks-1-kind": "panel",
            # Picked in this order: Seung first, then Lee (Lee has the smaller id).
            "talks-1-speakers": [str(seung.pk), str(lee.pk)],
            "talks-1-date": "2022-11-09",
            "talks-1-attended": "on",
            "talks-1-tags": "hebbian",
        },
        **management("papers", 1),
        **{
            "papers-0-title": "Stacked Hebbian learning",
            "papers-0-authors": "Sebastian Seung\nDaniel Lee",
            "papers-0-presentation": "poster",
            "papers-0-tags": "hebbian",
        },
        **management("booths", 1),
        **{
            "booths-0-organization": "Samsung recruiting",
            "booths-0-kind": "recruiting",
            "booths-0-swag": "펜",
        },
        **management("notes", 1),
        **{
            "notes-0-title": "키노트",
            "notes-0-body": "벤지오 교수님의 강연은 베이지안 신경망을 다시 보게 만들었다.",
            "notes-0-visibility": "public",
            "notes-0-tags": "벤지오",
            # An attempt to set the owner through the form is ignored.
            "notes-0-owner": "999",
        },
    )
    return data


@pytest.fixture
def speakers(db):
    lee = SpeakerFactory(name="Daniel Lee", slug="daniel-lee")
    seung = SpeakerFactory(name="Sebastian Seung", slug="sebastian-seung", aliases="승현준")
    bengio = SpeakerFactory(name="Yoshua Bengio", slug="yoshua-bengio")
    return bengio, seung, lee


def test_admin_add_event_with_everything_in_one_post(admin_client, admin_user, speakers):
    response = admin_client.post("/admin/events/event/add/", full_event_post(*speakers))
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    event = Event.objects.get()
    assert event.slug == "samsung-ai-forum-2022"
    assert event.owner == admin_user
    assert sorted(event.tags.names()) == ["samsung", "포럼"]
    keynote, panel = event.talks.order_by("date")
    assert [s.name for s in keynote.speaker_list] == ["Yoshua Bengio"]
    assert keynote.rating == 5 and keynote.start_time == datetime.time(10, 0)
    assert sorted(keynote.tags.names()) == ["bayesian", "베이지안"]
    assert [s.name for s in panel.speaker_list] == ["Sebastian Seung", "Daniel Lee"]
    assert list(TalkSpeaker.objects.filter(talk=panel).values_list("position", flat=True)) == [
        0,
        1,
    ]
    paper = event.papers.get()
    assert paper.author_list == ["Sebastian Seung", "Daniel Lee"]
    assert event.booths.get().swag == "펜"
    note = event.notes.get()
    assert note.owner == admin_user
    assert note.visibility == "public"
    assert note.tags.names()[0] == "벤지오"


def test_admin_event_change_page_shows_speakers_in_their_order(admin_client, speakers):
    _bengio, seung, lee = speakers
    talk = TalkFactory(title="Panel", speakers=[seung, lee])
    html = admin_client.get(f"/admin/events/event/{talk.event.pk}/change/").content.decode()
    assert html.index("Sebastian Seung") < html.index("Daniel Lee")
    html = admin_client.get(f"/admin/talks/talk/{talk.pk}/change/").content.decode()
    assert html.index("Sebastian Seung") < html.index("Daniel Lee")
    assert "/admin/autocomplete/" in html


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"end_date": "2022-11-01"}, "The end date cannot be before the start date."),
        ({"slug": "taken"}, "Event with this Slug already exists."),
        ({"talks-0-rating": "9"}, "Select a valid choice. 9 is not one of the available choices."),
        ({"talks-1-date": "2023-01-01"}, "The date must fall within the event's dates."),
        ({"tags": "x" * 10000}, "A tag can be at most 100 characters long."),
        ({"booths-0-organization": ""}, "This field is required."),
    ],
)
def test_admin_bad_event_post_is_a_form_error_and_writes_nothing(
    admin_client, speakers, change, error
):
    EventFactory(slug="taken", name="Taken")
    before = {model: model.objects.count() for model in [Event, Talk, Paper, Booth, Note, Tag]}
    data = full_event_post(*speakers)
    data.update(change)
    response = admin_client.post("/admin/events/event/add/", data)
    assert response.status_code == 200
    assert error in htmllib.unescape(response.content.decode())
    after = {model: model.objects.count() for model in before}
    assert after == before


def test_admin_note_about_another_events_talk_is_a_form_error(admin_client, admin_user):
    other_talk = TalkFactory()
    event = EventFactory()
    response = admin_client.post(
        "/admin/talks/note/add/",
        {
            "event": str(event.pk),
            "talk": str(other_talk.pk),
            "title": "",
            "body": "wrong event",
            "visibility": "private",
            "tags": "",
        },
    )
    assert response.status_code == 200
    assert "Pick one of this event's own." in htmllib.unescape(response.content.decode())
    assert Note.objects.count() == 0


def test_admin_note_about_two_things_is_a_form_error(admin_client):
    event = EventFactory()
    talk = TalkFactory(event=event)
    booth = event.booths.create(organization="Disney")
    response = admin_client.post(
        "/admin/talks/note/add/",
        {
            "event": str(event.pk),
            "talk": str(talk.pk),
            "booth": str(booth.pk),
            "body": "both",
            "visibility": "private",
        },
    )
    assert response.status_code == 200
    assert "A note can be about one talk, one paper or one booth, not several." in (
        response.content.decode()
    )
    assert Note.objects.count() == 0


def test_admin_note_owner_comes_from_the_request(admin_client, admin_user):
    event = EventFactory()
    other = UserFactory(username="other")
    response = admin_client.post(
        "/admin/talks/note/add/",
        {"event": str(event.pk), "body": "mine", "visibility": "private", "owner": str(other.pk)},
    )
    assert response.status_code == 302
    assert Note.objects.get().owner == admin_user


def test_admin_sub_event_picks_parent_by_autocomplete(admin_client):
    forum = EventFactory(
        name="Samsung AI Forum 2022", slug="saif-2022", start_date=datetime.date(2022, 11, 8)
    )
    html = admin_client.get("/admin/events/event/add/").content.decode()
    assert 'data-model-name="event"' in html and "admin-autocomplete" in html
    response = admin_client.get(
        "/admin/autocomplete/",
        {"term": "Samsung", "app_label": "events", "model_name": "event", "field_name": "parent"},
    )
    assert response.json()["results"] == [{"id": str(forum.pk), "text": "Samsung AI Forum 2022"}]
    response = admin_client.post(
        "/admin/events/event/add/",
        event_post(
            name="Day 1 · COEX",
            parent=str(forum.pk),
            start_date="2022-11-08",
            end_date="2022-11-08",
        ),
    )
    assert response.status_code == 302
    day = Event.objects.get(name="Day 1 · COEX")
    assert day.parent == forum
    assert day.slug == "saif-2022-day-1-coex"  # its conference's address first


def test_admin_speaker_autocomplete_finds_other_spellings(admin_client, speakers):
    response = admin_client.get(
        "/admin/autocomplete/",
        {"term": "승현준", "app_label": "talks", "model_name": "talk", "field_name": "speakers"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Sebastian Seung"]


def test_admin_speaker_added_on_the_spot_gets_a_slug(admin_client):

    response = admin_client.post(
        "/admin/talks/speaker/add/?_to_field=id&_popup=1",
        {
            "name": "승현준",
            "slug": "",
            "aliases": "",
            "affiliation": "",
            "homepage": "",
            "_popup": "1",
            "_to_field": "id",
        },
    )
    assert response.status_code == 200
    assert "popup_response" in response.content.decode()
    assert list(Speaker.objects.values_list("slug", flat=True)) == ["승현준"]


def test_admin_note_inline_shows_only_own_notes_to_staff(client):
    author = UserFactory(username="author", is_staff=True)
    colleague = UserFactory(username="colleague", is_staff=True, is_superuser=True)
    event = EventFactory()
    NoteFactory(event=event, owner=author, body="AUTHOR-NOTE")
    NoteFactory(event=event, owner=colleague, body="COLLEAGUE-NOTE")
    from django.contrib.auth.models import Permission

    author.user_permissions.set(
        Permission.objects.filter(
            codename__in=[
                "change_event",
                "view_event",
                "change_note",
                "view_note",
                "add_note",
                "delete_note",
            ]
        )
    )
    client.force_login(author)
    html = client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    assert "AUTHOR-NOTE" in html and "COLLEAGUE-NOTE" not in html
    html = client.get("/admin/talks/note/").content.decode()
    assert "AUTHOR-NOTE" in html and "COLLEAGUE-NOTE" not in html
    colleague_note = Note.objects.get(body="COLLEAGUE-NOTE")
    response = client.get(f"/admin/talks/note/{colleague_note.pk}/change/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/admin/events/event/",
        "/admin/events/booth/",
        "/admin/talks/talk/",
        "/admin/talks/paper/",
        "/admin/talks/note/",
        "/admin/talks/speaker/",
        "/admin/events/tag/",
        "/admin/events/event/add/",
        "/admin/talks/talk/add/",
        "/admin/talks/note/add/",
    ],
)
def test_admin_pages_render_with_korean_data(admin_client, url):
    event = EventFactory(name="대한민국 인공지능위크 2023", slug="대한민국-인공지능위크-2023")
    event.tags.add("경량화")
    TalkFactory(event=event, title="디퓨전 모델", speakers=[SpeakerFactory(name="승현준")])
    NoteFactory(event=event, title="헤비안", body="헤비안 러닝", owner=UserFactory(username="o"))
    event.booths.create(organization="카카오브레인")
    event.papers.create(title="디퓨전 논문")
    response = admin_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    if not url.endswith("add/"):
        assert any(
            word in html
            for word in ["대한민국", "디퓨전", "헤비안", "승현준", "경량화", "카카오브레인"]
        )


def test_admin_change_of_an_event_with_more_talks_than_shown_saves_the_shown_rows(
    admin_client, speakers
):
    """The talk inline shows a programme's first 5 talks: editing one of them and adding
    another in the same post changes just those, and leaves the rest as they were."""
    bengio, _seung, _lee = speakers
    event = EventFactory(
        name="Samsung AI Forum 2022",
        start_date=datetime.date(2022, 11, 8),
        end_date=datetime.date(2022, 11, 9),
    )
    talks = [TalkFactory(event=event, title=f"Programme talk {i:02d}") for i in range(35)]
    page = admin_client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    assert page.count('value="Programme talk ') == 5
    first = talks[0]
    data = event_post(
        **management("talks", 2, initial=1),
        **{
            "talks-0-id": str(first.pk),
            "talks-0-event": str(event.pk),
            "talks-0-title": "Opening keynote",
            "talks-0-kind": "keynote",
            "talks-0-speakers": [str(bengio.pk)],
            "talks-0-date": "2022-11-08",
            "talks-0-attended": "on",
            "talks-1-title": "One more talk",
            "talks-1-kind": "invited",
            "talks-1-date": "2022-11-09",
            "talks-1-attended": "on",
        },
    )
    response = admin_client.post(f"/admin/events/event/{event.pk}/change/", data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    first.refresh_from_db()
    assert first.title == "Opening keynote"
    assert [s.name for s in first.speaker_list] == ["Yoshua Bengio"]
    assert event.talks.count() == 36
    assert event.talks.filter(title__startswith="Programme talk ").count() == 34


def test_a_programme_is_ticked_attended_in_the_talk_list(admin_client):
    event = EventFactory(name="NeurIPS 2022", slug="neurips-2022")
    heard = TalkFactory(event=event, title="Heard talk", date=event.start_date, attended=True)
    missed = TalkFactory(event=event, title="Missed talk", date=event.start_date, attended=False)
    url = f"/admin/talks/talk/?event__id__exact={event.pk}"
    html = admin_client.get(url).content.decode()
    rows = {talk.pk: html.index(talk.title) for talk in (heard, missed)}
    boxes = re.findall(r'<input type="checkbox" name="(form-\d-attended)"[^>]*?( checked)?>', html)
    # The list is by time then id: the heard talk first, its box ticked.
    assert rows[heard.pk] < rows[missed.pk]
    assert boxes == [("form-0-attended", " checked"), ("form-1-attended", "")]
    response = admin_client.post(
        url,
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "2",
            "form-0-id": str(heard.pk),
            "form-1-id": str(missed.pk),
            "form-1-attended": "on",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    heard.refresh_from_db(), missed.refresh_from_db()
    assert (heard.attended, missed.attended) == (False, True)


def test_the_talk_list_puts_the_newest_talks_first_and_a_programme_in_running_order(
    admin_client,
):
    older = EventFactory(name="ICML 2021", start_date=datetime.date(2021, 7, 18))
    newer = EventFactory(
        name="AI Week 2023",
        start_date=datetime.date(2023, 7, 12),
        end_date=datetime.date(2023, 7, 13),
    )
    TalkFactory(event=older, title="Old morning talk", date=older.start_date)
    evening = TalkFactory(
        event=newer, title="Evening panel", date=newer.start_date, start_time="18:00"
    )
    morning = TalkFactory(
        event=newer, title="Morning keynote", date=newer.start_date, start_time="09:00"
    )
    next_day = TalkFactory(event=newer, title="Second-day talk", date=newer.end_date)
    untimed = TalkFactory(event=newer, title="Untimed poster talk", date=newer.start_date)
    undated = TalkFactory(event=newer, title="Undated talk", date=None)

    def titles(url):
        html = admin_client.get(url).content.decode()
        shown = [
            "Old morning talk",
            "Evening panel",
            "Morning keynote",
            "Second-day talk",
            "Untimed poster talk",
            "Undated talk",
        ]
        return sorted((t for t in shown if t in html), key=html.index)

    # Everything: the latest first, a day's evening before its morning; what has no time
    # or no date after the rest, on either database.
    assert titles("/admin/talks/talk/") == [
        next_day.title,
        evening.title,
        morning.title,
        untimed.title,
        "Old morning talk",
        undated.title,
    ]
    # One event: its programme as it ran, day by day, by time.
    assert titles(f"/admin/talks/talk/?event__id__exact={newer.pk}") == [
        morning.title,
        evening.title,
        untimed.title,
        next_day.title,
        undated.title,
    ]


def test_the_latest_talks_first_are_read_from_an_index_on_both_databases(db):
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    from talks.admin import TalkAdmin

    request = RequestFactory().get("/admin/talks/talk/")
    ordering = TalkAdmin(Talk, site).get_ordering(request)
    queryset = Talk.objects.select_related("event__parent").order_by(*ordering)[:100]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A handful of test rows is cheaper to sort: ask whether an index gives the order.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
        plan = queryset.explain()
    index = "talk_latest_first_idx" if connection.vendor == "postgresql" else "talk_date_idx"
    assert index in plan
    assert "Sort" not in plan and "TEMP B-TREE" not in plan
