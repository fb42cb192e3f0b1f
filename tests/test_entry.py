"""Entering a conference on a phone: the inputs a phone can fill, the rows a post may
announce, the admin's own name, and what the forms offer."""

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from events.models import Booth, Event
from talks.models import Note, Speaker, Talk
from tests import factories as make
from tests.test_admin import event_post, management

pytestmark = pytest.mark.django_db


def talk_post(event, **fields):
    return {"event": str(event.pk), "title": "Keynote", "kind": "keynote", **fields}


@pytest.mark.parametrize(
    "typed",
    ["2023-07-13", "2023.07.13", "2023. 7. 13.", "2023/7/13", "2023년 7월 13일", " 2023.7.13 "],
)
def test_a_date_written_the_korean_way_is_read(admin_client, typed):
    event = make.EventFactory(start_date=datetime.date(2023, 7, 12))
    response = admin_client.post("/admin/talks/talk/add/", talk_post(event, date=typed))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Talk.objects.get(event=event).date == datetime.date(2023, 7, 13)


@pytest.mark.parametrize("typed", ["13.07.2023", "2023.13.40", "next tuesday"])
def test_a_date_that_cannot_be_read_names_the_format(admin_client, typed):
    event = make.EventFactory()
    response = admin_client.post("/admin/talks/talk/add/", talk_post(event, date=typed))
    assert response.status_code == 200
    assert "Enter a date as 2023-07-13 (2023.07.13 and 2023. 7. 13. work too)." in (
        response.content.decode()
    )
    assert not Talk.objects.filter(event=event).exists()


def test_the_date_message_in_korean(admin_client):
    event = make.EventFactory()
    response = admin_client.post(
        "/admin/talks/talk/add/", talk_post(event, date="7월"), HTTP_ACCEPT_LANGUAGE="ko"
    )
    assert "2023-07-13 형식으로 날짜를 입력하세요" in response.content.decode()


def test_dates_and_times_are_the_browsers_own_inputs(admin_client):
    html = admin_client.get("/admin/talks/talk/add/").content.decode()
    assert 'type="date" name="date"' in html
    assert 'type="time" name="start_time"' in html
    html = admin_client.get("/admin/events/event/add/").content.decode()
    assert 'type="date" name="start_date"' in html
    assert 'type="date" name="end_date"' in html
    assert "vDateField" not in html  # not Django's text box with its month-by-month calendar


def test_the_admin_is_called_confjournal_in_both_languages(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert "<title>Your journal | ConfJournal</title>" in html
    assert '<div id="site-name"><a href="/admin/">ConfJournal</a></div>' in html
    assert '<a href="/">View site</a>' in html  # back to the public site
    assert "Django administration" not in html
    html = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "<title>내 저널 | ConfJournal</title>" in html
    assert "Django 관리" not in html


def test_a_booth_can_be_a_poster(admin_client):
    event = make.EventFactory()
    response = admin_client.post(
        "/admin/events/booth/add/",
        {"event": str(event.pk), "organization": "KAIST AI", "kind": "poster"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    booth = Booth.objects.get(event=event)
    assert booth.get_kind_display() == "Poster"


def test_the_rating_says_what_each_number_means(admin_client):
    html = admin_client.get("/admin/talks/talk/add/").content.decode()
    assert '<option value="5">5 · a highlight</option>' in html
    assert "5 · a highlight" in html and "1 · not for me" in html
    html = admin_client.get("/admin/talks/talk/add/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "5 · 최고였다" in html


@pytest.mark.parametrize("total", ["1000000", "2000", "501", "-1", "many"])
def test_a_post_announcing_too_many_rows_is_refused_at_once(admin_client, total):
    post = event_post(**management("talks", 0))
    post["talks-TOTAL_FORMS"] = total
    response = admin_client.post("/admin/events/event/add/", post)
    assert response.status_code == 400
    assert not Event.objects.exists()


def test_the_talk_list_refuses_too_many_rows_too(admin_client):
    response = admin_client.post(
        "/admin/talks/talk/",
        {"form-TOTAL_FORMS": "1000000", "form-INITIAL_FORMS": "0", "_save": "Save"},
    )
    assert response.status_code == 400


def test_a_refused_post_reads_and_writes_nothing_of_the_journal(
    admin_client, django_assert_num_queries
):
    """Refused before the form is built: no transaction is open to hold SQLite's write
    lock, so another user's write goes through meanwhile."""
    post = event_post(**management("talks", 0))
    post["talks-TOTAL_FORMS"] = "1000000"
    with django_assert_num_queries(2) as queries:  # the session and the user
        response = admin_client.post("/admin/events/event/add/", post)
    assert response.status_code == 400
    assert all(query["sql"].startswith("SELECT") for query in queries.captured_queries)


# --------------------------------------------------------------------------- days


@pytest.fixture
def forum(admin_user):
    return make.EventFactory(
        name="Samsung AI Forum 2022",
        slug="samsung-ai-forum-2022",
        kind=Event.Kind.FORUM,
        series="Samsung AI Forum",
        start_date=datetime.date(2022, 11, 8),
        end_date=datetime.date(2022, 11, 9),
        venue="삼성전자 서울R&D캠퍼스",
        city="서울",
        country="KR",
        organizer="삼성전자",
        time_zone="Asia/Seoul",
        visibility="public",
        owner=admin_user,
    )


def field_value(html, name):
    """The value attribute of the input called `name` (None if it has none)."""
    match = re.search(rf'<input [^>]*name="{name}"[^>]*>', html)
    assert match, f"no input {name}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value and value.group(1)


def selected(html, name):
    select = re.search(rf'<select [^>]*name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*selected>', select)


def test_a_day_added_from_its_parent_starts_filled_in(admin_client, forum):
    html = admin_client.get(f"/admin/events/event/add/?parent={forum.pk}").content.decode()
    assert selected(html, "parent") == [str(forum.pk)]
    assert field_value(html, "series") == "Samsung AI Forum"
    assert field_value(html, "venue") == "삼성전자 서울R&amp;D캠퍼스"
    assert field_value(html, "city") == "서울"
    assert field_value(html, "organizer") == "삼성전자"
    assert field_value(html, "time_zone") == "Asia/Seoul"
    assert selected(html, "kind") == ["forum"]
    assert selected(html, "country") == ["KR"]
    assert selected(html, "visibility") == ["public"]
    assert field_value(html, "start_date") == "2022-11-08"
    assert field_value(html, "end_date") == "2022-11-08"
    # The phone's date picker offers the forum's days.
    start = re.search(r'<input [^>]*name="start_date"[^>]*>', html).group(0)
    assert 'min="2022-11-08"' in start and 'max="2022-11-09"' in start


def test_the_next_day_is_the_first_without_one(admin_client, forum):
    make.EventFactory(
        parent=forum, start_date=forum.start_date, end_date=forum.start_date, owner=forum.owner
    )
    html = admin_client.get(f"/admin/events/event/add/?parent={forum.pk}").content.decode()
    assert field_value(html, "start_date") == "2022-11-09"


def test_a_day_is_saved_under_its_parent_in_one_post(admin_client, forum):
    post = event_post(
        name="Day 2 · 코엑스",
        parent=str(forum.pk),
        kind="forum",
        start_date="2022. 11. 9.",
        end_date="2022.11.09",
        venue="코엑스",
        city="서울",
        visibility="public",
        tags="",
    )
    response = admin_client.post(f"/admin/events/event/add/?parent={forum.pk}", post)
    assert response.status_code == 302, response.content.decode()[:3000]
    day = Event.objects.get(name="Day 2 · 코엑스")
    assert day.parent == forum and day.start_date == datetime.date(2022, 11, 9)


def test_a_day_outside_its_parent_says_which_days_are_allowed(admin_client, forum):
    post = event_post(
        name="Day 3", parent=str(forum.pk), start_date="2022-11-10", end_date="2022-11-10"
    )
    response = admin_client.post("/admin/events/event/add/", post)
    assert "A day or side event falls within Samsung AI Forum 2022: 2022-11-08 to 2022-11-09." in (
        response.content.decode()
    )
    assert not Event.objects.filter(name="Day 3").exists()


@pytest.mark.parametrize("parent", ["abc", "99999999", "1' OR 1=1", "9" * 40])
def test_a_parent_that_is_no_event_prefills_nothing(admin_client, forum, parent):
    response = admin_client.get("/admin/events/event/add/", {"parent": parent})
    assert response.status_code == 200
    html = response.content.decode()
    assert selected(html, "parent") == [] and field_value(html, "series") is None


def test_someone_elses_private_event_is_no_parent_to_prefill_from(client, forum):
    private = make.EventFactory(name="Their private retreat", visibility="private")
    client.force_login(make.StaffMemberFactory(username="keeper", group="Editors"))
    html = client.get(f"/admin/events/event/add/?parent={private.pk}").content.decode()
    assert "Their private retreat" not in html and selected(html, "parent") == []


def test_the_event_page_in_the_admin_offers_to_add_a_day(admin_client, forum):
    html = admin_client.get(f"/admin/events/event/{forum.pk}/change/").content.decode()
    assert f'<a href="/admin/events/event/add/?parent={forum.pk}">Add a day or side event</a>' in (
        html
    )
    day = make.EventFactory(
        parent=forum, start_date=forum.start_date, end_date=forum.start_date, owner=forum.owner
    )
    html = admin_client.get(f"/admin/events/event/{day.pk}/change/").content.decode()
    assert "Add a day or side event" not in html  # days nest one level


# --------------------------------------------------------------------------- a talk and a note


def test_a_talk_with_a_new_speaker_and_a_note_in_one_post(admin_client, admin_user, forum):
    bengio = make.SpeakerFactory(name="Yoshua Bengio", aliases="벤지오\n요슈아 벤지오")
    response = admin_client.post(
        f"/admin/talks/talk/add/?event={forum.pk}&next=/events/{forum.slug}/",
        talk_post(
            forum,
            title="AI 안전과 과학자의 책임",
            speakers=[str(bengio.pk)],
            new_speakers="조경현, 요슈아 벤지오",  # one new, one another spelling of Bengio
            date="2022.11.08",
            note="**질문**이 많았다. 조경현 교수님의 답이 인상적.",
            note_visibility="public",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == f"/events/{forum.slug}/"  # back where it was opened
    talk = Talk.objects.get(title="AI 안전과 과학자의 책임")
    assert [s.name for s in talk.speaker_list] == ["Yoshua Bengio", "조경현"]
    assert Speaker.objects.filter(name="조경현").count() == 1
    note = Note.objects.get(talk=talk)
    assert (note.event, note.owner, note.visibility) == (forum, admin_user, "public")
    page = Client().get(f"/events/{forum.slug}/").content.decode()
    assert "질문" in page and "AI 안전과 과학자의 책임" in page and "조경현" in page


def test_speakers_all_taken_out_and_one_typed_leave_only_the_typed_one(admin_client, forum):
    talk = make.TalkFactory(event=forum, title="Keynote")
    talk.set_speakers([make.SpeakerFactory(name="Wrong Person")])
    response = admin_client.post(
        f"/admin/talks/talk/{talk.pk}/change/", talk_post(forum, new_speakers="조경현")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [s.name for s in Talk.objects.get(pk=talk.pk).speaker_list] == ["조경현"]


def test_a_talk_without_a_note_makes_no_note(admin_client, forum):
    response = admin_client.post("/admin/talks/talk/add/", talk_post(forum, note="  "))
    assert response.status_code == 302
    assert Talk.objects.filter(event=forum).count() == 1 and not Note.objects.exists()


def test_rows_of_the_event_page_carry_notes_about_them(admin_client, admin_user, forum):
    post = event_post(
        name=forum.name,
        slug=forum.slug,
        kind="forum",
        start_date="2022-11-08",
        end_date="2022-11-09",
        **management("talks", 1),
        **{
            "talks-0-title": "Hebbian learning today",
            "talks-0-kind": "keynote",
            "talks-0-new_speakers": "Sebastian Seung",
            "talks-0-note": "시냅스 얘기.",
            "talks-0-note_visibility": "private",
        },
        **management("papers", 1),
        **{"papers-0-title": "Stacked Hebbian", "papers-0-presentation": "poster"},
        **{"papers-0-note": "포스터 앞 줄이 길었다.", "papers-0-note_visibility": "public"},
        **management("booths", 1),
        **{"booths-0-organization": "Rebellions", "booths-0-kind": "startup"},
        **{"booths-0-note": "NPU 데모.", "booths-0-note_visibility": "public"},
    )
    response = admin_client.post(f"/admin/events/event/{forum.pk}/change/", post)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    talk_note = Note.objects.get(talk__title="Hebbian learning today")
    assert talk_note.visibility == "private" and talk_note.owner == admin_user
    assert talk_note.talk.speaker_list[0].name == "Sebastian Seung"
    assert Note.objects.get(paper__title="Stacked Hebbian").body == "포스터 앞 줄이 길었다."
    assert Note.objects.get(booth__organization="Rebellions").visibility == "public"


# --------------------------------------------------------------------------- quick note


def test_the_quick_note_starts_at_the_event_in_progress(admin_client, admin_user):
    today = timezone.localdate()
    make.EventFactory(
        name="Last year", start_date=today.replace(year=today.year - 1), owner=admin_user
    )
    now = make.EventFactory(
        name="This week", start_date=today - datetime.timedelta(days=1), owner=admin_user
    )
    make.EventFactory(name="Someone else's", start_date=today)  # not the user's
    html = admin_client.get("/admin/talks/note/add/").content.decode()
    assert selected(html, "event") == [str(now.pk)]
    assert "Private until you choose Public: only you can see it." in html


def test_a_note_about_a_talk_opened_from_its_page_comes_back_to_it(admin_client, forum):
    talk = make.TalkFactory(event=forum, title="Keynote")
    html = admin_client.get(
        f"/admin/talks/note/add/?talk={talk.pk}&next=/talks/{talk.pk}/"
    ).content.decode()
    assert selected(html, "event") == [str(forum.pk)]
    assert selected(html, "talk") == [str(talk.pk)]
    response = admin_client.post(
        f"/admin/talks/note/add/?talk={talk.pk}&next=/talks/{talk.pk}/",
        {"event": forum.pk, "talk": talk.pk, "body": "좋은 발표", "visibility": "private"},
    )
    assert response.status_code == 302 and response["Location"] == f"/talks/{talk.pk}/"
    assert Note.objects.get().talk == talk


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_a_next_page_elsewhere_is_not_followed(admin_client, forum, target):
    response = admin_client.post(
        "/admin/talks/note/add/?" + urlencode({"next": target}),
        {"event": forum.pk, "body": "메모", "visibility": "private"},
    )
    assert response.status_code == 302 and response["Location"] == "/admin/talks/note/"


def test_a_new_note_takes_the_visibility_last_chosen_at_the_event(admin_client, admin_user, forum):
    other = make.EventFactory(owner=admin_user)
    make.NoteFactory(event=forum, owner=admin_user, visibility="public")
    make.NoteFactory(event=other, owner=admin_user, visibility="private")
    html = admin_client.get(f"/admin/talks/note/add/?event={forum.pk}").content.decode()
    assert selected(html, "visibility") == ["public"]
    assert "Public, like your last one at this event: anyone can read it." in html
    html = admin_client.get(f"/admin/talks/note/add/?event={other.pk}").content.decode()
    assert selected(html, "visibility") == ["private"]
    assert "Private, like your last one at this event: only you can see it." in html
    # The event page's new rows (notes, and the note of a new talk) start the same way.
    html = admin_client.get(f"/admin/events/event/{forum.pk}/change/").content.decode()
    empty_note = re.search(r'id="notes-empty".*?</fieldset>', html, re.S).group(0)
    assert selected(empty_note, "notes-__prefix__-visibility") == ["public"]
    empty_talk = re.search(r'id="talks-empty".*?</fieldset>', html, re.S).group(0)
    assert selected(empty_talk, "talks-__prefix__-note_visibility") == ["public"]
    # Someone else's public note there says nothing of this user's choice.
    make.NoteFactory(event=other, owner=make.UserFactory(), visibility="public")
    html = admin_client.get(f"/admin/talks/note/add/?event={other.pk}").content.decode()
    assert selected(html, "visibility") == ["private"]


# --------------------------------------------------------------------------- public pages


def test_the_journals_writers_find_edit_links_on_public_pages(admin_client, admin_user, forum):
    talk = make.TalkFactory(event=forum, title="Keynote")
    note = make.NoteFactory(event=forum, owner=admin_user, visibility="public")
    html = admin_client.get(f"/events/{forum.slug}/").content.decode()
    assert f'href="/admin/events/event/{forum.pk}/change/">Edit event</a>' in html
    note_form = f"/admin/talks/note/add/?event={forum.pk}&amp;next=/events/{forum.slug}/"
    assert f'href="{note_form}">Write a note</a>' in html
    assert f'href="/admin/events/event/add/?parent={forum.pk}">Add a day or side event</a>' in html
    html = admin_client.get(talk.get_absolute_url()).content.decode()
    assert f'href="/admin/talks/talk/{talk.pk}/change/">Edit</a>' in html
    assert f"?event={forum.pk}&amp;talk={talk.pk}&amp;next=" in html
    html = admin_client.get(note.get_absolute_url()).content.decode()
    assert f'href="/admin/talks/note/{note.pk}/change/">Edit</a>' in html


def test_visitors_find_no_edit_links(client, forum):
    talk = make.TalkFactory(event=forum, title="Keynote")
    for url in (f"/events/{forum.slug}/", talk.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "/admin/" not in html.replace('href="/admin/login/"', ""), url


# --------------------------------------------------------------------------- the admin on a phone


def test_the_admins_first_page_offers_a_quick_note(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert (
        '<a class="button default" href="/admin/talks/note/add/?next=/admin/">Quick note</a>'
        in (html)
    )
    html = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert ">빠른 메모</a>" in html


def test_a_saved_event_shows_what_was_logged_first(admin_client, forum):
    make.TalkFactory(event=forum, title="Keynote")
    html = admin_client.get(f"/admin/events/event/{forum.pk}/change/").content.decode()
    assert (
        html.index('id="talks-group"')
        < html.index('id="photos-group"')
        < html.index('name="start_date"')
    )
    # The event's own fields are folded: <details> that a tap opens.
    assert re.search(r'<details><summary>\s*<h2 [^>]*class="fieldset-heading">Event details', html)
    html = admin_client.get("/admin/events/event/add/").content.decode()
    assert html.index('name="start_date"') < html.index('id="talks-group"')


def test_the_event_list_names_a_day_with_its_conference(admin_client, forum):
    make.EventFactory(
        name="Day 1", parent=forum, start_date=forum.start_date, end_date=forum.start_date
    )
    html = admin_client.get("/admin/events/event/").content.decode()
    assert "Samsung AI Forum 2022 \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK} Day 1" in html


# --------------------------------------------------------------------------- places


def test_a_new_event_offers_the_places_typed_before(admin_client, forum):
    make.EventFactory(city="New Orleans", venue="Ernest N. Morial Convention Center")
    html = admin_client.get("/admin/events/event/add/").content.decode()
    city = re.search(
        r'<input [^>]*name="city"[^>]*>\s*<datalist id="([^"]+)">(.*?)</datalist>', html
    )
    assert city and 'list="id_city_typed"' in city.group(0) and city.group(1) == "id_city_typed"
    assert re.findall(r'<option value="([^"]*)">', city.group(2)) == ["New Orleans", "서울"]
    assert '<option value="Ernest N. Morial Convention Center">' in html


def test_the_stats_count_a_city_once_whatever_its_case(client):
    for spelling in ("Seoul", "seoul", "Seoul "):
        make.EventFactory(city=spelling, country="KR", visibility="public")
    html = client.get("/stats/").content.decode()
    assert re.search(r"Seoul, South Korea</t[hd]>\s*<td[^>]*>3<", html), html[html.find("city") :][
        :3000
    ]


def test_one_writers_remembered_choice_never_starts_anothers_note(client, admin_user, forum):
    """The talk form's note visibility is a field of the form class itself: a suggestion
    for one request must not stay on it for the next (another user's, another event's)."""
    make.NoteFactory(event=forum, owner=admin_user, visibility="public")
    client.force_login(admin_user)
    html = client.get(f"/admin/talks/talk/add/?event={forum.pk}").content.decode()
    assert selected(html, "note_visibility") == ["public"]

    other_event = make.EventFactory(name="Someone's meetup")
    client.force_login(make.StaffFactory(username="newcomer"))
    html = client.get(f"/admin/talks/talk/add/?event={other_event.pk}").content.decode()
    assert selected(html, "note_visibility") == ["private"]
    assert "Private until you choose Public" in html
