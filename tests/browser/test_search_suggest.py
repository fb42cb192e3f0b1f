"""The search form's speaker field, with and without its script, in a real browser.

With static/js/speaker-suggest.js, typing part of another spelling (승현 for
Sebastian Seung, whose other spelling is 승현준) lists the speaker; the arrow
keys and Enter pick it, the field gets the slug, and the search filters on
it. With JavaScript off the same field takes the slug as plain text.
No console error and no CSP violation either way.
"""

import pytest

pytestmark = pytest.mark.database("sqlite")


def test_speaker_field_suggests_and_picks_with_the_keyboard(context_factory):
    context, watch = context_factory()
    page = context.new_page()
    page.goto("/search/")
    field = page.locator("#search-speaker")
    assert field.get_attribute("role") == "combobox"
    assert field.get_attribute("aria-expanded") == "false"
    field.press_sequentially("승현", delay=40)
    option = page.locator("#search-speaker-suggestions [role=option]", has_text="Sebastian Seung")
    option.wait_for()
    assert "승현준" in option.text_content()
    assert field.get_attribute("aria-expanded") == "true"
    field.press("ArrowDown")
    assert field.get_attribute("aria-activedescendant") == option.get_attribute("id")
    field.press("Enter")
    slug = field.input_value()
    assert slug and slug != "승현"
    assert page.locator("#search-speaker-chosen").text_content() == "Sebastian Seung"
    assert field.get_attribute("aria-expanded") == "false"
    field.press("Enter")
    page.wait_for_url(f"**speaker={slug}**")
    assert "Sebastian Seung" in page.locator("main p.meta").first.text_content()
    assert watch.errors == []


def test_speaker_field_works_without_javascript(context_factory):
    context, watch = context_factory(java_script_enabled=False)
    page = context.new_page()
    page.goto("/search/")
    slug = page.locator("#search-speaker")
    assert slug.get_attribute("role") is None
    page.goto("/speakers/")
    link = page.locator("a", has_text="Sebastian Seung").first
    speaker_slug = link.get_attribute("href").rstrip("/").rsplit("/", 1)[-1]
    page.goto("/search/")
    page.locator("#search-speaker").fill(speaker_slug)
    page.locator("form.search-form button[type=submit]").click()
    page.wait_for_url(f"**speaker={speaker_slug}**")
    assert "Sebastian Seung" in page.locator("main p.meta").first.text_content()
    assert watch.errors == []
