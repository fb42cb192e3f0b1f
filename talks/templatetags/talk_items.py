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
from django.utils.text import Truncator
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext

from confjournal.html import escape, format_html, format_html_join
from talks.models import Talk

register = template.Library()
SEPARATOR = escape(" · ")
COMMA = escape(", ")
EMPTY = escape("")
# A stand-in primary key, replaced by each record's own in `_url`.
_PK = 987654321


def _where():
    return get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, get_language()


@functools.lru_cache(maxsize=256)
def _url_parts(where, name):
    _prefix, urlconf, _language = where
    return reverse(name, args=[_PK], urlconf=urlconf).split(str(_PK), 1)


def _url(where, name, pk):
    """reverse(name, args=[pk]) for an integer pk, without resolving the pattern again."""
    before, after = _url_parts(where, name)
    return f"{before}{int(pk)}{after}"


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


@functools.lru_cache(maxsize=64)
def _words(where):
    """The phrases every talk may show, in the active language."""
    return {
        "topics": gettext("Topics"),
        "mine": format_html(" · <strong>{}</strong>", gettext("my talk")),
        "rated": gettext("rated %(n)s of 5"),
    }


def _tags(record):
    # The prefetched list (`prefetch_tags`), without building taggit's manager per record.
    prefetched = getattr(record, "_prefetched_objects_cache", {}).get("tags")
    return record.tags.all() if prefetched is None else prefetched


def tag_list(record, where):
    """The record's topics as links (the markup of includes/tags.html)."""
    tags = _tags(record)
    if not tags:
        return ""
    links = EMPTY
    for tag in tags:
        links += _topic(where, tag.slug, tag.name)
    return format_html('<ul class="tags" aria-label="{}">{}</ul>', _words(where)["topics"], links)


def _time(value):
    # formats.time_format(value, "H:i"): hours 00-23 and minutes, in every language.
    return f"{value.hour:02d}:{value.minute:02d}"


def talk_meta(talk, show_event, where):
    prefetched = getattr(talk, "_prefetched_objects_cache", {}).get("talk_speakers")
    speakers = talk.speaker_list if prefetched is None else [x.speaker for x in prefetched]
    meta = EMPTY
    for position, speaker in enumerate(speakers):
        if position:
            meta += COMMA
        meta += _link(where, "talks:speaker_detail", speaker.slug, speaker.name)
    if speakers:
        meta += SEPARATOR
    meta += _kind(where, talk.kind)
    if talk.is_mine:
        meta += _words(where)["mine"]
    if show_event:
        event = talk.event
        meta += SEPARATOR + _link(where, "events:detail", event.slug, event.name)
    if talk.date:
        meta += SEPARATOR + _date(where, talk.date)
    if talk.start_time:
        times = " " + _time(talk.start_time)
        if talk.end_time:
            times += "\N{EN DASH}" + _time(talk.end_time)
        meta += escape(times)
    if talk.room:
        meta += SEPARATOR + escape(talk.room)
    if talk.rating:
        meta += format_html(
            ' · <span class="rating" role="img" aria-label="{}">{}/5</span>',
            _words(where)["rated"] % {"n": talk.rating},
            talk.rating,
        )
    return meta


def render_item(record, level, url, title, meta, where, body="", private=False):
    """An item of a list (talk, paper, booth, note): its linked heading, meta line,
    optional body and topics; a private record is marked as such."""
    return format_html(
        '<article class="item{note}{is_private}">\n'
        '  <h{level}><a href="{url}">{title}</a>{badge}</h{level}>\n'
        '  <p class="meta">{meta}</p>\n  {body}{tags}\n</article>',
        note=" note" if record._meta.model_name == "note" else "",
        is_private=" is-private" if private else "",
        level=int(level or 3),
        url=url,
        title=title,
        badge=format_html(' <span class="badge">{}</span>', gettext("Private")) if private else "",
        meta=meta,
        body=body,
        tags=tag_list(record, where),
    )


def render_talk(talk, show_event, level, where):
    url = _url(where, "talks:detail", talk.pk)
    return render_item(talk, level, url, talk.title, talk_meta(talk, show_event, where), where)


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


@register.simple_tag
def topic_list(record):
    """A record's topics as links: what includes/tags.html shows."""
    return tag_list(record, _where())


# Papers, booths and notes in a list: the markup of includes/paper_item.html,
# booth_item.html and note_item.html, which call these (one place for it).


@functools.lru_cache(maxsize=256)
def _choice(where, model, field, value):
    return str(dict(model._meta.get_field(field).choices).get(value, value))


def _event_link(record, where):
    event = record.event
    return _link(where, "events:detail", event.slug, event.name)


def render_paper(paper, show_event, level, where):
    from talks.models import Paper

    meta = EMPTY
    authors = paper.author_list
    if authors:
        meta += escape(", ".join(authors)) + SEPARATOR
    meta += escape(_choice(where, Paper, "presentation", paper.presentation))
    if paper.session:
        meta += escape(" " + paper.session)
    if paper.is_mine:
        meta += format_html(" · <strong>{}</strong>", gettext("my paper"))
    if show_event:
        meta += SEPARATOR + _event_link(paper, where)
    url = _url(where, "talks:paper_detail", paper.pk)
    return render_item(paper, level, url, paper.title, meta, where)


def render_booth(booth, show_event, level, where):
    from events.models import Booth

    meta = escape(_choice(where, Booth, "kind", booth.kind))
    if booth.location:
        meta += SEPARATOR + escape(booth.location)
    if show_event:
        meta += SEPARATOR + _event_link(booth, where)
    showcase = (
        format_html("<p>{}</p>\n  ", Truncator(booth.showcase).chars(200)) if booth.showcase else ""
    )
    swag = (
        format_html('<p class="swag"><span>{}:</span> {}</p>\n  ', gettext("Swag"), booth.swag)
        if booth.swag
        else ""
    )
    url = _url(where, "events:booth_detail", booth.pk)
    body = format_html("{}{}", showcase, swag)
    return render_item(booth, level, url, booth.organization, meta, where, body)


def render_note(note, show_event, level, where):
    private = note.visibility == "private"
    meta = EMPTY
    if show_event:
        meta += _event_link(note, where) + SEPARATOR
    subject = note.subject
    if subject:
        meta += format_html('<a href="{}">{}</a>', subject.get_absolute_url(), subject) + SEPARATOR
    owner = note.owner
    meta += escape(owner.get_full_name() or owner.get_username()) + SEPARATOR
    meta += _date(where, _local_date(note.created_at))
    body = format_html("<p>{}</p>\n  ", Truncator(note.body).chars(240)) if note.title else ""
    url = _url(where, "talks:note_detail", note.pk)
    return render_item(note, level, url, str(note), meta, where, body, private)


def _local_date(value):
    """The date a timestamp falls on in the current time zone (what |date shows)."""
    return template_localtime(value).date()


@register.simple_tag(takes_context=True)
def paper_item(context, paper, show_event=False, level=None):
    return render_paper(paper, show_event, level, _where())


@register.simple_tag(takes_context=True)
def booth_item(context, booth, show_event=False, level=None):
    return render_booth(booth, show_event, level, _where())


@register.simple_tag(takes_context=True)
def note_item(context, note, show_event=False, level=None):
    return render_note(note, show_event, level, _where())


@register.simple_tag
def record_items(kind, records, event=None, level=None):
    """Every paper, booth or note of a list, naming its event when that is not `event`."""
    render = {"paper": render_paper, "booth": render_booth, "note": render_note}[kind]
    event_id = getattr(event, "pk", None)
    where = _where()
    return format_html_join(
        "\n", "{}", ((render(r, r.event_id != event_id, level, where),) for r in records)
    )
