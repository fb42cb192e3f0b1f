"""The admin's pages cost the same queries whatever the size of what they show (issue 7).

The change page of an event lists every talk, paper, booth, note and photo of
it as inline rows; each row's speakers, topics and choices come from queries
made once for the page, not once per row.
"""

import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Booth
from talks.models import Note, Paper
from tests.factories import (
    EventFactory,
    SpeakerFactory,
    StaffMemberFactory,
    TalkFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def fill(event, owner, size, speakers):
    for i in range(size):
        talk = TalkFactory(event=event, title=f"Talk {i:03d}", speakers=speakers)
        talk.tags.add("pruning", f"topic-{i}")
        paper = Paper.objects.create(event=event, title=f"Paper {i:03d}", talk=talk)
        paper.tags.add("pruning")
        booth = Booth.objects.create(event=event, organization=f"Booth {i:03d}")
        booth.tags.add("pruning")
        note = Note.objects.create(
            event=event, owner=owner, title=f"Note {i:03d}", body="본문", talk=talk
        )
        note.tags.add("트랜스포머")


def shapes(queries):
    """The queries by shape (numbers blanked), most repeated first: what grew."""
    counted = Counter(re.sub(r"\d+", "N", q["sql"])[:300] for q in queries.captured_queries)
    return "\n".join(f"{n} x {sql}" for sql, n in counted.most_common())


def change_page(client, event):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/admin/events/event/{event.pk}/change/")
    assert response.status_code == 200
    return response.content.decode(), queries


def test_event_change_page_query_count_does_not_grow_with_its_talks(client):
    owner = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(owner)
    speakers = [SpeakerFactory(name="승현준", slug="seung"), SpeakerFactory(name="Ada")]
    small, large = EventFactory(owner=owner), EventFactory(owner=owner)
    fill(small, owner, 3, speakers)
    fill(large, owner, 30, speakers)
    change_page(client, small)  # content types and sessions warm, as in a running server

    small_html, small_queries = change_page(client, small)
    large_html, large_queries = change_page(client, large)

    assert len(large_queries) == len(small_queries), shapes(large_queries)
    # Every row is still there with its speakers (in order) and topics.
    assert large_html.count('value="Talk 0') == 30 and large_html.count('value="Note 0') == 30
    assert large_html.count(f'<option value="{speakers[0].pk}" selected>승현준</option>') == 30
    assert "topic-29" in large_html and "트랜스포머" in large_html
    # Each note's and paper's talk select still lists the event's talks, its own chosen:
    # 60 rows and the two blank "add another" forms, two of the rows on Talk 007.
    talk = large.talks.get(title="Talk 007")
    assert large_html.count(f'<option value="{talk.pk}">Talk 007</option>') == 60
    assert large_html.count(f'<option value="{talk.pk}" selected>Talk 007</option>') == 2
    assert "Talk 002" in small_html


def test_an_editors_event_change_page_query_count_does_not_grow_either(client):
    """A staff member who is no superuser: their notes only, speakers they may pick."""
    owner = StaffMemberFactory(group="Editors")
    client.force_login(owner)
    speakers = [SpeakerFactory(name="승현준", slug="seung")]
    small, large = EventFactory(owner=owner), EventFactory(owner=owner)
    fill(small, owner, 3, speakers)
    fill(large, owner, 30, speakers)
    change_page(client, small)

    _html, small_queries = change_page(client, small)
    large_html, large_queries = change_page(client, large)

    assert len(large_queries) == len(small_queries), shapes(large_queries)
    assert large_html.count('value="Note 0') == 30
    assert large_html.count(f'<option value="{speakers[0].pk}" selected>승현준</option>') == 30
