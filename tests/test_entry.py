"""Entering a conference on a phone: the inputs a phone can fill, the rows a post may
announce, the admin's own name, and what the forms offer."""

import datetime

import pytest

from events.models import Booth, Event
from talks.models import Talk
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
    assert 'type="radio" name="rating" value="5"' in html
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
