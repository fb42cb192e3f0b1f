"""An event in a list (the timeline, a topic, an event's days), rendered in Python.

`{% event_cards events %}` writes the timeline's list items (cover photo, card,
and each card's days and side events in `event.shown_children`); `{% event_card
event %}` one card. They are the one place this markup lives: the includes
`event_card.html`, `daterange.html`, `place.html` and `counts.html` call them.
A template include per card (and four more inside it) spent most of the
timeline's time resolving variables (issue 7, docs/benchmarks.md).

Every value goes through `format_html` or `escape`; what repeats from card to
card (a date, a country, a kind, a topic's link) is built once per value and
language. Cards need their topics prefetched (`confjournal.listing.prefetch_tags`)
and the counts of `Event.objects.with_counts`.
"""

import functools

from django import template
from django.utils.translation import gettext, ngettext
from django_countries.fields import Country

from confjournal.html import escape, format_html, format_html_join
from events.models import Event
from talks.templatetags.talk_items import _date, _where, tag_list

register = template.Library()
SEPARATOR = escape(" · ")
EMPTY = escape("")

COUNTS = [
    ("talk_count", "%(n)s talk", "%(n)s talks"),
    ("paper_count", "%(n)s paper", "%(n)s papers"),
    ("booth_count", "%(n)s booth", "%(n)s booths"),
    ("note_count", "%(n)s note", "%(n)s notes"),
]


@functools.lru_cache(maxsize=512)
def _choice(where, field, value):
    return escape(str(dict(Event._meta.get_field(field).choices).get(value, value)))


@functools.lru_cache(maxsize=1024)
def _country(where, code):
    """The flag and name of a country code, in the active language."""
    country = Country(code)
    return escape(country.unicode_flag), escape(country.name)


def event_dates(event, where=None):
    """The markup of includes/daterange.html: the first day, and the last when it differs."""
    where = where or _where()
    dates = _date(where, event.start_date)
    if event.end_date != event.start_date:
        dates += escape(" \N{EN DASH} ") + _date(where, event.end_date)
    return dates


def event_place(event, where=None):
    """The markup of includes/place.html: flag, venue, city and country."""
    code = str(event.country or "")
    if not (event.venue or event.city or code):
        return EMPTY
    flag, name = _country(where or _where(), code) if code else ("", "")
    return format_html(
        '<span class="place">{}{}{}{}{}</span>',
        format_html('<span aria-hidden="true">{}</span> ', flag) if code else "",
        format_html("{}, ", event.venue) if event.venue else "",
        event.city,
        ", " if event.city and code else "",
        name,
    )


def event_counts(event):
    """The markup of includes/counts.html: how many talks, papers, booths and notes."""
    items = escape("")
    for attribute, singular, plural in COUNTS:
        n = getattr(event, attribute, 0)
        if n:
            items += format_html("\n  <li>{}</li>", ngettext(singular, plural, n) % {"n": n})
    return format_html('<ul class="counts">{}\n</ul>', items)


def cover(event):
    """The markup of includes/photo_cover.html: the cover photo, if the viewer may see it."""
    photo = getattr(event, "cover_photo", None) if getattr(event, "cover_visible", False) else None
    if photo is None:
        return EMPTY
    src, width, height = photo.small
    return format_html(
        '<img class="cover-photo" src="{}" srcset="{}" sizes="6rem" width="{}" height="{}" '
        'alt="" loading="lazy" decoding="async">',
        src,
        photo.srcset,
        width,
        height,
    )


def render_card(event, children, where):
    private = event.visibility == "private"
    meta = event_dates(event, where) + SEPARATOR + _choice(where, "kind", event.kind)
    if event.role != "attendee":
        meta += SEPARATOR + _choice(where, "role", event.role)
    if event.attendance != "in_person":
        meta += SEPARATOR + _choice(where, "attendance", event.attendance)
    nested = EMPTY
    if children:
        nested = format_html(
            '\n  <ol class="sub-events">{}\n  </ol>',
            format_html_join(
                "", "\n    <li>{}</li>", ((render_card(child, None, where),) for child in children)
            ),
        )
    return format_html(
        '<article class="event-card{}">\n  <h3><a href="{}">{}</a>{}</h3>\n'
        '  <p class="meta">{}</p>\n  <p class="meta">{}</p>\n  {}\n  {}{}\n</article>',
        " is-private" if private else "",
        event.get_absolute_url(),
        event.name,
        format_html(' <span class="badge">{}</span>', gettext("Private")) if private else "",
        meta,
        event_place(event, where),
        event_counts(event),
        tag_list(event, where),
        nested,
    )


@register.simple_tag
def event_card(event, children=None):
    return render_card(event, children, _where())


@register.simple_tag
def event_cards(events):
    """The timeline's items: each event's cover photo and card, with its shown sub-events."""
    where = _where()
    return format_html_join(
        "\n",
        "<li>{}{}</li>",
        (
            (cover(event), render_card(event, getattr(event, "shown_children", None), where))
            for event in events
        ),
    )


@register.simple_tag
def daterange(event):
    return event_dates(event)


@register.simple_tag
def place(event):
    return event_place(event)


@register.simple_tag
def counts(event):
    return event_counts(event)


@register.simple_tag
def cover_photo(event):
    return cover(event)


@register.simple_tag
def select_options(choices, selected):
    """A filter's `<option>`s from (value, label) pairs, the one equal to `selected` chosen.

    The timeline's topic filter has one option per topic (500 at size L): a
    template loop over them cost more than the page's event cards.
    """
    selected = "" if selected is None else str(selected)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if str(value) == selected else "", label) for value, label in choices),
    )
