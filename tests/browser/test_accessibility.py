"""axe-core finds no WCAG 2 A/AA violation on any kind of public page (in English and in
Korean), on the error pages (not found, server error), nor on the admin's add-event
page, in the light and the dark colour scheme.

axe-core comes from npm (package.json; `make test` runs `npm ci`) and is
injected into each page as served by gunicorn; the pages are one of each
public kind (tests/page_samples.py) from the demo journal, plus the
event the admin is about to add. Colour contrast is among the rules, so both
themes are checked.
"""

import pytest

from tests.browser.conftest import ADMIN_PASSWORD, ADMIN_USER, AXE, AXE_MISSING
from tests.conftest import require_or_skip
from tests.page_samples import REQUIRED_KINDS

pytestmark = pytest.mark.database("sqlite")

RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html,
                               summary: n.failureSummary})),
  }));
}"""


SCHEMES = ["light", "dark"]
NO_TRANSITIONS = (
    "*, *::before, *::after { transition: none !important; animation: none !important; }"
)


def axe_violations(page, url):
    """Readable lines, one per violating element, of axe's runs on `url` in both schemes.

    The page is loaded once; switching the emulated colour scheme restyles it
    in place (prefers-color-scheme), and axe runs again.
    """
    if not AXE.exists():
        require_or_skip(AXE_MISSING)
    page.emulate_media(color_scheme=SCHEMES[0])
    page.goto(url)
    page.add_script_tag(path=AXE)
    # Colours change at once, not through a transition that axe would catch halfway.
    page.add_style_tag(content=NO_TRANSITIONS)
    lines = []
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        for violation in page.evaluate(RUN_AXE, RULES):
            lines.append(
                f"{url} ({scheme}): {violation['id']} ({violation['impact']}): {violation['help']}"
            )
            for node in violation["nodes"][:5]:
                summary = node["summary"].replace("\n", " / ")
                lines.append(f"    {node['target']}: {node['html'][:160]}\n      {summary}")
            if len(violation["nodes"]) > 5:
                lines.append(f"    … and {len(violation['nodes']) - 5} more elements")
    return lines


@pytest.mark.parametrize("locale", ["en-US", "ko-KR"])
def test_no_axe_violation_on_any_public_page_kind(context_factory, public_pages, locale):
    assert set(public_pages) >= REQUIRED_KINDS, REQUIRED_KINDS - set(public_pages)
    # axe is an inline script: the page's CSP would refuse it (the CSP itself
    # is checked in test_journey and test_page_weight).
    context, watch = context_factory(bypass_csp=True, locale=locale)
    page = context.new_page()
    problems = []
    for url in public_pages.values():
        problems += axe_violations(page, url)
    assert not problems, "axe:\n" + "\n".join(problems)
    assert not watch.errors, "\n".join(watch.errors)


@pytest.mark.parametrize("locale", ["en-US", "ko-KR"])
def test_no_axe_violation_on_the_not_found_page(context_factory, locale):
    """The error pages share one layout (templates/error.html); the 404 is the one a
    visitor meets."""
    context, _watch = context_factory(bypass_csp=True, locale=locale)
    page = context.new_page()
    assert page.goto("/events/no-such-event/").status == 404
    problems = axe_violations(page, "/events/no-such-event/")
    assert not problems, "axe:\n" + "\n".join(problems)


@pytest.mark.parametrize("locale", ["en-US", "ko-KR"])
def test_no_axe_violation_on_the_server_error_page(context_factory, locale):
    """Django renders templates/500.html without a request, as here; the browser gets it
    at an address of the live site, so its styles load as on any page."""
    from django.template import loader
    from django.utils import translation

    with translation.override(locale[:2]):
        body = loader.render_to_string("500.html")
    context, _watch = context_factory(bypass_csp=True, locale=locale)
    page = context.new_page()
    page.route(
        "**/__server_error__/",
        lambda route: route.fulfill(status=500, content_type="text/html; charset=utf-8", body=body),
    )
    problems = axe_violations(page, "/__server_error__/")
    assert page.locator("h1").inner_text() in ("Something went wrong", "문제가 생겼습니다")
    assert not problems, "axe:\n" + "\n".join(problems)


def test_no_axe_violation_on_the_admin_add_event_page(context_factory):
    context, watch = context_factory(bypass_csp=True)
    page = context.new_page()
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", ADMIN_USER)
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    problems = axe_violations(page, "/admin/events/event/add/")
    assert not problems, "axe:\n" + "\n".join(problems)
    assert not watch.errors, "\n".join(watch.errors)


def test_axe_does_report_a_violation(context_factory):
    """The check itself works: an image without a text alternative is reported."""
    context, _watch = context_factory(bypass_csp=True)
    page = context.new_page()
    if not AXE.exists():
        require_or_skip(AXE_MISSING)
    page.goto("/")
    page.evaluate("""() => { const img = document.createElement("img");
        img.src = "/static/favicon.svg"; document.querySelector("main").append(img); }""")
    page.add_script_tag(path=AXE)
    violations = page.evaluate(RUN_AXE, RULES)
    assert [v["id"] for v in violations] == ["image-alt"]
