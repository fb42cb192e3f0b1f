"""Long lists rendered fast: the Jinja2 environment of templates/jinja2/, and the values
every row of a list shows (a choice's label, a date, a record's address) kept per
language and address.

An event with an imported programme lists hundreds of talks. Django's template engine
spent ~0.25 ms a row on them (includes, variable lookups, a `reverse()` per link);
the same markup in a Jinja2 template, with these helpers, about a fifth of that. Pages
stay Django templates; `{% talk_rows %}` (confjournal/templatetags/journal.py) renders
the rows here. Jinja2 escapes everything, as Django's templates do.
"""

import functools

from django.template import engines
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats, translation
from jinja2 import Environment
from markupsafe import Markup


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


def environment(**options):
    """The Jinja2 environment (TEMPLATES in settings): Django's translations and helpers."""
    options["autoescape"] = True  # as Django's backend sets it: said here for the reader
    env = Environment(extensions=["jinja2.ext.i18n"], **options)  # noqa: S701 - autoescape above
    env.install_gettext_callables(translation.gettext, translation.ngettext, newstyle=False)
    return env


def render_talks(talks, list_event=None, show_event=False, level=3):
    """The rows of `talks` as HTML a Django template may include as it is."""
    template = engines["jinja2"].get_template("talk_rows.html")
    # The language and the URL prefix are thread-local reads: read once for the whole
    # list, not for every link and label of every row (docs/benchmarks.md: event pages).
    language, prefix, urlconf = translation.get_language(), get_script_prefix(), get_urlconf()
    context = {
        "talks": talks,
        "list_event": list_event,
        "show_event": show_event,
        "level": int(level or 3),
        "url": lambda name, argument: _url(name, argument, prefix, urlconf),
        "label": lambda record, field: _label(record, field, language),
        "day": lambda value: _day(value, language) if value else "",
        "my_talk": translation.gettext("my talk"),
        "topics_label": translation.gettext("Topics"),
    }
    # Jinja2 escaped every value (autoescape): the rows are safe to include.
    return Markup(template.render(context))  # noqa: S704
