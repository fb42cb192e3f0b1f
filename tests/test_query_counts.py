"""Every list page costs the same number of queries at two data sizes."""

import datetime

import pytest

from tests.factories import (
    BoothFactory,
    EventFactory,
    NoteFactory,
    PaperFactory,
    SpeakerFactory,
    TalkFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def build_journal(size):
    """`size` conferences, each with two days and a full day's records on both."""
    owner = UserFactory(username="owner")
    speakers = [SpeakerFactory(slug=f"s-{i}") for i in range(3)]
    for i in range(size):
        start = datetime.date(2015 + i, 11, 8)
        parent = EventFactory(
            slug=f"conf-{i}",
            start_date=start,
            end_date=start + datetime.timedelta(days=1),
            owner=owner,
        )
        parent.tags.add("topic", f"topic-{i}")
        for day in range(2):
            date = start + datetime.timedelta(days=day)
            child = EventFactory(
                slug=f"conf-{i}-day-{day}",
                parent=parent,
                start_date=date,
                end_date=date,
                owner=owner,
            )
            child.tags.add("topic")
            for _ in range(2):
                talk = TalkFactory(event=child, speakers=speakers[:2])
                talk.tags.add("topic")
                paper = PaperFactory(event=child, talk=talk)
                paper.tags.add("topic")
                booth = BoothFactory(event=child)
                booth.tags.add("topic")
                for visibility in ("public", "private"):
                    note = NoteFactory(event=child, talk=talk, owner=owner, visibility=visibility)
                    note.tags.add("topic")
                NoteFactory(event=child, booth=booth, owner=owner, visibility="public")
    return owner


PUBLIC_PAGES = {
    "/": 8,
    "/events/": 8,
    "/events/?year=2016&kind=conference&country=US&tag=topic": 8,
    "/events/conf-1/": 14,
    "/talks/": 4,
    "/talks/?tag=topic&year=2016": 4,
    "/papers/": 3,
    "/booths/": 3,
    "/notes/": 3,
    "/speakers/": 2,
    "/speakers/s-0/": 6,
    "/topics/": 2,
    "/topics/topic/": 12,
}


@pytest.mark.parametrize("size", [2, 5])
@pytest.mark.parametrize(("url", "queries"), PUBLIC_PAGES.items())
def test_public_page_query_count_does_not_grow(
    client, django_assert_num_queries, size, url, queries
):
    build_journal(size)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200


ADMIN_PAGES = {
    "/admin/events/event/": 8,
    "/admin/events/booth/": 8,
    "/admin/talks/talk/": 10,
    "/admin/talks/paper/": 8,
    "/admin/talks/note/": 8,
    "/admin/talks/speaker/": 5,
    "/admin/events/tag/": 5,
    "/admin/events/event/?q=conf": 8,
}


@pytest.mark.parametrize("size", [2, 5])
@pytest.mark.parametrize(("url", "queries"), ADMIN_PAGES.items())
def test_admin_changelist_query_count_does_not_grow(
    admin_client, django_assert_num_queries, size, url, queries
):
    build_journal(size)
    with django_assert_num_queries(queries):
        response = admin_client.get(url)
    assert response.status_code == 200
