"""A talk in a list, rendered in Python: the event page of a 300-talk programme.

`{% talk_item talk show_event level %}` writes what `includes/talk_item.html`
wrote, several times faster: a template include per talk spent most of the
event page's time resolving variables (issue 7, docs/benchmarks.md). It is the
one place the markup of a talk in a list lives; that include calls it.
`{% talk_items talks event %}` writes a whole list. Talks need their speakers
and tags prefetched (`confjournal.listing.prefetch_speakers`/`prefetch_tags`).

Every value goes through `format_html` or `escape`; the fragments that repeat
from row to row (a speaker's link, a topic's link, a date) are built once per
value, language and URLconf.
"""

import functools

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats
from django.utils.html import escape, format_html, format_html_join
from django.utils.translation import get_language, gettext

from talks.models import Talk

register = template.Library()
SEPARATOR = escape(" · ")
COMMA = escape(", ")


def _where():
    return get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, get_language()


@functools.lru_cache(maxsize=8192)
def _link(where, name, slug, text):
    _prefix, urlconf, _language = where
    return format_html('<a href="{}">{}</a>', reverse(name, args=[slug], urlconf=urlconf), text)


@functools.lru_cache(maxsize=8192)
def _topic(where, slug, text):
    return format_html("<li>{}</li>", _link(where, "talks:topic_detail", slug, text))


@functools.lru_cache(maxsize=4096)
def _date(where, value):
    return format_html(
        '<time datetime="{}">{}</time>',
        value.isoformat(),
        formats.date_format(value, "DATE_FORMAT"),
    )


@functools.lru_cache(maxsize=256)
def _kind(where, kind):
    return escape(str(dict(Talk.Kind.choices).get(kind, kind)))


def tag_list(record, where):
    """The record's topics as links (the markup of includes/tags.html)."""
    tags = record.tags.all()
    if not tags:
        return ""
    links = escape("")
    for tag in tags:
        links += _topic(where, tag.slug, tag.name)
    return format_html('<ul class="tags" aria-label="{}">{}</ul>', gettext("Topics"), links)


def talk_meta(talk, show_event, where):
    prefetched = getattr(talk, "_prefetched_objects_cache", {}).get("talk_speakers")
    speakers = talk.speaker_list if prefetched is None else [x.speaker for x in prefetched]
    meta = escape("")
    for position, speaker in enumerate(speakers):
        if position:
            meta += COMMA
        meta += _link(where, "talks:speaker_detail", speaker.slug, speaker.name)
    if speakers:
        meta += SEPARATOR
    meta += _kind(where, talk.kind)
    if talk.is_mine:
        meta += format_html(" · <strong>{}</strong>", gettext("my talk"))
    if show_event:
        event = talk.event
        meta += SEPARATOR + _link(where, "events:detail", event.slug, event.name)
    if talk.date:
        meta += SEPARATOR + _date(where, talk.date)
    if talk.start_time:
        meta += escape(" " + formats.time_format(talk.start_time, "H:i"))
        if talk.end_time:
            meta += escape("\N{EN DASH}" + formats.time_format(talk.end_time, "H:i"))
    if talk.room:
        meta += SEPARATOR + escape(talk.room)
    if talk.rating:
        meta += format_html(
            ' · <span class="rating" role="img" aria-label="{}">{}/5</span>',
            gettext("rated %(n)s of 5") % {"n": talk.rating},
            talk.rating,
        )
    return meta


def render_talk(talk, show_event, level, where):
    return format_html(
        '<article class="item">\n  <h{level}><a href="{url}">{title}</a></h{level}>\n'
        '  <p class="meta">{meta}</p>\n  {tags}\n</article>',
        level=int(level or 3),
        url=talk.get_absolute_url(),
        title=talk.title,
        meta=talk_meta(talk, show_event, where),
        tags=tag_list(talk, where),
    )


@register.simple_tag
def talk_item(talk, show_event=False, level=None):
    return render_talk(talk, show_event, level, _where())


@register.simple_tag
def talk_items(talks, event=None, level=None):
    """Every talk of a list, naming its event when that is not `event` (a day or side event)."""
    event_id = getattr(event, "pk", None)
    where = _where()
    return format_html_join(
        "\n", "{}", ((render_talk(t, t.event_id != event_id, level, where),) for t in talks)
    )
