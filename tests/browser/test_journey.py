"""A day at a conference, logged on a phone and read back on a laptop, in a real browser.

On a 390 by 844 viewport the editor logs in to the admin and creates an event
with a sub-event, two talks by a speaker made on the spot (the autocomplete's
+), a paper, a booth and a Korean note with tags, all through the event's
inlines and autocomplete widgets. Then the event is found on the timeline and
opened, the note is found by a Korean word written without its particle, and
the same pages are read again in the other language. No page may log a
console error or a CSP violation; screenshots go to test-artifacts/.
"""

import re

import pytest

from tests.browser.conftest import ADMIN_PASSWORD, ADMIN_USER

pytestmark = pytest.mark.database("sqlite")

PHONE = {"width": 390, "height": 844}
SUMMIT = "Seoul Generative AI Summit 2026"
DAY = "Day 1 · COEX Hall D"
SPEAKER = "Kyunghyun Cho"
TALKS = ["Machine translation after large language models", "Learning to search, revisited"]
PAPER = "Generative models for protein design"
BOOTH = "Prescient Design"
NOTE_TITLE = "기조연설 메모: 번역의 다음 단계"
# "조경현은": the name with the topic particle 은; searched for as 조경현.
NOTE_BODY = "조경현은 대형 언어 모델 이후의 기계 번역에 대해 이야기했다. 질문이 많았다."
NOTE_TAGS = "기계번역, AI 안전"


def pick_autocomplete(page, select_id, term, choice):
    """Open the select2 widget of `select_id`, type `term`, click the option `choice`."""
    page.locator(f"#{select_id} + .select2").click()
    search = page.locator(".select2-container--open .select2-search__field")
    search.fill(term)
    page.locator(".select2-results__option", has_text=choice).click()


def add_inline(page, prefix):
    """Click the inline group's "Add another …" link; the new form's index."""
    total = page.locator(f"#id_{prefix}-TOTAL_FORMS")
    index = int(total.input_value())
    page.locator(f"#{prefix}-group .add-row a").click()
    page.locator(f"#{prefix}-{index}").wait_for()
    return index


def shoot(page, artifacts, name):
    page.screenshot(path=artifacts / f"{name}.png", full_page=True)


def test_log_a_day_on_a_phone_then_find_it_in_both_languages(context_factory, artifacts):
    context, watch = context_factory(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()

    # Log in.
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", ADMIN_USER)
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")

    # The event, with everything of the day in its inlines.
    page.goto("/admin/events/event/add/")
    page.fill("#id_name", SUMMIT)
    page.select_option("#id_kind", "summit")
    page.fill("#id_start_date", "2026-11-16")
    page.fill("#id_end_date", "2026-11-18")
    page.fill("#id_venue", "COEX")
    page.fill("#id_city", "Seoul")
    page.select_option("#id_country", "KR")
    page.fill("#id_tags", "AI, 서울")
    page.select_option("#id_visibility", "public")

    # First talk: its speaker is new, made with the autocomplete's +.
    first = add_inline(page, "talks")
    page.fill(f"#id_talks-{first}-title", TALKS[0])
    page.select_option(f"#id_talks-{first}-kind", "keynote")
    with page.expect_popup() as popup_info:
        page.click(f"#add_id_talks-{first}-speakers")
    popup = popup_info.value
    popup.fill("#id_name", SPEAKER)
    popup.fill("#id_affiliation", "NYU")
    with popup.expect_event("close"):
        popup.click("input[name=_save]")
    chosen = page.locator(f"#id_talks-{first}-speakers + .select2 .select2-selection__choice")
    assert chosen.inner_text().strip().endswith(SPEAKER)
    page.fill(f"#id_talks-{first}-date", "2026-11-16")
    page.fill(f"#id_talks-{first}-tags", "기계번역, LLM")

    # Second talk: the same speaker, found by the autocomplete.
    second = add_inline(page, "talks")
    page.fill(f"#id_talks-{second}-title", TALKS[1])
    pick_autocomplete(page, f"id_talks-{second}-speakers", "Kyunghyun", SPEAKER)
    page.fill(f"#id_talks-{second}-date", "2026-11-17")

    paper = add_inline(page, "papers")
    page.fill(f"#id_papers-{paper}-title", PAPER)
    page.fill(f"#id_papers-{paper}-authors", "Kyunghyun Cho\nRichard Bonneau")
    page.fill(f"#id_papers-{paper}-tags", "GFlowNets")

    booth = add_inline(page, "booths")
    page.fill(f"#id_booths-{booth}-organization", BOOTH)
    page.select_option(f"#id_booths-{booth}-kind", "university")
    page.fill(f"#id_booths-{booth}-swag", "스티커")

    note = add_inline(page, "notes")
    page.fill(f"#id_notes-{note}-title", NOTE_TITLE)
    page.fill(f"#id_notes-{note}-body", NOTE_BODY)
    page.select_option(f"#id_notes-{note}-visibility", "public")
    page.fill(f"#id_notes-{note}-tags", NOTE_TAGS)

    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r"/admin/events/event/\d+/change/"))
    assert page.locator(".messagelist .success").count() == 1, page.content()
    shoot(page, artifacts, "admin-event-saved-en")

    # The sub-event, under the summit through the "part of" autocomplete.
    page.goto("/admin/events/event/add/")
    page.fill("#id_name", DAY)
    page.select_option("#id_kind", "other")
    pick_autocomplete(page, "id_parent", "Seoul Generative", SUMMIT)
    page.fill("#id_start_date", "2026-11-16")
    page.fill("#id_end_date", "2026-11-16")
    page.select_option("#id_visibility", "public")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/events/event/")
    assert page.locator(".messagelist .success").count() == 1, page.content()

    # On the timeline, on a phone.
    page.goto("/events/")
    card = page.get_by_role("link", name=SUMMIT, exact=True)
    card.first.click()
    page.wait_for_url("**/events/seoul-generative-ai-summit-2026/")
    content = page.locator("main").inner_text()
    for text in [SUMMIT, DAY, *TALKS, SPEAKER, PAPER, BOOTH, NOTE_TITLE]:
        assert text in content, f"{text!r} missing from the event page"

    # Found by its Korean word without the particle: 조경현 in "조경현은".
    page.fill("#site-search-q", "조경현")
    page.locator("#site-search-q").press("Enter")
    page.wait_for_url("**/search/?q=*")
    results = page.locator("main").inner_text()
    assert NOTE_TITLE in results

    assert not watch.errors, "\n".join(watch.errors)


def visit_in_both_languages(context, watch, artifacts, name, path, checks):
    """Visit `path` in English, switch to Korean with the header's switcher; screenshots."""
    page = context.new_page()
    page.goto(path)
    assert page.locator("html").get_attribute("lang") == "en"
    for english, _korean in checks:
        assert re.search(english, page.locator("body").inner_text()), (path, english)
    shoot(page, artifacts, f"{name}-en")
    with page.expect_navigation():
        page.locator(".language-switcher button[value=ko]").click()
    assert page.locator("html").get_attribute("lang") == "ko"
    text = page.locator("body").inner_text()
    for _english, korean in checks:
        assert re.search(korean, text), (path, korean)
    shoot(page, artifacts, f"{name}-ko")
    with page.expect_navigation():
        page.locator(".language-switcher button[value=en]").click()
    assert page.locator("html").get_attribute("lang") == "en"
    page.close()


def test_same_pages_in_the_other_language(context_factory, artifacts):
    context, watch = context_factory()
    pages = [
        (
            "timeline",
            "/events/",
            [("Timeline", "타임라인"), (r"Nov\. 28, 2022", "2022년 11월 28일")],
        ),
        (
            "event",
            "/events/neurips-2022/",
            [(r"Nov\. 28, 2022", "2022년 11월 28일"), ("Talks", "발표")],
        ),
        ("search", "/search/?q=pruning", [("Search", "검색")]),
        ("stats", "/stats/", [("Timeline", "타임라인")]),
    ]
    for name, path, checks in pages:
        visit_in_both_languages(context, watch, artifacts, name, path, checks)
    assert not watch.errors, "\n".join(watch.errors)
