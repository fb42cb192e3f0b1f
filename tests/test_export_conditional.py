"""Exports answer a repeated download with 304 Not Modified until the journal changes.

The ETag comes from the journal version (database triggers bump it on every write),
the viewer, the language and the address: a calendar app polling the site's
calendar gets an empty 304 for one query, and the new file right after an edit.
"""

import datetime

import pytest

from talks.models import Paper
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db

EXPORTS = [
    "/calendar.ics",
    "/events/neurips-2022/calendar.ics",
    "/papers.bib",
    "/papers.bib?year=2022",
    "/events/neurips-2022/papers.bib",
    "/events/neurips-2022/recap.md",
]


@pytest.fixture
def journal(db):
    owner = UserFactory(username="minji")
    event = EventFactory(
        name="NeurIPS 2022",
        slug="neurips-2022",
        owner=owner,
        start_date=datetime.date(2022, 11, 28),
    )
    Paper.objects.create(event=event, title="Stacked Hebbian learning", authors="Ada Lee")
    secret = EventFactory(
        name="Lab retreat 2022", slug="lab-retreat", owner=owner, visibility="private"
    )
    Paper.objects.create(event=secret, title="Unpublished draft", authors="Ada Lee")
    return owner, event


@pytest.mark.parametrize("url", EXPORTS)
def test_a_repeated_download_is_304_until_the_journal_changes(client, journal, url):
    _owner, event = journal
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""

    Paper.objects.create(event=event, title="Bayesian deep learning", authors="Yoshua Bengio")
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    if "bib" in url:
        assert "Bayesian deep learning" in changed.content.decode()


def test_a_304_costs_one_query(client, journal, django_assert_num_queries):
    etag = client.get("/papers.bib")["ETag"]
    with django_assert_num_queries(1):  # the journal version
        assert client.get("/papers.bib", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_each_viewer_and_language_has_its_own_etag_and_no_private_records(client, journal):
    owner, _event = journal
    anonymous = client.get("/papers.bib")
    client.cookies["django_language"] = "ko"
    korean = client.get("/papers.bib")
    assert korean["ETag"] != anonymous["ETag"]
    del client.cookies["django_language"]

    client.force_login(owner)
    mine = client.get("/papers.bib", HTTP_IF_NONE_MATCH=anonymous["ETag"])
    # The owner's copy is not validated by the anonymous tag, and holds only public papers.
    assert mine.status_code == 200 and mine["ETag"] != anonymous["ETag"]
    assert "Stacked Hebbian learning" in mine.content.decode()
    assert "Unpublished draft" not in mine.content.decode()
    assert client.get("/papers.bib", HTTP_IF_NONE_MATCH=mine["ETag"]).status_code == 304
    other = UserFactory(username="other")
    client.force_login(other)
    assert client.get("/papers.bib", HTTP_IF_NONE_MATCH=mine["ETag"]).status_code == 200
