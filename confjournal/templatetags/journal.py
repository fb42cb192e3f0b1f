"""The journal's template filters and tags: Markdown, choice labels, dates, query strings."""

import functools

from django import template
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import get_language

from confjournal.core.markup import plain_text, render_markdown

register = template.Library()


@register.filter
def markdown(text):
    return render_markdown(text)


@register.filter
def plain(text):
    """Markdown as plain text, for an excerpt (then |truncatechars)."""
    return plain_text(text)


@functools.lru_cache(maxsize=256)
def _labels(model, field, language):
    return {value: str(label) for value, label in model._meta.get_field(field).flatchoices}


@register.filter
def label(record, field):
    """`record.get_<field>_display()`, from a table kept per language.

    Django's own rebuilds and hashes the field's choices on each call:
    a list of hundreds of records spent most of its time there.
    """
    value = getattr(record, field)
    return _labels(type(record), field, get_language()).get(value, value)


@functools.lru_cache(maxsize=4096)
def _day(value, language):
    return formats.date_format(value, "DATE_FORMAT")


@register.filter
def day(value):
    """A date as `|date:"DATE_FORMAT"` writes it, formatted once per date and language."""
    return _day(value, get_language()) if value else ""


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters changed (None drops one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    encoded = urlencode(sorted(params.lists()), doseq=True)
    return f"?{encoded}" if encoded else "?"
