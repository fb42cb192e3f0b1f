"""Rows of lists rendered fast: the Jinja2 environment of templates/jinja2/, and the values
every row shows (a choice's label, a date, a record's address) kept per language and
address.

A list shows tens to hundreds of records (an imported programme: 778 talks). Django's
template engine spent 0.25-0.4 ms a row (includes, variable lookups, a `reverse()` per
link); the same markup in Jinja2 with these helpers, a third to a fifth of that. Pages
stay Django templates; the row tags of confjournal/templatetags/journal.py
(`{% talk_rows %}`, `{% note_rows %}`, `{% paper_rows %}`, `{% booth_rows %}`,
`{% speaker_rows %}`, `{% event_cards %}`, `{% options %}`) render here. Jinja2 escapes
everything, as Django's templates do.
"""

import functools

from django.template import engines
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats, translation
from django.utils.text import Truncator
from django.utils.translation import ngettext_lazy
from jinja2 import Environment, pass_context
from markupsafe import Markup

from confjournal.core.markup import plain_text


@functools.lru_cache(maxsize=256)
def _labels(model, field, language):
    return {value: str(label) for value, label in model._meta.get_field(field).flatchoices}


def label(record, field):
    """`record.get_<field>_display()`, from a table kept per language.

    Django's own rebuilds and hashes the field's choices on each call: a list of
    hundreds of records spent most of its time there.
    """
    return _label(record, field, translation.get_language())


def _label(record, field, language):
    value = getattr(record, field)
    return _labels(type(record), field, language).get(value, value)


@functools.lru_cache(maxsize=4096)
def _day(value, language):
    return formats.date_format(value, "DATE_FORMAT")


def day(value):
    """A date as `|date:"DATE_FORMAT"` writes it, formatted once per date and language."""
    return _day(value, translation.get_language()) if value else ""


@functools.lru_cache(maxsize=8192)
def _url(name, argument, prefix, urlconf):
    return reverse(name, args=[argument], urlconf=urlconf)


def url(name, argument):
    """`reverse(name, args=[argument])`, kept per address: a speaker or topic recurs
    from row to row, and a list's links cost a fifth of `reverse()`'s ~25 µs each."""
    return _url(name, argument, get_script_prefix(), get_urlconf())


def urls():
    """`url` for a loop over hundreds of records: the URL prefix and the urlconf are
    thread-local reads, made here once rather than for every link."""
    prefix, urlconf = get_script_prefix(), get_urlconf()
    return lambda name, argument: _url(name, argument, prefix, urlconf)


# What an event card (and the speaker list) says of each count, marked here for
# `makemessages`, which does not read the Jinja2 templates' own calls.
COUNT_WORDS = [
    ("talk_count", ngettext_lazy("%(n)s talk", "%(n)s talks", "n")),
    ("paper_count", ngettext_lazy("%(n)s paper", "%(n)s papers", "n")),
    ("booth_count", ngettext_lazy("%(n)s booth", "%(n)s booths", "n")),
    ("note_count", ngettext_lazy("%(n)s note", "%(n)s notes", "n")),
]


def excerpt(markdown, length):
    """A Markdown text's words, shortened as `|plain|truncatechars` does."""
    return Truncator(plain_text(markdown)).chars(length)


def shorten(text, length):
    """`|truncatechars`."""
    return Truncator(text).chars(length)


# The row templates' helpers are filters (`{{ talk.pk|url("talks:detail") }}`,
# `{{ talk.date|day }}`): Jinja2 calls a filter directly but a function through its
# context, which for a 778-talk programme cost a quarter of the rows' time. The language
# and the URL prefix come from the context `render_rows` gives, read once a list (and
# from the request's thread when a template is rendered some other way).


def _language(context):
    return context.get("language") or translation.get_language()


@pass_context
def _url_filter(context, argument, name):
    """`reverse(name, args=[argument])`, kept per address, like `url()`."""
    if "url_prefix" not in context:
        return url(name, argument)
    return _url(name, argument, context["url_prefix"], context["urlconf"])


@pass_context
def _label_filter(context, record, field):
    return _label(record, field, _language(context))


@pass_context
def _day_filter(context, value):
    return _day(value, _language(context)) if value else ""


FILTERS = {
    "url": _url_filter,
    "label": _label_filter,
    "day": _day_filter,
    "clock": lambda value: value.strftime("%H:%M"),
    "iso": lambda value: value.isoformat(),
    "excerpt": excerpt,
    "shorten": shorten,
}


def environment(**options):
    """The Jinja2 environment (TEMPLATES in settings): Django's translations and the
    rows' filters."""
    options["autoescape"] = True  # as Django's backend sets it: said here for the reader
    env = Environment(extensions=["jinja2.ext.i18n"], **options)  # noqa: S701 - autoescape above
    env.install_gettext_callables(translation.gettext, translation.ngettext, newstyle=False)
    env.filters.update(FILTERS)
    return env


def render_rows(template_name, **context):
    """The rows of a list by templates/jinja2/`template_name`, as HTML a Django template
    may include as it is."""
    template = engines["jinja2"].get_template(template_name)
    # The language and the URL prefix are thread-local reads: read once for the whole
    # list, not for every link and label of every row (docs/benchmarks.md: event pages).
    shared = {
        "language": translation.get_language(),
        "url_prefix": get_script_prefix(),
        "urlconf": get_urlconf(),
        "counts": COUNT_WORDS,
    }
    # Jinja2 escaped every value (autoescape): the rows are safe to include.
    return Markup(template.render({**context, **shared}))  # noqa: S704
