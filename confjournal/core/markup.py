"""Markdown rendering: python-markdown, then the nh3 sanitizer; and Markdown read as
plain text, for excerpts.

`render_markdown` (and `sanitize`, which it ends with) are the only functions
whose output the templates may treat as safe HTML.
"""

import functools
import html
import re
import threading

import markdown
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer ugc"
EXTENSIONS = ["extra", "sane_lists"]


# C0 control characters other than tab and newlines: browsers drop them inside
# URLs ("java\x01script:"), so they are removed before anything else reads the text.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# One converter per thread, reset before each document, as Python-Markdown's
# reference advises for many documents: `markdown.markdown()` builds a new one
# per call (loading the extensions, registering ~50 processors). An instance is
# not thread-safe, and gunicorn runs two threads per worker: hence thread-local.
_converters = threading.local()


def _converter():
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown.Markdown(
            extensions=EXTENSIONS, output_format="html"
        )
    return converter


@functools.lru_cache(maxsize=2048)
def render_markdown(text):
    """Markdown source to sanitised HTML, marked safe for templates.

    Kept per text, that is per revision of a note: a feed or a page shows the same notes
    again on the next request.
    """
    source = CONTROL_CHARACTERS.sub("", text or "")
    # reset() clears what one document leaves behind: footnotes, abbreviations,
    # link references (the tests render documents in a row to check it).
    return sanitize(_converter().reset().convert(source))


def sanitize(html):
    """HTML reduced to the allowed tags, attributes and URL schemes, marked safe."""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 output is the one sanitised source


# Where a block ends in rendered HTML, its text and the next one's get a space between.
BLOCK_ENDS = re.compile(r"(</(?:p|li|h[1-6]|blockquote|pre|tr|td|th|dt|dd)>|<br\s*/?>|<hr\s*/?>)")


@functools.lru_cache(maxsize=4096)
def plain_text(text):
    """Markdown as the words a reader sees: no `**`, `##`, `>` or link syntax, one line.

    Kept per text: an excerpt shows again on the next page that lists its record.
    """
    source = CONTROL_CHARACTERS.sub("", text or "")
    rendered = BLOCK_ENDS.sub(r"\1 ", _converter().reset().convert(source))
    words = html.unescape(nh3.clean(rendered, tags=set(), strip_comments=True))
    return " ".join(words.split())
