"""The pages people share, as they look: home, an event, a year in review and search, on a
390 px phone (in Korean) and a desktop (in English), light and dark.

Each is checked for what a reader would notice first (its heading shown, nothing wider
than the screen, the colour scheme followed) and saved to test-artifacts/ as
showcase-<page>-<phone|desktop>-<light|dark>.png.
"""

import pytest

from tests.browser.test_journey import shoot

pytestmark = pytest.mark.database("sqlite")

PAGES = {
    "home": "/",
    "event": "/events/neurips-2022/",
    "year": "/years/2022/",
    "search": "/search/?q=%ED%8A%B8%EB%9E%9C%EC%8A%A4%ED%8F%AC%EB%A8%B8",  # 트랜스포머
}
SCREENS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "locale": "ko-KR"},
    "desktop": {"viewport": {"width": 1280, "height": 900}, "locale": "en-US"},
}
# The page background in each scheme (static/css/site.css, --bg).
BACKGROUND = {"light": "rgb(251, 250, 247)", "dark": "rgb(21, 23, 27)"}


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_shared_pages_look_finished(context_factory, artifacts, screen, scheme):
    context, watch = context_factory(color_scheme=scheme, **SCREENS[screen])
    page = context.new_page()
    width = SCREENS[screen]["viewport"]["width"]
    for name, path in PAGES.items():
        page.goto(path)
        heading = page.locator("main h1")
        assert heading.is_visible(), path
        assert heading.inner_text().strip(), path
        # Nothing pushes the page sideways: long names and addresses wrap.
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{path} is {scroll_width} px wide on a {width} px screen"
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == BACKGROUND[scheme], (path, background)
        shoot(page, artifacts, f"showcase-{name}-{screen}-{scheme}")
    assert page.locator("html").get_attribute("lang") == SCREENS[screen]["locale"][:2]
    assert not watch.errors, "\n".join(watch.errors)
