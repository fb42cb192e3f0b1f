"""The journal's template filters and tags: Markdown, choice labels, dates, the rows of
lists (rendered by confjournal/core/lists.py), query strings."""

from django import template
from django.utils.http import urlencode

from confjournal.core import lists
from confjournal.core.markup import plain_text, render_markdown

register = template.Library()


@register.filter
def markdown(text):
    return render_markdown(text)


@register.filter
def plain(text):
    """Markdown as plain text, for an excerpt (then |truncatechars)."""
    return plain_text(text)


register.filter("label", lists.label)
register.filter("day", lists.day)


def _record_rows(kind):
    def rows(records, list_event=None, show_event=False, level=3):
        """Records in a list (templates/jinja2/<kind>_rows.html), naming their event when
        asked or when it is not `list_event` (a day or side event)."""
        return lists.render_rows(
            f"{kind}_rows.html",
            records=records,
            list_event=list_event,
            show_event=show_event,
            level=int(level or 3),
        )

    return rows


# {% talk_rows talks %}, {% note_rows notes show_event=True %}, {% paper_rows %}, {% booth_rows %}
for _kind in ("talk", "note", "paper", "booth"):
    register.simple_tag(_record_rows(_kind), name=f"{_kind}_rows")


@register.simple_tag
def speaker_rows(speakers):
    """Speakers as the items of a <ul class="speaker-list">, each with `talk_count`."""
    talk_words = dict(lists.COUNT_WORDS)["talk_count"]
    return lists.render_rows("speaker_rows.html", records=speakers, talk_words=talk_words)


@register.simple_tag
def event_cards(events, nested=False, covers=False):
    """Events as the items of an <ol class="events">; `nested`: with their days and side
    events (`shown_children`); `covers`: with their cover photos."""
    return lists.render_rows("event_cards.html", events=events, nested=nested, covers=covers)


@register.simple_tag
def options(choices):
    """The <option>s of a <select>, from (value, label, chosen) triples."""
    return lists.render_rows("options.html", choices=choices)


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
