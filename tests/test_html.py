"""confjournal.core.html escapes exactly as django.utils.html does, on hostile input too."""

import datetime

import pytest
from django.utils import html as django_html
from django.utils.functional import lazy
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy, override

from confjournal.core import html
from tests.datafiles import blns_lines

OTHER_VALUES = [
    "",
    "<script>alert('x')</script>",
    "\"quoted\" & 'single'",
    "{} {0} {name}",  # braces in a value are text, not placeholders
    "벤지오 교수님의 강연은 <흥미로웠다>",
    0,
    -1.5,
    None,
    datetime.date(2022, 11, 28),
    mark_safe("<b>already safe</b>"),
    SafeString("&amp; kept"),
    gettext_lazy("Private"),
    lazy(lambda: "<lazy & text>", str)(),
]


def values():
    return [*blns_lines(), *OTHER_VALUES]


def test_escape_is_djangos_for_every_hostile_string():
    for value in values():
        ours, theirs = html.escape(value), django_html.escape(value)
        # Django's stays lazy for a lazy string; ours is rendered at once, in the
        # active language, which is when the renderers call it.
        assert ours == str(theirs) and isinstance(ours, SafeString), repr(value)


def test_format_html_is_djangos_for_every_hostile_string():
    template = '<a href="/x/{}" title="{}">{}</a>'
    for value in values():
        ours = html.format_html(template, value, value, value)
        assert ours == django_html.format_html(template, value, value, value), repr(value)
        assert isinstance(ours, SafeString)
    named = html.format_html("<p>{name}</p>", name="<i>")
    assert named == django_html.format_html("<p>{name}</p>", name="<i>") == "<p>&lt;i&gt;</p>"


def test_format_html_join_is_djangos_for_rows_and_mappings():
    rows = [(value, value) for value in values()]
    template = '<option value="{}">{}</option>'
    ours = html.format_html_join("\n", template, rows)
    assert ours == django_html.format_html_join("\n", template, rows)
    assert isinstance(ours, SafeString)
    mappings = [{"v": value} for value in values()]
    assert html.format_html_join("<br>", "<li>{v}</li>", mappings) == django_html.format_html_join(
        "<br>", "<li>{v}</li>", mappings
    )


@pytest.mark.parametrize("language", ["en", "ko"])
def test_lazy_translations_are_rendered_in_the_active_language(language):
    with override(language):
        ours = html.format_html("<span>{}</span>", gettext_lazy("Private"))
        assert ours == django_html.format_html("<span>{}</span>", gettext_lazy("Private"))
    assert ours in ("<span>Private</span>", "<span>비공개</span>")
