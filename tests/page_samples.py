"""One address for every kind of public HTML page, taken from the journal in the database.

The accessibility (axe) and HTML validity (vnu) checks visit each kind of
public page once: every page named in tests/public_pages.py that answers
with HTML, with a record that a visitor may see (of a few candidates, the
one whose page is largest, so that the page shows most of what it can),
plus pages whose query string changes what they show (search results, a
filtered timeline).

`page_addresses()` is the one walk over every public page kind that the
page tests share (tests/test_pages.py, tests/test_i18n.py, and through
`candidates()` the axe and vnu checks). `candidates()` needs only the
database; `pick(candidates, fetch)` asks `fetch(url) -> (status, content_type,
body)` which candidate to keep, so the same code serves the Django test client
and a live gunicorn.
"""

import io

from django.contrib.auth.models import AnonymousUser
from PIL import Image

from tests.public_pages import address, present_pages

# Pages whose query string shows something else than the bare page.
QUERY_VARIANTS = [
    ("search:results", "?q=pruning"),
    ("search:results", "?q=%EB%B2%A4%EC%A7%80%EC%98%A4"),  # 벤지오
    ("events:timeline", "?year=2022"),
]
CANDIDATES_PER_PAGE = 4
# The kinds the demo journal must show (photo pages and the like join when they exist).
REQUIRED_KINDS = {
    "events:home",
    "events:timeline",
    "events:detail",
    "events:booth_list",
    "events:booth_detail",
    "talks:list",
    "talks:detail",
    "talks:paper_list",
    "talks:paper_detail",
    "talks:note_list",
    "talks:note_detail",
    "talks:speaker_list",
    "talks:speaker_detail",
    "topics:list",
    "topics:detail",
    "search:results?q=pruning",
    "stats:overview",
    "years:detail",
    "events:photo_gallery",
    "events:photo_detail",
}


def visible_records(model):
    """Records of `model` a visitor may see, in a fixed order."""
    visitor = AnonymousUser()
    if hasattr(model.objects, "visible_to"):
        records = model.objects.visible_to(visitor)
    else:  # topics: those used on a visible record, as /topics/ lists them
        from talks.models import listed_topics

        records = listed_topics(visitor)
    return records.order_by("pk")


def add_sample_photo():
    """A public photo on the first public event: the demo journal has none.

    A generated picture goes through the real pipeline (events/photos.py),
    so that the photo pages are checked too. Its files are written when the
    transaction commits.
    """
    from events import photos
    from events.models import Event, Photo

    event = visible_records(Event).filter(parent=None).first()
    picture = Image.linear_gradient("L").resize((640, 480)).convert("RGB")
    data = io.BytesIO()
    picture.save(data, "JPEG", quality=80)
    photo = Photo(
        event=event,
        owner=event.owner,
        alt_text="포스터 세션: 사람들이 포스터 앞에 모여 있다",
        caption="Poster session, hall B.",
        visibility="public",
    )
    return photos.store(photo, photos.process(data.getvalue()))


def page_addresses(per_page=1, search=""):
    """{page name: [addresses]} for every public page kind of tests/public_pages.py.

    A page about a record gets the addresses of the first `per_page` records a
    visitor may see (none when there are none); a page without one gets its
    address, with `search` as its query string if it takes words (`q`).
    """
    found = {}
    for name, page in present_pages().items():
        if page.model is None:
            query = search if search and "q" in page.filters else ""
            found[name] = [address(name, query=query)]
        else:
            records = visible_records(page.model)[:per_page]
            found[name] = [address(name, record) for record in records]
    return found


def candidates():
    """{page name: [addresses]} for every public page, records from the database."""
    found = page_addresses(CANDIDATES_PER_PAGE)
    for name, query in QUERY_VARIANTS:
        if name in found:
            found[f"{name}{query}"] = [address(name, query=query)]
    return found


def pick(found, fetch):
    """{page name: address} of the HTML pages, each the largest of its candidates.

    Pages that answer with something else than HTML (feeds, calendars,
    BibTeX, Markdown) are left out, and so are pages about a kind of record
    the journal has none of, or whose every candidate is a 404 (the tests
    name the kinds they require).
    """
    chosen = {}
    for name, urls in found.items():
        if not urls:
            continue
        best, best_size, html = None, -1, False
        for url in urls:
            status, content_type, body = fetch(url)
            if status == 404:  # e.g. the photo gallery of an event without photos
                continue
            assert status == 200, f"{url} answered {status}"
            if not content_type.startswith("text/html"):
                break
            html = True
            if len(body) > best_size:
                best, best_size = url, len(body)
        if html:
            chosen[name] = best
    return chosen
