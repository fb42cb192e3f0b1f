"""The leak walk: every public page, as a visitor and as a colleague, shows nothing private.

A journal holds a private note, a private event with a talk, paper, booth, a
day and a public-but-hidden note under it, a speaker heard only there, and a
topic used only privately; each carries its own marker. Every named public URL
pattern (tests/public_pages.py) is requested with sample arguments, for public
and private records, plain and with filters set to private values, by an
anonymous visitor and by a second staff user (Contributors, not superuser).
No marker may appear in any body or header, the private records' addresses
are 404, and no page carries markup the Content-Security-Policy would block.

The admin's own URL patterns are not in that walk (they are for staff):
`test_admin_walk_shows_colleagues_nothing_private` walks every registered
model's admin pages as the second staff user instead.
"""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from django.views.generic.detail import SingleObjectMixin
from django.views.generic.list import MultipleObjectMixin

from events.models import Booth, Event, Photo, Tag
from talks.models import Note, Paper, Speaker, Talk
from tests import factories as make
from tests.html_checks import live_markup
from tests.public_pages import PAGES, address, present_pages, url_patterns
from tests.test_photos import make_photo

pytestmark = pytest.mark.django_db

MARKERS = {
    "event": "ZQXEVENTMARK",
    "day": "ZQXDAYMARK",
    "talk": "ZQXTALKMARK",
    "paper": "ZQXPAPERMARK",
    "booth": "ZQXBOOTHMARK",
    "note": "ZQXNOTEMARK",
    "hidden-note": "ZQXHIDDENNOTEMARK",
    "photo": "ZQXPHOTOMARK",
    "hidden-photo": "ZQXHIDDENPHOTOMARK",
    "speaker": "ZQXSPEAKERMARK",
    "tag": "ZQXTAGMARK",
}
PRIVATE_YEAR = 2031
# A word only private records hold, for the search box: it is not a marker,
# because a page may echo what was searched for.
PRIVATE_WORD = "confidential"
# Filter values that point at private things, by query-string parameter.
PRIVATE_FILTERS = {
    "tag": "private-topic",
    "topic": "private-topic",
    "year": str(PRIVATE_YEAR),
    "speaker": "quiet-speaker",
    "event": "closed-defence",
    "q": PRIVATE_WORD,
    "page": "2",
}


@pytest.fixture
def journal(db, django_capture_on_commit_callbacks):
    """A shared journal with public records and marked private ones."""
    minji = make.StaffMemberFactory(username="minji", group="Editors")
    event = make.EventFactory(name="Public Forum", slug="public-forum", owner=minji)
    speaker = make.SpeakerFactory(name="Public Speaker", slug="public-speaker")
    talk = make.TalkFactory(event=event, title="Public talk", speakers=[speaker])
    paper = make.PaperFactory(event=event, title="Public paper", talk=talk)
    booth = make.BoothFactory(event=event, organization="Public booth")
    public_note = make.NoteFactory(
        event=event, talk=talk, owner=minji, title="Public note", visibility="public"
    )
    public_topic = Tag.objects.create(name="public topic", slug="public-topic")
    for record in (event, talk, paper, booth, public_note):
        record.tags.add(public_topic)

    private_topic = Tag.objects.create(name=f"topic {MARKERS['tag']}", slug="private-topic")
    private_note = make.NoteFactory(
        event=event,
        talk=talk,
        owner=minji,
        title=f"Recruiter {MARKERS['note']}",
        body=f"{PRIVATE_WORD}: {MARKERS['note']} said the offer is 2x.",
    )
    private_note.tags.add(private_topic)
    closed = make.EventFactory(
        name=f"Closed defence {MARKERS['event']}",
        slug="closed-defence",
        start_date=datetime.date(PRIVATE_YEAR, 3, 2),
        end_date=datetime.date(PRIVATE_YEAR, 3, 3),
        summary=f"{PRIVATE_WORD} {MARKERS['event']}",
        city="Daejeon",
        country="KR",
        visibility="private",
        owner=minji,
    )
    closed.tags.add(private_topic)
    day = make.EventFactory(
        name=f"Day 1 {MARKERS['day']}",
        slug="closed-defence-day-1",
        parent=closed,
        start_date=closed.start_date,
        end_date=closed.start_date,
        owner=minji,
    )
    quiet = make.SpeakerFactory(name=f"Colonel {MARKERS['speaker']}", slug="quiet-speaker")
    closed_talk = make.TalkFactory(
        event=closed,
        title=f"Briefing {MARKERS['talk']}",
        abstract=PRIVATE_WORD,
        speakers=[quiet],
    )
    closed_talk.tags.add(private_topic)
    day_talk = make.TalkFactory(event=day, title=f"Day talk {MARKERS['day']}", speakers=[quiet])
    closed_paper = make.PaperFactory(
        event=closed, title=f"Result {MARKERS['paper']}", abstract=PRIVATE_WORD
    )
    closed_booth = make.BoothFactory(
        event=closed, organization=f"Agency {MARKERS['booth']}", showcase=PRIVATE_WORD
    )
    hidden_note = make.NoteFactory(
        event=closed,
        owner=minji,
        title=f"Blog post {MARKERS['hidden-note']}",
        body=PRIVATE_WORD,
        visibility="public",
    )
    with django_capture_on_commit_callbacks(execute=True):  # photo files are written on commit
        public_photo = make_photo(event, minji, "Public photo", "public")
        private_photo = make_photo(event, minji, f"Selfie {MARKERS['photo']}")
        hidden_photo = make_photo(closed, minji, f"Poster {MARKERS['hidden-photo']}", "public")
    talk.photos.add(public_photo, private_photo)
    closed_talk.photos.add(hidden_photo)
    return {
        "owner": minji,
        "public": {
            Event: [event],
            Talk: [talk],
            Paper: [paper],
            Booth: [booth],
            Note: [public_note],
            Photo: [public_photo],
            Speaker: [speaker],
            Tag: [public_topic],
        },
        "private": {
            Event: [closed, day],
            Talk: [closed_talk, day_talk],
            Paper: [closed_paper],
            Booth: [closed_booth],
            Note: [private_note, hidden_note],
            Photo: [private_photo, hidden_photo],
            Speaker: [quiet],
            Tag: [private_topic],
        },
    }


@pytest.fixture(params=["anonymous", "colleague"])
def visitor(request, client, db):
    if request.param == "colleague":
        client.force_login(make.StaffMemberFactory(username="colleague", group="Contributors"))
    return client


def leaks(response):
    """The markers found in a response's body or headers."""
    text = response.content.decode(errors="replace")
    headers = " ".join(f"{key}: {value}" for key, value in response.items())
    return sorted(name for name, marker in MARKERS.items() if marker in text or marker in headers)


def test_every_public_url_pattern_has_sample_arguments():
    missing = [
        str(pattern.pattern) if name is None else name
        for name, pattern in url_patterns()
        if name not in PAGES
    ]
    assert missing == [], "add these to tests/public_pages.py PAGES"


def walk(client, journal):
    """(url, response) for every public page with public, private and filter samples."""
    for name, page in present_pages().items():
        if page.model is None:
            samples = [(address(name), "public")]
            samples += [(reverse(name, kwargs=kwargs), "public") for kwargs in page.variants]
        else:
            samples = [(address(name, r), "public") for r in journal["public"][page.model]]
            samples += [(address(name, r), "private") for r in journal["private"][page.model]]
        for url, kind in samples:
            response = client.get(url)
            expected = 200 if kind == "public" else 404
            assert response.status_code == expected, url
            yield url, response
        base = samples[0][0]
        for parameter in page.filters:
            url = f"{base}?{parameter}={PRIVATE_FILTERS.get(parameter, 'x')}"
            response = client.get(url)
            assert response.status_code < 500, url
            yield url, response


def test_leak_walk_shows_no_private_marker_anywhere(visitor, journal):
    found = {}
    seen = 0
    for url, response in walk(visitor, journal):
        seen += 1
        if leaked := leaks(response):
            found[url] = leaked
        if response.get("Content-Type", "").startswith("text/html"):
            assert live_markup(response.content.decode()) == [], url
    assert found == {}
    assert seen >= 3 * len(present_pages())


def test_timeline_gives_no_hint_of_a_private_year(visitor, journal):
    for url in ("/", "/events/"):
        html = visitor.get(url).content.decode()
        assert str(PRIVATE_YEAR) not in html
        assert "Daejeon" not in html


def test_pagination_counts_only_what_the_visitor_may_see(visitor, journal):
    event = journal["public"][Event][0]
    for n in range(25):
        make.NoteFactory(event=event, owner=journal["owner"], title=f"Private {n}")
    html = visitor.get("/notes/").content.decode()
    assert "Page 1 of" not in html and 'rel="next"' not in html
    assert visitor.get("/notes/?page=2").status_code == 404


def test_private_records_are_404_for_their_own_marker_free_page(visitor, journal):
    for records in journal["private"].values():
        for record in records:
            response = visitor.get(record.get_absolute_url())
            assert response.status_code == 404
            assert "There is nothing at this address" in response.content.decode()
            assert leaks(response) == []


def test_owner_sees_every_private_record(client, journal):
    client.force_login(journal["owner"])
    for records in journal["private"].values():
        for record in records:
            assert client.get(record.get_absolute_url()).status_code == 200


def anonymous_view(name, pattern, kwargs, query=None):
    request = RequestFactory().get("/", query or {})
    request.user = AnonymousUser()
    view = pattern.callback.view_class(**pattern.callback.view_initkwargs)
    view.setup(request, **kwargs)
    if getattr(view, "filter_form_class", None):
        view.filters = view.filter_form_class(request.GET)
    return view


def test_public_view_querysets_leave_out_private_records(journal):
    checked = 0
    for name, pattern in url_patterns():
        view_class = getattr(pattern.callback, "view_class", None)
        page = PAGES.get(name)
        if view_class is None or page is None:
            continue  # function views are walked in the leak walk above
        if issubclass(view_class, MultipleObjectMixin):
            queryset = anonymous_view(name, pattern, {}).get_queryset()
            private = journal["private"].get(queryset.model, [])
            assert not set(queryset.values_list("pk", flat=True)) & {r.pk for r in private}, name
            checked += 1
        elif issubclass(view_class, SingleObjectMixin) and page.model is not None:
            for record in journal["private"][page.model]:
                view = anonymous_view(name, pattern, page.kwargs(record))
                with pytest.raises(Http404):
                    view.get_object()
            checked += 1
    assert checked >= 10


def admin_urls(journal):
    """Every registered model's changelist and add page, and the private records' pages."""
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        yield reverse("admin:{}_{}_changelist".format(*info)), None
        yield reverse("admin:{}_{}_add".format(*info)), None
        for record in journal["private"].get(model, []):
            for view in ("change", "delete", "history"):
                yield reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[record.pk]), 404


@pytest.mark.parametrize("group", ["Contributors", "Editors"])
def test_admin_walk_shows_colleagues_nothing_private(client, journal, group):
    client.force_login(make.StaffMemberFactory(username="colleague", group=group))
    found = {}
    for url, expected in admin_urls(journal):
        response = client.get(url)
        if expected is not None:
            assert response.status_code == expected, url
        else:
            assert response.status_code in (200, 403), url
        if leaked := leaks(response):
            found[url] = leaked
    for term in ("ZQX", PRIVATE_WORD, "Colonel"):
        for model, field in [("note", "event"), ("note", "talk"), ("talk", "speakers")]:
            response = client.get(
                "/admin/autocomplete/",
                {"term": term, "app_label": "talks", "model_name": model, "field_name": field},
            )
            assert response.json()["results"] == []
    assert found == {}
