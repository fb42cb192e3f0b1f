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

from confjournal.syndication.sitemaps import SITEMAPS
from events.models import Booth, Event, Photo, Tag
from talks.models import Note, Paper, Speaker, Talk


def by_pk(record):
    return {"pk": record.pk}


def by_slug(record):
    return {"slug": record.slug}


def by_year(event):
    return {"year": event.start_date.year}


def photo_file(photo):
    # test_fuzz passes a stand-in record with only `pk` and `slug`.
    image = getattr(photo, "image", None)
    return {"pk": photo.pk, "name": image.name.rsplit("/", 1)[-1] if image else "file.jpg"}


@dataclass(frozen=True)
class Page:
    model: type | None = None  # the record the address names, if any
    kwargs: Callable | None = None  # record -> URL kwargs
    filters: tuple[str, ...] = ()  # query-string parameters the page reads
    # For a page that names no record: more URL kwargs to walk (each sitemap section).
    variants: tuple[dict, ...] = ()


LIST_FILTERS = ("year", "tag", "page")
PAGES = {
    "events:home": Page(filters=("year", "kind", "country", *LIST_FILTERS)),
    "events:timeline": Page(filters=("year", "kind", "country", *LIST_FILTERS)),
    "events:detail": Page(Event, by_slug),
    "events:booth_list": Page(filters=("kind", *LIST_FILTERS, "sort")),
    "events:booth_detail": Page(Booth, by_pk),
    "talks:list": Page(filters=("kind", *LIST_FILTERS, "sort")),
    "talks:detail": Page(Talk, by_pk),
    "talks:paper_list": Page(filters=("presentation", *LIST_FILTERS, "sort")),
    "talks:paper_detail": Page(Paper, by_pk),
    "talks:note_list": Page(filters=(*LIST_FILTERS, "sort")),
    "talks:note_detail": Page(Note, by_pk),
    "talks:speaker_list": Page(filters=("page", "sort")),
    "talks:speaker_detail": Page(Speaker, by_slug),
    "topics:list": Page(filters=("page", "sort")),
    "topics:detail": Page(Tag, by_slug),
    "search:results": Page(filters=("q", "speaker", "topic", "event", "year", "type", "page")),
    "search:speakers": Page(filters=("q",)),
    # Feeds, calendars, BibTeX and the recap: public-only exports.
    "events:calendar": Page(),
    "events:event_calendar": Page(Event, by_slug),
    "syndication:note_feed": Page(),
    "syndication:event_feed": Page(),
    "syndication:topic_note_feed": Page(Tag, by_slug),
    "syndication:topic_event_feed": Page(Tag, by_slug),
    "syndication:speaker_note_feed": Page(Speaker, by_slug),
    "syndication:speaker_event_feed": Page(Speaker, by_slug),
    "talks:papers_bib": Page(filters=("presentation", "year", "tag")),
    "talks:paper_bib": Page(Paper, by_pk),
    "talks:event_papers_bib": Page(Event, by_slug),
    "talks:event_recap": Page(Event, by_slug),
    "talks:topic_papers_bib": Page(Tag, by_slug),
    # Photos: the gallery, one photo's page, and its image file.
    "events:photo_gallery": Page(Event, by_slug, filters=("page",)),
    "events:photo_detail": Page(Photo, by_pk),
    "events:photo_file": Page(Photo, photo_file),
    # Stats, sitemap and robots.txt.
    "stats:overview": Page(),
    # The year in review and its Markdown, for the year of an event.
    "years:detail": Page(Event, by_year),
    "years:markdown": Page(Event, by_year),
    "syndication:sitemap": Page(),
    "syndication:sitemap_section": Page(
        kwargs=lambda _record: {"section": "events"},
        filters=("p",),
        variants=tuple({"section": section} for section in SITEMAPS),
    ),
    "syndication:robots": Page(),
}


# Named patterns that are not pages: they show no record and answer a GET with
# a redirect, so the walks (which expect 200) leave them out. Each is tested
# on its own, in the file named here.
NOT_PAGES = {
    # Django's view behind the header's language switcher: a POST that sets
    # the language cookie and redirects back (tests/test_i18n.py).
    "set_language": "tests/test_i18n.py",
    # The welcome's "Remove the demo": for a superuser only; anyone else is sent to
    # log in (tests/test_welcome.py).
    "remove_demo": "tests/test_welcome.py",
}


def url_patterns(resolver=None, namespace=""):
    """(name, pattern) for every URL pattern outside the admin, recursively.

    The admin's patterns (namespace "admin") are left out: the admin is for
    staff and is walked as a second staff user in test_leak_walk and
    test_admin_ownership. So are the NOT_PAGES. An unnamed pattern comes back
    with the name None.
    """
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            if name not in NOT_PAGES:
                yield name, pattern


def present_pages():
    """The entries of PAGES whose names the URLconf has, in URLconf order."""
    names = [name for name, _pattern in url_patterns()]
    return {name: PAGES[name] for name in names if name in PAGES}


def address(name, record=None, query=""):
    page = PAGES[name]
    kwargs = page.kwargs(record) if page.kwargs else {}
    return reverse(name, kwargs=kwargs) + query
