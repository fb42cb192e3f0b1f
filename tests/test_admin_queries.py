"""The admin's pages cost the same queries whatever the size of what they show.

The change page of an event lists every talk, paper, booth, note and photo of
it as inline rows; each row's speakers, topics and choices come from queries
made once for the page, not once per row.
"""

import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from events.models import Booth, Event
from talks.models import Note, Paper, Talk
from tests import factories as make

pytestmark = pytest.mark.django_db


def fill(event, owner, size, speakers):
    for i in range(size):
        talk = make.TalkFactory(event=event, title=f"Talk {i:03d}", speakers=speakers)
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


# What the event page costs, whatever it holds: the session and user, the event and its
# topics, the remembered visibilities of notes and photos, the event's talks, papers and
# booths to choose among, the cover photo's choices, and each inline's rows with their
# speakers and topics.
CHANGE_PAGE_QUERIES = 20


def test_event_change_page_query_count_does_not_grow_with_its_talks(client):
    owner = make.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(owner)
    speakers = [make.SpeakerFactory(name="승현준", slug="seung"), make.SpeakerFactory(name="Ada")]
    small, large = make.EventFactory(owner=owner), make.EventFactory(owner=owner)
    fill(small, owner, 3, speakers)
    fill(large, owner, 30, speakers)
    change_page(client, small)  # content types and sessions warm, as in a running server

    small_html, small_queries = change_page(client, small)
    large_html, large_queries = change_page(client, large)

    assert len(large_queries) == len(small_queries) == CHANGE_PAGE_QUERIES, shapes(large_queries)
    # The first rows are there with their speakers (in order) and topics.
    assert large_html.count('value="Talk 0') == 5 and large_html.count('value="Note 0') == 5
    assert large_html.count(f'<option value="{speakers[0].pk}" selected>승현준</option>') == 5
    assert "topic-4" in large_html and "트랜스포머" in large_html
    # Each shown note's and paper's talk select lists the event's talks, its own chosen:
    # 10 rows and the two blank "add another" forms; papers first (Paper 000 on Talk 000),
    # notes newest first (Note 029 on Talk 029).
    talk = large.talks.get(title="Talk 007")
    assert large_html.count(f'<option value="{talk.pk}">Talk 007</option>') == 12
    for title in ("Talk 000", "Talk 029"):
        chosen = large.talks.get(title=title)
        assert large_html.count(f'<option value="{chosen.pk}" selected>{title}</option>') == 1
    assert "Talk 002" in small_html


def test_an_editors_event_change_page_query_count_does_not_grow_either(client):
    """A staff member who is no superuser: their notes only, speakers they may pick."""
    owner = make.StaffMemberFactory(group="Editors")
    client.force_login(owner)
    speakers = [make.SpeakerFactory(name="승현준", slug="seung")]
    small, large = make.EventFactory(owner=owner), make.EventFactory(owner=owner)
    fill(small, owner, 3, speakers)
    fill(large, owner, 30, speakers)
    change_page(client, small)

    _html, small_queries = change_page(client, small)
    large_html, large_queries = change_page(client, large)

    # Their permissions are two queries more.
    assert len(large_queries) == len(small_queries) == CHANGE_PAGE_QUERIES + 2, shapes(
        large_queries
    )
    assert large_html.count('value="Note 0') == 5
    assert large_html.count(f'<option value="{speakers[0].pk}" selected>승현준</option>') == 5


def test_a_programme_of_hundreds_shows_its_first_talks_and_links_to_the_rest(client):
    """A conference with an imported programme: the first 5 talks (attended first) are
    editable inline, one more row read to know there are others, and a link leads to
    all of the event's talks (and papers, booths, notes) in their lists."""
    owner = make.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(owner)
    speakers = [make.SpeakerFactory(name="승현준", slug="seung")]
    capped, larger = make.EventFactory(owner=owner), make.EventFactory(owner=owner)
    fill(capped, owner, 6, speakers)
    fill(larger, owner, 45, speakers)
    # A talk attended late in the programme still comes first.
    Talk.objects.filter(event=larger).update(attended=False)
    Talk.objects.filter(event=larger, title="Talk 044").update(attended=True)
    change_page(client, capped)

    _html, capped_queries = change_page(client, capped)
    html, larger_queries = change_page(client, larger)

    assert len(larger_queries) == len(capped_queries), shapes(larger_queries)
    assert html.count('value="Talk 0') == 5 and html.count('value="Note 0') == 5
    assert 'value="Talk 044"' in html and 'value="Talk 040"' not in html
    assert "Only the first 5 talks are shown here." in html
    for model in ("talk", "paper", "booth", "note"):
        link = f"/admin/{'events' if model == 'booth' else 'talks'}/{model}/?event__id__exact="
        assert f'href="{link}{larger.pk}"' in html
        listed = client.get(f"{link}{larger.pk}")
        assert listed.status_code == 200
        assert "45 " in listed.content.decode()  # "45 talks", "45 papers", ...
    small_html, _queries = change_page(client, make.EventFactory(owner=owner))
    assert "are shown here" not in small_html


def test_the_change_page_costs_the_same_from_the_demo_to_a_generated_journal(client):
    """The demo journal's largest event, then the largest of a generated journal (hundreds
    of talks, a thousand notes): the same queries, and the page stays small."""
    owner = make.UserFactory(is_staff=True, is_superuser=True, username="owner")
    client.force_login(owner)
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    largest = Event.objects.annotate(n=Count("talks")).order_by("-n", "pk")
    demo = largest.first()
    change_page(client, demo)
    demo_html, demo_queries = change_page(client, demo)
    call_command("generate_journal", size="S", verbosity=0, stdout=io.StringIO())
    generated = largest.first()
    assert generated.n >= 100 > demo.n
    html, queries = change_page(client, generated)

    assert len(queries) == len(demo_queries) == CHANGE_PAGE_QUERIES, shapes(queries)
    assert len(html.encode()) < 300_000
    assert demo.name in demo_html and generated.name in html


def test_talk_list_draws_the_date_bar_for_one_event_and_filters_ratings_without_a_query(
    client,
):
    owner = make.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(owner)
    event = make.EventFactory(owner=owner)
    make.TalkFactory(event=event, title="Rated talk", rating=5)
    make.TalkFactory(event=event, title="Unrated talk")

    everything = client.get("/admin/talks/talk/").content.decode()
    assert "date__year=" not in everything  # no date bar over the whole journal
    one_event = client.get(f"/admin/talks/talk/?event__id__exact={event.pk}").content.decode()
    assert "date__year=" in one_event or "date__month=" in one_event or "date__day=" in one_event
    assert "Rated talk" in one_event and "Unrated talk" in one_event

    rated = client.get("/admin/talks/talk/?rating=5").content.decode()
    assert "Rated talk" in rated and "Unrated talk" not in rated
    assert client.get("/admin/talks/talk/?rating=9").status_code == 200


def test_a_conferences_many_talks_are_an_autocomplete_in_paper_and_note_rows(client):
    """Past 100 talks, a paper's or note's talk is picked by autocomplete: each row shows
    its chosen talk (named from the page's one list), not a select of every talk."""
    owner = make.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(owner)
    event = make.EventFactory(owner=owner)
    talks = [make.TalkFactory(event=event, title=f"Session {i:03d}") for i in range(101)]
    Paper.objects.create(event=event, title="Chosen paper", talk=talks[7])
    Note.objects.create(event=event, owner=owner, title="A note", body="본문", talk=talks[9])
    change_page(client, event)

    html, queries = change_page(client, event)
    for _ in range(4):
        Note.objects.create(event=event, owner=owner, title="More", body="본문", talk=talks[3])
    more_html, more_queries = change_page(client, event)

    assert len(more_queries) == len(queries), shapes(more_queries)
    assert f'<option value="{talks[7].pk}" selected>Session 007</option>' in html
    assert f'<option value="{talks[9].pk}" selected>Session 009</option>' in html
    assert more_html.count(f'<option value="{talks[3].pk}" selected>Session 003</option>') == 4
    assert ">Session 050</option>" not in html  # no row lists every talk
    assert 'data-field-name="talk"' in html  # the admin's autocomplete
