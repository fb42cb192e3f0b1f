"""Logging a talk and a note on a phone, in Korean, in a real browser, counting the pages.

As the journal's writer on a 390 by 844 viewport with a Korean browser: from NeurIPS
2022's public page, add a day (the form starts from the conference), then from the
day's page add a talk with two speakers, one already known (picked by another
spelling) and one new (typed), and a public note about it, in one form. The talk and
note part may take at most three page loads. Then a visitor, not logged in, finds the
talk, both speakers and the note on the day's public page. Screenshots of the entry
screens in both languages go to test-artifacts/.
"""

import re

import pytest

from tests.browser.conftest import ADMIN_PASSWORD, ADMIN_USER
from tests.browser.test_journey import pick_autocomplete, shoot

pytestmark = pytest.mark.database("sqlite")

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DAY = "Day 3 · Expo Hall"
TALK = "신경망 이후의 과학: 패널 토론"
NEW_SPEAKER = "오혜연"
NOTE = "벤지오 교수가 과학자의 책임을 이야기했다. 질문 시간이 길었다."


def log_in(page):
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", ADMIN_USER)
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def test_a_talk_with_a_new_speaker_and_a_note_on_a_new_day_in_korean(context_factory, artifacts):
    context, watch = context_factory(locale="ko-KR", **PHONE)
    page = context.new_page()
    log_in(page)
    assert "빠른 메모" in page.locator("main, #content").first.inner_text()
    shoot(page, artifacts, "entry-admin-index-ko")

    # A day, added from the conference's public page: the form starts filled in.
    page.goto("/events/neurips-2022/")
    page.get_by_role("link", name="일정이나 부대 행사 추가").click()
    page.wait_for_url("**/admin/events/event/add/?parent=*")
    assert page.locator("#id_city").input_value() == "New Orleans"
    assert page.locator("#id_country").input_value() == "US"
    assert page.locator("#id_start_date").get_attribute("type") == "date"
    assert page.locator("#id_start_date").get_attribute("min") == "2022-11-28"
    assert page.locator("#id_parent option:checked").inner_text() == "NeurIPS 2022"
    page.fill("#id_name", DAY)
    page.fill("#id_start_date", "2022-11-30")
    page.fill("#id_end_date", "2022-11-30")
    shoot(page, artifacts, "entry-day-from-parent-ko")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/events/event/")
    assert page.locator(".messagelist .success").count() == 1, page.content()

    # From the day's page, the talk, its speakers and a note: count the pages loaded.
    page.goto("/events/neurips-2022/")
    page.get_by_role("link", name=DAY).first.click()
    # A day's address starts with its conference's.
    page.wait_for_url(re.compile(r"/events/neurips-2022-day-3-expo-hall[^/]*/$"))
    day_url = page.url
    loads = []
    page.on("load", lambda: loads.append(page.url))

    page.get_by_role("link", name="발표 추가").click()
    page.wait_for_url(re.compile(r"/admin/talks/talk/add/\?event="))
    assert page.locator("#id_date").input_value() == "2022-11-30"  # the day's date
    page.fill("#id_title", TALK)
    page.select_option("#id_kind", "panel")
    pick_autocomplete(page, "id_speakers", "벤지오", "Yoshua Bengio")  # another spelling
    page.fill("#id_new_speakers", NEW_SPEAKER)
    page.fill("#id_start_time", "14:00")
    page.select_option("#id_rating", "5")
    page.fill("#id_note", NOTE)
    page.select_option("#id_note_visibility", "public")
    shoot(page, artifacts, "entry-talk-with-note-ko")
    page.click("input[name=_save]")
    page.wait_for_url(day_url)
    page.wait_for_load_state("load")

    assert len(loads) <= 3, loads
    assert "저장했습니다" in page.locator(".messages").inner_text()
    shoot(page, artifacts, "entry-back-on-the-day-ko")

    # A visitor sees the talk, both speakers and the public note.
    visitor_context, visitor_watch = context_factory(locale="ko-KR", **PHONE)
    visitor = visitor_context.new_page()
    visitor.goto(day_url)
    text = visitor.locator("main").inner_text()
    for expected in (TALK, "Yoshua Bengio", NEW_SPEAKER, "과학자의 책임"):
        assert expected in text, expected
    assert "발표 추가" not in text  # no writer's links for a visitor
    assert not watch.errors, "\n".join(watch.errors)
    assert not visitor_watch.errors, "\n".join(visitor_watch.errors)


def test_the_entry_screens_in_english_on_a_phone(context_factory, artifacts):
    context, watch = context_factory(**PHONE)
    page = context.new_page()
    log_in(page)
    assert "Quick note" in page.locator("#content").inner_text()
    shoot(page, artifacts, "entry-admin-index-en")
    page.goto("/events/neurips-2022/")
    page.get_by_role("link", name="Write a note").click()
    page.wait_for_url(re.compile(r"/admin/talks/note/add/\?event="))
    assert page.locator("#id_event option:checked").inner_text() == "NeurIPS 2022"
    assert "only you can see it" in page.locator(".field-visibility").inner_text()
    shoot(page, artifacts, "entry-quick-note-en")
    page.goto("/events/neurips-2022/")
    page.get_by_role("link", name="Add a talk").click()
    page.wait_for_url(re.compile(r"/admin/talks/talk/add/\?event="))
    assert page.locator("#id_note").is_visible()
    shoot(page, artifacts, "entry-talk-with-note-en")
    assert not watch.errors, "\n".join(watch.errors)


@pytest.mark.parametrize("locale", ["en-US", "ko-KR"])
def test_the_header_on_a_phone_leaves_room_for_the_page(context_factory, artifacts, locale):
    context, watch = context_factory(locale=locale, **PHONE)
    page = context.new_page()
    page.goto("/events/")
    header = page.locator("header.site-header")
    assert header.bounding_box()["height"] <= 120
    assert page.locator("#site-search-q").is_visible()
    assert not page.locator(".site-nav").is_visible()
    shoot(page, artifacts, f"header-phone-{locale[:2]}")
    # The menu opens without script and leads on.
    page.locator(".site-menu summary").click()
    links = page.locator(".site-menu nav a")
    assert links.count() == 8 and links.first.is_visible()
    with page.expect_navigation():
        links.nth(1).click()
    assert page.url.endswith("/talks/")
    assert not watch.errors, "\n".join(watch.errors)


def test_the_header_on_a_desktop_shows_its_links_in_a_row(context_factory):
    context, _watch = context_factory()
    page = context.new_page()
    page.goto("/events/")
    assert page.locator(".site-nav a").count() == 8 and page.locator(".site-nav").is_visible()
    assert not page.locator(".site-menu").is_visible()
