"""sitemap.xml (public records only, by section, paginated) and robots.txt."""

import datetime
import re

import pytest
from django.utils import timezone

from confjournal.syndication.sitemaps import SITEMAPS, JournalSitemap
from events.models import Event
from talks.models import Note, Talk
from tests import factories as make

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


BASE = "http://testserver"


@pytest.fixture
def journal(db):
    owner = make.StaffMemberFactory(username="minji", group="Editors")
    event = make.EventFactory(name="NeurIPS 2022", slug="neurips-2022", owner=owner)
    speaker = make.SpeakerFactory(name="Yoshua Bengio", slug="bengio")
    talk = make.TalkFactory(event=event, speakers=[speaker])
    talk.tags.add("pruning")
    unattended = make.TalkFactory(
        event=event, speakers=[make.SpeakerFactory(slug="programme-only")], attended=False
    )
    paper = make.PaperFactory(event=event)
    booth = make.BoothFactory(event=event)
    note = make.NoteFactory(event=event, owner=owner, visibility="public")
    make.NoteFactory(event=event, owner=owner, visibility="private").tags.add("secret-topic")

    closed = make.EventFactory(
        name="Closed defence",
        slug="closed-defence",
        start_date=datetime.date(2031, 3, 2),
        end_date=datetime.date(2031, 3, 2),
        visibility="private",
        owner=owner,
    )
    day = make.EventFactory(
        slug="closed-defence-day-1",
        parent=closed,
        start_date=closed.start_date,
        end_date=closed.start_date,
        owner=owner,
    )
    closed.tags.add("secret-topic")
    private = {
        "events": [closed, day],
        "talks": [
            make.TalkFactory(event=closed, speakers=[make.SpeakerFactory(slug="quiet")]),
            unattended,
        ],
        "papers": [make.PaperFactory(event=closed)],
        "booths": [make.BoothFactory(event=closed)],
        # A public note under a private event is private too.
        "notes": [make.NoteFactory(event=closed, owner=owner, visibility="public")],
    }
    return {
        "owner": owner,
        "public": {
            "events": [f"/events/{event.slug}/"],
            "talks": [f"/talks/{talk.pk}/"],
            "papers": [f"/papers/{paper.pk}/"],
            "booths": [f"/booths/{booth.pk}/"],
            "notes": [f"/notes/{note.pk}/"],
            "speakers": ["/speakers/bengio/"],
            "topics": ["/topics/pruning/"],
            "years": [f"/years/{event.start_date.year}/"],
            "pages": [
                "/",
                "/talks/",
                "/papers/",
                "/booths/",
                "/notes/",
                "/speakers/",
                "/topics/",
                "/stats/",
            ],
        },
        "private": {
            name: [r.get_absolute_url() for r in records] for name, records in private.items()
        }
        | {
            "speakers": ["/speakers/quiet/", "/speakers/programme-only/"],
            "topics": ["/topics/secret-topic/"],
            "years": ["/years/2031/"],
        },
    }


def locations(xml):
    return re.findall(r"<loc>([^<]+)</loc>", xml)


def test_sitemap_index_lists_every_section(client, journal):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert locations(response.content.decode()) == [
        f"{BASE}/sitemap-{section}.xml" for section in SITEMAPS
    ]


@pytest.mark.parametrize("who", ["anonymous", "owner", "superuser"])
def test_sitemap_sections_hold_exactly_the_public_records(client, journal, admin_user, who):
    """Whoever asks, the sitemap is the anonymous visitor's: nothing private, not even counted."""
    if who == "owner":
        client.force_login(journal["owner"])
    elif who == "superuser":
        client.force_login(admin_user)
    for section in SITEMAPS:
        xml = client.get(f"/sitemap-{section}.xml").content.decode()
        assert locations(xml) == [BASE + path for path in journal["public"][section]], section
        for path in journal["private"].get(section, []):
            assert path not in xml
        assert "closed-defence" not in xml and "secret" not in xml


def test_sitemap_gives_lastmod_for_events_and_notes(client, journal):
    xml = client.get("/sitemap-events.xml").content.decode()
    updated = Event.objects.get(slug="neurips-2022").updated_at
    assert re.findall(r"<lastmod>([^<]+)</lastmod>", xml) == [
        timezone.localtime(updated).date().isoformat()
    ]
    index = client.get("/sitemap.xml").content.decode()
    assert f"<loc>{BASE}/sitemap-notes.xml</loc><lastmod>" in index.replace("\n", "").replace(
        " ", ""
    )


def test_sitemap_pages_past_the_last_are_404(client, journal):
    assert client.get("/sitemap-events.xml?p=1").status_code == 200
    assert client.get("/sitemap-events.xml?p=2").status_code == 404
    assert client.get("/sitemap-events.xml?p=abc").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_sitemap_of_an_empty_journal_lists_only_the_pages(client, db):
    assert client.get("/sitemap-events.xml").content.decode().count("<url>") == 0
    assert len(locations(client.get("/sitemap-pages.xml").content.decode())) == 8


def test_sitemap_query_count_does_not_grow(client, django_assert_num_queries, db):
    owner = make.StaffMemberFactory(username="minji", group="Editors")
    total = 0
    for size in (2, 8):
        for _ in range(size):
            make.NoteFactory(event=make.EventFactory(owner=owner), owner=owner, visibility="public")
        total += size
        with django_assert_num_queries(2):  # a count, then one page of rows
            response = client.get("/sitemap-notes.xml")
        assert len(locations(response.content.decode())) == total


def test_sitemap_index_is_kept_under_the_journal_version(
    client, journal, monkeypatch, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """Counted once; asked again, one query (the version); any write, update() too, shows."""
    monkeypatch.setattr(JournalSitemap, "limit", 1)  # a page per record: the index shows counts

    def index():
        with django_capture_on_commit_callbacks(execute=True):
            return locations(client.get("/sitemap.xml").content.decode())

    notes = f"{BASE}/sitemap-notes.xml"
    public = Note.objects.filter(event__slug="neurips-2022", visibility="public")
    make.NoteFactory(event=public.get().event, owner=journal["owner"], visibility="public")
    first = index()
    assert [loc for loc in first if loc.startswith(notes)] == [notes, f"{notes}?p=2"]
    with django_assert_num_queries(1):
        assert index() == first
    # QuerySet.update() sends no signal; the version moves all the same.
    Note.objects.filter(pk=public.order_by("pk").last().pk).update(visibility="private")
    assert [loc for loc in index() if loc.startswith(notes)] == [notes]
    assert f"{BASE}/sitemap-notes.xml?p=2" not in client.get("/sitemap.xml").content.decode()


def test_sitemap_topics_lists_only_topics_of_public_attended_records(client, journal):
    """As /topics/: a topic used only on private records or unattended talks is absent."""
    Note.objects.get(visibility="private", event__slug="neurips-2022").tags.add("note-only")
    Talk.objects.get(event__slug="neurips-2022", attended=False).tags.add("programme-only")
    xml = client.get("/sitemap-topics.xml").content.decode()
    assert locations(xml) == [f"{BASE}/topics/pruning/"]
    topics = client.get("/topics/").content.decode()
    assert "/topics/pruning/" in topics and "programme-only" not in topics


def test_robots_txt_points_at_the_sitemap_and_keeps_out_of_the_admin(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        f"User-agent: *\nDisallow: /admin/\nSitemap: {BASE}/sitemap.xml\n"
    )
