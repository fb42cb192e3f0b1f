"""A day or side event away from its conference reads "Conference › Day"; new days get
addresses that hold their conference's; old addresses redirect, for those who may see."""

import datetime
import importlib

import pytest
from django.apps import apps

from events.models import Event, FormerSlug
from tests import factories as make

pytestmark = pytest.mark.django_db
FULL = "삼성 AI 포럼 2022 › Day 1 · 코엑스"


@pytest.fixture
def forum(db):
    owner = make.StaffMemberFactory(username="minji", group="Editors")
    forum = make.EventFactory(
        name="삼성 AI 포럼 2022", slug="samsung-ai-forum-2022", owner=owner,
        start_date=datetime.date(2022, 11, 8), end_date=datetime.date(2022, 11, 9),
    )  # fmt: skip
    day = make.EventFactory(
        name="Day 1 · 코엑스", slug="samsung-ai-forum-2022-day-1", parent=forum, owner=owner,
        start_date=datetime.date(2022, 11, 8), end_date=datetime.date(2022, 11, 8),
    )  # fmt: skip
    speaker = make.SpeakerFactory(name="Yoshua Bengio", slug="yoshua-bengio")
    talk = make.TalkFactory(event=day, title="Causal world models", speakers=[speaker])
    talk.tags.add("world models")
    note = make.NoteFactory(
        event=day, talk=talk, owner=owner, title="코엑스 메모", visibility="public"
    )
    note.tags.add("world models")
    make.PaperFactory(event=day, title="A poster").tags.add("world models")
    make.BoothFactory(event=day, organization="Samsung Research").tags.add("world models")
    return {"owner": owner, "forum": forum, "day": day, "talk": talk, "note": note}


@pytest.mark.parametrize(
    "url",
    [
        "/speakers/yoshua-bengio/",
        "/topics/world-models/",
        "/search/?q=world",
        "/search/?q=bengio",
        "/talks/",
        "/notes/",
        "/papers/",
        "/booths/",
    ],
)
def test_a_day_away_from_its_conference_names_both(client, forum, url):
    assert FULL in client.get(url).content.decode()


def test_the_conference_page_names_its_days_alone(client, forum):
    page = client.get("/events/samsung-ai-forum-2022/").content.decode()
    assert "Day 1 · 코엑스" in page
    assert FULL not in page


def test_the_day_page_title_feeds_calendar_and_recap_name_both(client, forum):
    day = client.get("/events/samsung-ai-forum-2022-day-1/").content.decode()
    assert f"<title>{FULL}" in day
    assert FULL in client.get("/feeds/events/").content.decode()
    assert f"SUMMARY:{FULL}" in client.get("/calendar.ics").content.decode()
    recap = client.get("/events/samsung-ai-forum-2022-day-1/recap.md").content.decode()
    assert recap.startswith(f"# {FULL}\n")


def test_admin_lists_and_autocomplete_name_both(client, forum):
    client.force_login(forum["owner"])
    assert FULL in client.get("/admin/talks/talk/").content.decode()
    found = client.get(
        "/admin/autocomplete/",
        {"term": "코엑스", "app_label": "talks", "model_name": "talk", "field_name": "event"},
    ).json()
    assert [result["text"] for result in found["results"]] == [FULL]


def test_a_new_day_gets_an_address_with_its_conference(client, forum):
    client.force_login(forum["owner"])
    page = client.get(f"/admin/events/event/add/?parent={forum['forum'].pk}")
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data |= {
        "name": "Day 2 · 서울대",
        "slug": "day-2-서울대",  # what the admin's own script fills in from the name
        "start_date": "2022-11-09",
        "end_date": "2022-11-09",
    }
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data |= {management.add_prefix(name): 0 for name in ("TOTAL_FORMS", "INITIAL_FORMS")}
    response = client.post("/admin/events/event/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    day2 = Event.objects.get(name="Day 2 · 서울대")
    assert day2.slug == "samsung-ai-forum-2022-day-2-서울대"
    # Next year's forum has a Day 2 too, at its own address.
    forum23 = make.EventFactory(
        name="삼성 AI 포럼 2023", slug="samsung-ai-forum-2023", owner=forum["owner"],
        start_date=datetime.date(2023, 11, 7), end_date=datetime.date(2023, 11, 8),
    )  # fmt: skip
    again = Event(
        name="Day 2 · 서울대", parent=forum23, owner=forum["owner"], kind="conference",
        start_date=datetime.date(2023, 11, 8), end_date=datetime.date(2023, 11, 8),
    )  # fmt: skip
    again.clean()
    assert again.slug == "samsung-ai-forum-2023-day-2-서울대"


def admin_form_data(page):
    """What the admin's change page would send as it stands, inline rows included."""
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: value for name, value in data.items() if value not in (None, False)}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data |= {formset.management_form.add_prefix(k): v for k, v in (
            ("TOTAL_FORMS", len(formset.forms)), ("INITIAL_FORMS", formset.initial_form_count())
        )}  # fmt: skip
        for row in formset.forms:
            data |= {row.add_prefix(n): row[n].value() for n in row.fields if row[n].value()}
    return data


def test_an_old_address_redirects_for_those_who_may_see(client, forum):
    day = forum["day"]
    client.force_login(forum["owner"])
    change = f"/admin/events/event/{day.pk}/change/"
    data = admin_form_data(client.get(change)) | {"slug": "samsung-ai-forum-2022-day-1-코엑스"}
    response = client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(FormerSlug.objects.values_list("slug", flat=True)) == [
        "samsung-ai-forum-2022-day-1"
    ]
    client.logout()
    old = "/events/samsung-ai-forum-2022-day-1/"
    new = "/events/samsung-ai-forum-2022-day-1-%EC%BD%94%EC%97%91%EC%8A%A4/"  # 코엑스
    for rest in ("", "calendar.ics?x=1", "recap.md"):
        response = client.get(old + rest)
        assert response.status_code == 301
        assert response["Location"] == new + rest
        assert "private" in response["Cache-Control"]
        assert client.get(response["Location"]).status_code == 200
    # Made private: the old address is a 404 for a visitor, with nothing of the new one.
    Event.objects.filter(pk=day.pk).update(visibility="private")
    response = client.get(old)
    assert response.status_code == 404
    assert "코엑스" not in response.content.decode()
    client.force_login(forum["owner"])
    assert client.get(old).status_code == 301
    assert client.get("/events/never-was/").status_code == 404


def test_an_address_renamed_back_or_taken_by_another_event_is_not_redirected(client, forum):
    day = forum["day"]
    FormerSlug.objects.create(slug=day.slug, event=day)  # renamed away and back again
    assert client.get(f"/events/{day.slug}/").status_code == 200
    assert client.get(f"/events/{day.slug}/no-such-page/").status_code == 404  # not a loop
    FormerSlug.objects.create(slug="saif-old", event=day)
    make.EventFactory(slug="saif-old", owner=forum["owner"])  # another event took it since
    assert client.get("/events/saif-old/no-such-page/").status_code == 404


def test_a_day_under_a_conference_with_a_long_address_keeps_its_own_part(forum):
    long = make.EventFactory(
        slug="a" * 118, owner=forum["owner"], start_date=datetime.date(2022, 1, 1)
    )
    days = []
    for n in (1, 2, 3):
        day = Event(name=f"Day {n}", parent=long, owner=forum["owner"], kind="conference",
                    start_date=long.start_date, end_date=long.start_date)  # fmt: skip
        day.clean()
        day.save()
        days.append(day.slug)
    assert days == [f"{'a' * 80}-day-1", f"{'a' * 80}-day-2", f"{'a' * 80}-day-3"]


def test_an_existing_day_whose_address_is_cleared_gets_one_from_its_conference(forum):
    day = Event.objects.get(pk=forum["day"].pk)
    day.slug = ""
    day.clean()
    assert day.slug == "samsung-ai-forum-2022-day-1-코엑스"


def test_the_migration_gives_old_days_their_conference_in_the_address(db):
    migration = importlib.import_module("events.migrations.0011_sub_event_slugs")
    owner = make.UserFactory()
    forum = make.EventFactory(name="SAIF 2022", slug="saif-2022", owner=owner)
    old_day = make.EventFactory(
        name="Day 1 · 코엑스", slug="day-1-코엑스", parent=forum, owner=owner
    )
    kept = make.EventFactory(name="Day 2", slug="saif-2022-day-2", parent=forum, owner=owner)
    migration.prefix_with_parent(apps, None)
    old_day.refresh_from_db()
    kept.refresh_from_db()
    assert old_day.slug == "saif-2022-day-1-코엑스"
    assert kept.slug == "saif-2022-day-2"
    assert list(FormerSlug.objects.values_list("slug", "event")) == [("day-1-코엑스", old_day.pk)]
