"""Every public page of the site, and how to build its address from a record.

`PAGES` maps each named URL pattern outside the admin to the record its
address names (if any), how the record becomes the URL's arguments, and the
query-string parameters the page reads. The leak walk, the XSS test and the
fuzz test all walk it. test_leak_walk fails when the URLconf has a public
pattern missing here; a name listed here that the URLconf does not have (yet)
is ignored, so a page can be described before it exists.

To add a page: one line here, with the model and a `kwargs` function, or only
`filters` for a page without arguments.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from events.models import Booth, Event, Tag
from talks.models import Note, Paper, Speaker, Talk


def by_pk(record):
    return {"pk": record.pk}


def by_slug(record):
    return {"slug": record.slug}


@dataclass(frozen=True)
class Page:
    model: type | None = None  # the record the address names, if any
    kwargs: Callable | None = None  # record -> URL kwargs
    filters: tuple[str, ...] = ()  # query-string parameters the page reads


LIST_FILTERS = ("year", "tag", "page")
PAGES = {
    "events:home": Page(filters=("year", "kind", "country", *LIST_FILTERS)),
    "events:timeline": Page(filters=("year", "kind", "country", *LIST_FILTERS)),
    "events:detail": Page(Event, by_slug),
    "events:booth_list": Page(filters=("kind", *LIST_FILTERS)),
    "events:booth_detail": Page(Booth, by_pk),
    "talks:list": Page(filters=("kind", *LIST_FILTERS)),
    "talks:detail": Page(Talk, by_pk),
    "talks:paper_list": Page(filters=("presentation", *LIST_FILTERS)),
    "talks:paper_detail": Page(Paper, by_pk),
    "talks:note_list": Page(filters=LIST_FILTERS),
    "talks:note_detail": Page(Note, by_pk),
    "talks:speaker_list": Page(filters=("page",)),
    "talks:speaker_detail": Page(Speaker, by_slug),
    "talks:topic_list": Page(filters=("page",)),
    "talks:topic_detail": Page(Tag, by_slug),
    "talks:search": Page(filters=("q", "speaker", "topic", "event", "year", "type", "page")),
    # Feeds, calendars, BibTeX and the recap: public-only exports (issue 6).
    "events:calendar": Page(),
    "events:event_calendar": Page(Event, by_slug),
    "talks:note_feed": Page(),
    "talks:event_feed": Page(),
    "talks:topic_note_feed": Page(Tag, by_slug),
    "talks:topic_event_feed": Page(Tag, by_slug),
    "talks:speaker_note_feed": Page(Speaker, by_slug),
    "talks:speaker_event_feed": Page(Speaker, by_slug),
    "talks:papers_bib": Page(filters=("presentation", "year", "tag")),
    "talks:paper_bib": Page(Paper, by_pk),
    "talks:event_papers_bib": Page(Event, by_slug),
    "talks:event_recap": Page(Event, by_slug),
    "talks:topic_papers_bib": Page(Tag, by_slug),
}


def url_patterns(resolver=None, namespace=""):
    """(name, pattern) for every URL pattern outside the admin, recursively.

    The admin's patterns (namespace "admin") are left out: the admin is for
    staff and is walked as a second staff user in test_leak_walk and
    test_admin_ownership. An unnamed pattern comes back with the name None.
    """
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}{pattern.name}" if pattern.name else None), pattern


def present_pages():
    """The entries of PAGES whose names the URLconf has, in URLconf order."""
    names = [name for name, _pattern in url_patterns()]
    return {name: PAGES[name] for name in names if name in PAGES}


def address(name, record=None, query=""):
    page = PAGES[name]
    kwargs = page.kwargs(record) if page.kwargs else {}
    return reverse(name, kwargs=kwargs) + query
