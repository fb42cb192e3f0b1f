"""Public pages stay light and local: nothing is fetched from another host, CSS and JS
are small once compressed, and WhiteNoise serves them compressed with far-future caching.

Every kind of public page is opened in Chromium as served by gunicorn; every
request the page makes is recorded, and so is every console error and CSP
violation. The stylesheets and scripts a page loads are then fetched again
with `Accept-Encoding: gzip, br`, as a browser asks for them, and their
compressed sizes added up.
"""

import re
from urllib.parse import urlsplit

import pytest

from tests.page_samples import REQUIRED_KINDS

pytestmark = pytest.mark.database("sqlite")

BUDGET = 30 * 1024  # bytes of CSS + JS, compressed, on one public page
YEAR = 365 * 24 * 3600
ASSETS = """() => [
  ...[...document.querySelectorAll("link[rel~=stylesheet], script[src]")]
    .map((e) => e.href || e.src),
  ...performance.getEntriesByType("resource").map((e) => e.name)
    .filter((name) => /\\.(css|js)(\\?|$)/.test(name)),
]"""


def test_public_pages_fetch_nothing_from_elsewhere_and_log_no_error(
    context_factory, public_pages, site_server
):
    assert set(public_pages) >= REQUIRED_KINDS, REQUIRED_KINDS - set(public_pages)
    context, watch = context_factory()
    page = context.new_page()
    for url in public_pages.values():
        page.goto(url)
    # And in Korean, as the browser's language picks it.
    korean, korean_watch = context_factory(locale="ko-KR")
    page = korean.new_page()
    for url in public_pages.values():
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == "ko", url
    watch.requests += korean_watch.requests
    watch.errors += korean_watch.errors
    host = urlsplit(site_server.url).netloc
    elsewhere = [url for url in watch.requests if urlsplit(url).netloc != host]
    assert not elsewhere, "requests that left the host:\n" + "\n".join(elsewhere)
    assert len(watch.requests) >= len(public_pages)
    assert not watch.errors, "\n".join(watch.errors)


def test_css_and_js_of_a_public_page_weigh_at_most_30_kb_compressed(
    context_factory, public_pages, site_server
):
    context, _watch = context_factory()
    page = context.new_page()
    weights = {}
    headers_seen = {}
    for kind, url in public_pages.items():
        page.goto(url)
        # From the page itself, not from request events: a file the browser
        # has cached from an earlier page is not requested again.
        assets = page.evaluate(ASSETS)
        total = 0
        for asset in sorted(set(assets)):
            path = urlsplit(asset).path
            if path not in headers_seen:
                status, headers, body = site_server.fetch(
                    path, headers={"Accept-Encoding": "gzip, br"}
                )
                assert status == 200, asset
                headers_seen[path] = (headers, len(body))
            headers, size = headers_seen[path]
            total += size
        weights[kind] = total

    assert headers_seen, "no public page loads a stylesheet or a script"
    for path, (headers, _size) in headers_seen.items():
        # Hashed names (site.1a2b3c4d5e6f.css), compressed, cached for a year or more.
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", path), path
        assert headers.get("Content-Encoding") in {"gzip", "br"}, (path, dict(headers))
        max_age = re.search(r"max-age=(\d+)", headers.get("Cache-Control", ""))
        assert max_age and int(max_age.group(1)) >= YEAR, (path, headers.get("Cache-Control"))
        assert "immutable" in headers.get("Cache-Control", ""), path

    heaviest = max(weights, key=weights.get)
    print(
        f"\nCSS + JS per public page, compressed: at most {weights[heaviest]} bytes "
        f"({weights[heaviest] / 1024:.1f} KB, {heaviest}); files: "
        + ", ".join(f"{path} {size} B" for path, (_h, size) in sorted(headers_seen.items()))
    )
    assert weights[heaviest] <= BUDGET, weights


def test_a_csp_violation_would_be_caught(context_factory):
    """The watch itself works: an inline style the CSP refuses is reported."""
    context, watch = context_factory()
    page = context.new_page()
    page.goto("/")
    assert not watch.errors
    page.evaluate(
        """() => { const style = document.createElement("style");
        style.textContent = "body { color: red }"; document.head.append(style); }"""
    )
    page.wait_for_timeout(200)  # the violation event is queued
    assert any("CSP violation: style-src" in error for error in watch.errors), watch.errors
