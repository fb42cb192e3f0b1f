"""`escape`, `format_html` and `format_html_join` for markup built in loops.

The same contract as `django.utils.html`'s functions of those names: every
argument is escaped unless it is already safe (has `__html__`), lazy strings are
evaluated first, and the result is safe. Django wraps its `escape` in
`keep_lazy`, which inspects every argument of every call; the timeline's 500
topic `<option>`s and 20 event cards made ~800 such calls a request, about a
third of the page's Python time (issue 7, docs/benchmarks.md). These do the
same escaping (`html.escape`, as Django's own `escape` does) without that wrapper.

This is the one module besides the Markdown sanitizer (`confjournal/core/markup.py`)
that marks text safe; tests/test_html.py holds it to Django's functions on
hostile input, and tests/test_visibility_gate.py allows no other.
"""

import html
from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.safestring import SafeString


def _escaped(value):
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def escape(text):
    """The text with `&`, `<`, `>`, `"` and `'` escaped, marked safe (even if it was).

    A lazy string is rendered at once, in the active language (Django's stays lazy).
    """
    return SafeString(html.escape(str(text)))


def format_html(format_string, *args, **kwargs):
    """`format_string.format(...)` with every argument conditionally escaped."""
    return SafeString(
        format_string.format(
            *map(_escaped, args), **{name: _escaped(value) for name, value in kwargs.items()}
        )
    )


def format_html_join(sep, format_string, args_generator):
    """`sep` joined over `format_html(format_string, *args)` for each args tuple."""
    return SafeString(
        _escaped(sep).join(
            format_html(format_string, **args)
            if isinstance(args, Mapping)
            else format_string.format(*map(_escaped, args))
            for args in args_generator
        )
    )
