"""One journal, two app servers: what a write through A means for everyone on B.

Run by `make cluster-test` (scripts/cluster-test): PostgreSQL, Redis and a shared media
directory behind two gunicorns; see tests/cluster/conftest.py. Every write goes through
one server's admin as a browser sends it, and the very next request to the other server
is checked: nothing stale from the shared page cache, nothing private, no count from
before the write.
"""

import re

import lxml.html

from tests.cluster.conftest import ROOT, Browser, free_port, jpeg, start_server, unique

PROGRAMME = ROOT / "tests" / "data" / "pretalx-neurips22" / "schedule.json"


def counts_on_card(timeline, name):
    """The counts an event's card shows on the timeline ("2 talks", "3 notes")."""
    document = lxml.html.fromstring(timeline)
    (card,) = document.xpath(f'//article[h3/a[normalize-space()="{name}"]]')
    return [item.text_content().strip() for item in card.xpath('./ul[@class="counts"]/li')]


def warm(url):
    """An anonymous visitor reads `url` twice: the second time from the shared cache."""
    visitor = Browser()
    first = visitor.page(url)
    assert visitor.page(url) == first
    return first


def test_an_admin_edit_through_a_is_on_the_next_page_from_b(a, b, ada_browser, journal):
    event = journal["event"]
    assert "Cluster Conference" in warm(f"{b}/events/cluster-conf/")
    summary = unique("Poster hall on the second floor ")
    saved = ada_browser.submit(
        f"{a}/admin/events/event/{event.pk}/change/", {"summary": summary, "venue": "Hall B"}
    )
    assert saved.status_code == 302, saved.text[:2000]
    page = Browser().page(f"{b}/events/cluster-conf/")
    assert summary in page
    assert "Hall B" in page


def test_a_note_made_private_through_a_is_gone_from_b_at_once(a, b, ada_browser, journal):
    from talks.models import Note

    title = unique("Poster session thoughts ")
    note = Note.objects.create(
        event=journal["event"],
        owner=journal["ada"],
        title=title,
        body="공개 메모",
        visibility="public",
    )
    for path in (f"/notes/{note.pk}/", "/notes/", "/events/cluster-conf/"):
        assert title in warm(b + path)
    public = Note.objects.filter(event=journal["event"], visibility="public").count()
    counted = counts_on_card(warm(f"{b}/events/"), "Cluster Conference")
    assert (f"{public} notes" if public > 1 else "1 note") in counted

    saved = ada_browser.submit(f"{a}/admin/talks/note/{note.pk}/change/", {"visibility": "private"})
    assert saved.status_code == 302, saved.text[:2000]

    visitor = Browser()
    assert visitor.get(f"{b}/notes/{note.pk}/").status_code == 404
    for path in ("/notes/", "/events/cluster-conf/", "/search/?q=" + title.split()[-1]):
        assert title not in visitor.page(b + path), path
    # The event's count of notes moves with it.
    counted = counts_on_card(visitor.page(f"{b}/events/"), "Cluster Conference")
    assert counted == ([f"{public - 1} note" + ("s" if public > 2 else "")] if public > 1 else [])
    # Its owner still reads it, on either server.
    assert title in ada_browser.page(f"{b}/notes/{note.pk}/")


def test_a_note_written_through_a_is_found_by_search_on_b(a, b, ada_browser, journal):
    word = unique("클러스터")
    query = f"{b}/search/?q={word}"
    assert f"{word}에 대한 메모" not in warm(query)
    saved = ada_browser.submit(
        f"{a}/admin/talks/note/add/?event={journal['event'].pk}",
        {
            "title": f"{word}에 대한 메모",
            "body": f"두 서버가 같은 {word}를 봅니다.",
            "visibility": "public",
        },
    )
    assert saved.status_code == 302, saved.text[:2000]
    results = Browser().page(query)
    assert f"{word}에 대한 메모" in results


def test_a_photo_uploaded_through_a_is_served_by_b_with_the_same_check(a, b, ada_browser, journal):
    from events.models import Photo

    ben = Browser()
    assert ben.log_in(b, "ben").status_code == 302
    urls = {}
    for visibility, color in (("public", "red"), ("private", "blue")):
        alt = unique(f"A {visibility} poster ")
        saved = ada_browser.submit(
            f"{a}/admin/events/photo/add/",
            {"event": str(journal["event"].pk), "alt_text": alt, "visibility": visibility},
            files={"upload": ("poster.jpg", jpeg(color), "image/jpeg")},
        )
        assert saved.status_code == 302, saved.text[:2000]
        photo = Photo.objects.get(alt_text=alt)
        urls[visibility] = [photo.get_absolute_url()] + [
            f"/photos/{photo.pk}/{name.rsplit('/', 1)[-1]}" for name in photo.file_names()
        ]

    for path in urls["public"]:
        response = Browser().get(b + path)
        assert response.status_code == 200, path
    image = Browser().get(b + urls["public"][1])
    assert image.headers["Content-Type"] == "image/jpeg"
    assert image.content[:3] == b"\xff\xd8\xff"

    for path in urls["private"]:
        assert Browser().get(b + path).status_code == 404, path
        assert ben.get(b + path).status_code == 404, path
        assert ada_browser.get(b + path).status_code == 200, path
    owner_copy = ada_browser.get(b + urls["private"][1])
    assert owner_copy.content[:3] == b"\xff\xd8\xff"
    assert "private" in owner_copy.headers["Cache-Control"]


def test_a_programme_imported_through_a_is_on_b(a, b, ada_browser, journal):
    from events.models import Event

    event = Event.objects.create(
        name="NeurIPS 2022 (cluster)",
        slug=unique("neurips-"),
        kind="conference",
        start_date="2022-11-28",
        end_date="2022-12-09",
        owner=journal["ada"],
        visibility="public",
    )
    assert "Neural ODEs without Labels #1" not in warm(f"{b}/events/{event.slug}/")
    with PROGRAMME.open("rb") as programme:
        saved = ada_browser.submit(
            f"{a}/admin/events/event/{event.pk}/import-programme/",
            {"dry_run": [], "extend_dates": "on"},
            files={"file": ("schedule.json", programme.read(), "application/json")},
        )
    assert saved.status_code == 302, saved.text[:3000]
    assert event.talks.count() == 300
    page = Browser().page(f"{b}/events/{event.slug}/")
    assert "Neural ODEs without Labels #1" in page


def test_a_log_in_through_a_holds_on_b_and_a_log_out_on_b_ends_it_on_a(a, b):
    person = Browser()
    assert person.get(f"{b}/admin/").status_code == 302  # to the log-in page
    assert person.log_in(a, "ben").status_code == 302
    assert "ben" in person.page(f"{b}/admin/")
    assert person.log_out(b).status_code == 200
    for server in (a, b):
        response = person.get(f"{server}/admin/")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/admin/login/")


def test_five_bad_passwords_over_both_servers_lock_out_on_both(a, b, orm):
    from django.contrib.auth.models import User

    User.objects.create_user("mallory-target", password="right-password-of-12")
    person = Browser()
    for server in (a, b, a, b):
        failed = person.log_in(server, "mallory-target", "wrong-password-123")
        assert failed.status_code == 200
        assert "Please enter the correct username and password" in failed.text
    # The fifth failure, wherever it lands, is the lockout; then the right password is too.
    assert person.log_in(a, "mallory-target", "wrong-password-123").status_code == 429
    for server in (b, a):
        locked = person.log_in(server, "mallory-target", "right-password-of-12")
        assert locked.status_code == 429
        assert "locked" in locked.text.lower()


def test_health_on_both_and_503_when_a_service_is_gone(a, b):
    for server in (a, b):
        response = Browser().get(f"{server}/health/")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}

    nowhere = f"127.0.0.1:{free_port()}"  # nothing listens there
    no_cache = start_server("no-cache", CACHE_LOCATION=f"redis://{nowhere}/0")
    try:
        response = Browser().get(f"{no_cache.url}/health/")
        assert response.status_code == 503
        assert response.json() == {
            "status": "unavailable",
            "database": "ok",
            "cache": "unavailable",
        }
        # The journal is still served, from the views.
        assert "Cluster Conference" in Browser().page(f"{no_cache.url}/events/cluster-conf/")
    finally:
        no_cache.stop()
    no_database = start_server("no-database", DATABASE_URL=f"postgres://postgres@{nowhere}/x")
    try:
        response = Browser().get(f"{no_database.url}/health/")
        assert response.status_code == 503
        assert response.json()["database"] == "unavailable"
        assert re.search(r"postgres|127\.0\.0\.1", response.text) is None
    finally:
        no_database.stop()
