"""Public pages render what a visitor expects, Korean included, and nothing private."""

import datetime
import html as htmllib
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from events.models import Event
from tests import factories as make
from tests.page_samples import page_addresses
from tests.sample_journal import PRIVATE_EVENT, SECRET, build_page_journal

pytestmark = pytest.mark.django_db


@pytest.fixture
def journal(db):
    return build_page_journal()


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def without_on_this_day(html):
    """The page without its "On this day" box, whose events depend on today's date."""
    start = html.find('<section class="on-this-day"')
    if start == -1:
        return html
    return html[:start] + html[html.index("</section>", start) + len("</section>") :]


def test_timeline_lists_years_newest_first_with_days_nested(client, journal):
    html = without_on_this_day(page(client, "/"))
    assert html.index("2023") < html.index("2022")
    assert html.index("대한민국 인공지능위크 2023") < html.index("NeurIPS 2022")
    assert html.index("NeurIPS 2022") < html.index("Samsung AI Forum 2022")
    forum = html.index("Samsung AI Forum 2022")
    assert forum < html.index("Day 1 · COEX") < html.index("Day 2 · Yangjae")
    assert '<ol class="sub-events">' in html[forum:]

    # The home page is the timeline, with "on this day" above it and its own og:url.
    def timeline(html):
        return html[html.index('<nav class="years"') : html.index("</main>")]

    assert timeline(html) == timeline(page(client, "/events/"))


def test_timeline_shows_dates_place_kind_counts_and_tags(client, journal):
    html = page(client, "/events/")
    assert "New Orleans, United States of America" in html
    assert "Nov. 28, 2022" in html and "Dec. 1, 2022" in html
    assert "Forum" in html
    # NeurIPS: one attended talk (the unattended one is not counted), a paper, a booth, a note.
    neurips = html[html.index("NeurIPS 2022") :]
    neurips = neurips[: neurips.index("</article>")]
    assert "1 talk" in neurips and "1 paper" in neurips and "1 booth" in neurips
    assert "1 note" in neurips
    assert ">pruning</a>" in neurips and ">경량화</a>" in neurips


def test_timeline_hides_private_event_and_private_counts(client, journal):
    html = page(client, "/events/")
    assert PRIVATE_EVENT not in html
    day1 = html[html.index("Day 1 · COEX") :]
    day1 = day1[: day1.index("</article>")]
    # Day 1 has one public and one private note: only the public one is counted.
    assert "1 note" in day1 and "2 notes" not in day1
    assert "defence-secret" not in html


def test_timeline_filters_by_year_kind_country_and_tag(client, journal):
    html = page(client, "/events/?year=2023")
    assert "대한민국 인공지능위크 2023" in html and "NeurIPS 2022" not in html
    html = page(client, "/events/?country=US")
    assert "NeurIPS 2022" in html and "Samsung AI Forum 2022" not in html
    html = page(client, "/events/?kind=forum")
    assert "Samsung AI Forum 2022" in html and "NeurIPS 2022" not in html
    # A tag on Day 2 only: the forum is listed for context, with Day 2 and not Day 1.
    html = page(client, "/events/?tag=hebbian")
    assert "Samsung AI Forum 2022" in html and "Day 2 · Yangjae" in html
    assert "Day 1 · COEX" not in html and "NeurIPS 2022" not in html
    html = page(client, "/events/?tag=no-such-topic")
    assert "No events match these filters." in html


def test_timeline_filter_choices_follow_writes_and_the_viewer(client, journal):
    """The filters offer the years, countries and topics of the events the viewer sees;
    they are kept under the journal version, so a write shows in them at once."""
    html = page(client, "/events/")
    assert '<option value="hebbian">hebbian</option>' in html
    assert '<option value="FR">' not in html and ">1999</option>" not in html
    event = make.EventFactory(
        name="Journées", slug="journees", country="FR", start_date=datetime.date(1999, 5, 3)
    )
    event.tags.add("옛날-주제")
    html = page(client, "/events/")
    assert '<option value="FR">France</option>' in html
    assert '<option value="1999">1999</option>' in html
    assert '<option value="옛날-주제">옛날-주제</option>' in html
    # Private to its owner: gone for visitors, still offered to the owner.
    Event.objects.filter(pk=event.pk).update(visibility="private")
    html = page(client, "/events/")
    assert "옛날-주제" not in html and '<option value="FR">' not in html
    client.force_login(event.owner)
    assert '<option value="옛날-주제">옛날-주제</option>' in page(client, "/events/")


@pytest.mark.parametrize(
    "query",
    [
        "year=abc", "kind=banquet", "country=XX", "country=us", "country=" + "K" * 10000,
        "year=99999999999999999999", "tag=" + "x" * 10000,
    ],
)  # fmt: skip
def test_timeline_bad_filter_is_a_400_page_with_the_reason(client, journal, query):
    html = page(client, f"/events/?{query}", status=400)
    assert "Some filters could not be used" in html
    assert "NeurIPS 2022" not in html.split("Some filters could not be used")[1]


def test_timeline_unknown_country_says_so(client, journal):
    html = htmllib.unescape(page(client, "/events/?country=XX", status=400))
    assert "Country: Select a valid choice. XX is not one of the available choices." in html


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Something went wrong"), ("ko", "문제가 생겼습니다")]
)
def test_a_failing_view_is_the_500_page_in_the_visitors_language(db, language, heading):
    from django.test import Client, override_settings

    client = Client(raise_request_exception=False)
    with override_settings(ROOT_URLCONF="tests.failing_urls"):
        response = client.get("/__fail__/", headers={"accept-language": language})
    assert response.status_code == 500
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert f'<html lang="{language}">' in html
    assert "Traceback" not in html and "RuntimeError" not in html


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("page=abc", 400, "“abc” is not a page number."),
        ("page=99999", 404, "There is no page 99999 of this list."),
        ("page=0", 404, "There is no page 0 of this list."),
    ],
)
def test_timeline_bad_page_is_a_404_page(client, journal, query, status, message):
    html = page(client, f"/events/?{query}", status=status)
    assert message in html
    assert "Go to the first page" in html


def test_event_page_shows_everything_of_the_event(client, journal):
    html = page(client, "/events/neurips-2022/")
    assert "<h1>NeurIPS 2022" in html
    assert "The Forward-Forward Algorithm" in html and "Geoffrey Hinton" in html
    assert "WoodFisher" in html and "Sidak Pal Singh, Dan Alistarh" in html
    assert "Disney" in html and "모자, 에코백" in html
    assert "디즈니 부스" in html
    assert "1 more talk in the programme, not attended" in html
    assert "Unattended Programme Talk" in html


def test_event_page_shows_the_newest_notes_of_the_event_and_its_days(client, monkeypatch):
    from events.views import EventDetailView
    from talks.models import Note

    monkeypatch.setattr(EventDetailView, "records_shown", 2)
    forum = make.EventFactory(name="Forum", slug="forum")
    day = make.EventFactory(name="Day 2", slug="forum-day-2", parent=forum)
    older = timezone.now() - datetime.timedelta(days=3)
    for n, (event, text) in enumerate(
        [(forum, "첫째 노트"), (day, "둘째 노트"), (forum, "셋째 노트"), (day, "private 노트")]
    ):
        note = make.NoteFactory(event=event, body=text, visibility="public")
        Note.objects.filter(pk=note.pk).update(created_at=older + datetime.timedelta(hours=n))
    Note.objects.filter(body="private 노트").update(visibility="private")
    html = page(client, "/events/forum/")
    notes = html[html.index("<h2>Notes</h2>") :]
    assert "셋째 노트" in notes and "둘째 노트" in notes
    assert notes.index("셋째 노트") < notes.index("둘째 노트")
    assert "첫째 노트" not in notes and "private 노트" not in html
    assert "All notes of this event" in notes


def test_event_page_of_a_forum_shows_its_days_and_their_talks(client, journal):
    html = page(client, "/events/samsung-ai-forum-2022/")
    assert "Days and side events" in html
    assert html.index("Day 1 · COEX") < html.index("Day 2 · Yangjae")
    assert "Bayesian neural networks" in html and "Yoshua Bengio" in html
    assert "헤비안 러닝 패널" in html
    assert html.index("Sebastian Seung") < html.index("Daniel Lee")
    assert "벤지오 키노트" in html
    assert SECRET not in html


def test_event_page_with_korean_slug(client, journal):
    html = page(client, journal["week"].get_absolute_url())
    assert "<h1>대한민국 인공지능위크 2023" in html
    assert "서울, South Korea" in html


def test_private_event_and_everything_under_it_is_404_for_others(client, journal):
    hidden = journal["hidden"]
    urls = [hidden.get_absolute_url()]
    urls += [t.get_absolute_url() for t in hidden.talks.all()]
    urls += [p.get_absolute_url() for p in hidden.papers.all()]
    urls += [b.get_absolute_url() for b in hidden.booths.all()]
    urls += [n.get_absolute_url() for n in hidden.notes.all()]
    urls += ["/speakers/colonel-hidden/", "/topics/defence-secret/"]
    for url in urls:
        assert SECRET not in page(client, url, status=404)
    client.force_login(make.UserFactory(username="someone-else"))
    for url in urls:
        assert SECRET not in page(client, url, status=404)


def test_private_event_is_visible_to_its_owner(client, journal):
    client.force_login(journal["owner"])
    html = page(client, journal["hidden"].get_absolute_url())
    assert PRIVATE_EVENT in html and "Private" in html
    assert SECRET in page(client, journal["private_note"].get_absolute_url())


def test_private_note_is_404_for_anyone_but_its_owner(client, journal):
    url = journal["private_note"].get_absolute_url()
    assert SECRET not in page(client, url, status=404)
    client.force_login(make.UserFactory(username="colleague"))
    assert SECRET not in page(client, url, status=404)


# Records the shared walk (tests/page_samples.py) may not pick: a day of an event, a topic
# used on a note only, a speaker of a day's talk.
PRIVATE_CHECK_EXTRAS = [
    "/events/samsung-ai-forum-2022/",
    "/events/saif-day-1/",
    "/topics/bayesian/",
    "/speakers/yoshua-bengio/",
]


def test_public_pages_never_show_private_things(client, journal):
    """Every public page kind (the shared walk, four records of each kind) and a few more."""
    walked = page_addresses(per_page=4)
    urls = [url for addresses in walked.values() for url in addresses] + PRIVATE_CHECK_EXTRAS
    # The walk reaches every list page the hand-written list of this test used to name.
    for url in ["/", "/events/", "/talks/", "/papers/", "/booths/", "/notes/", "/speakers/"]:
        assert url in urls
    assert "/topics/" in urls and len(urls) > 40
    for url in dict.fromkeys(urls):
        response = client.get(url)
        # 404: an event's photo gallery when it has no photo.
        assert response.status_code in (200, 404), url
        assert response.status_code == 200 or url.endswith("/photos/"), url
        html = response.content.decode()
        assert SECRET not in html, url
        assert PRIVATE_EVENT not in html, url
        assert "Colonel Hidden" not in html, url
        assert "only-private-tag" not in html, url
        assert "defence-secret" not in html, url


def test_flags_are_images_not_emoji(client, journal):
    """A flag is a picture from django-countries beside the country's name, never a pair of
    regional-indicator characters that only an emoji font draws."""
    for url in ["/", "/events/", "/events/neurips-2022/", "/stats/"]:
        html = page(client, url)
        assert not any(0x1F1E6 <= ord(char) <= 0x1F1FF for char in html), url
    html = page(client, "/events/")
    assert '<img class="flag" src="/static/flags/us.gif" alt="" width="16" height="11">' in html
    assert "New Orleans, United States of America" in html


def test_talk_list_and_detail(client, journal):
    html = page(client, "/talks/")
    assert "The Forward-Forward Algorithm" in html and "헤비안 러닝 패널" in html
    assert "Unattended Programme Talk" not in html
    html = page(client, "/talks/?kind=panel")
    assert "헤비안 러닝 패널" in html and "Forward-Forward" not in html
    html = page(client, journal["keynote"].get_absolute_url())
    assert "<h1>Bayesian neural networks</h1>" in html
    assert "Yoshua Bengio" in html and "Keynote" in html and "벤지오 키노트" in html
    assert page(client, "/talks/?kind=nope", status=400).count("Select a valid choice") == 1


def test_paper_list_and_detail(client, journal):
    html = page(client, "/papers/")
    assert "WoodFisher" in html
    paper = journal["neurips"].papers.get()
    html = page(client, paper.get_absolute_url())
    assert "<h1>WoodFisher</h1>" in html and "Sidak Pal Singh, Dan Alistarh" in html


def test_booth_list_and_detail(client, journal):
    html = page(client, "/booths/")
    assert "Disney" in html and "Samsung recruiting" in html
    html = page(client, journal["disney"].get_absolute_url())
    assert "<h1>Disney</h1>" in html and "모자, 에코백" in html and "디즈니 부스" in html
    html = page(client, "/booths/?kind=recruiting")
    assert "Samsung recruiting" in html and "Disney" not in html


def test_note_list_and_detail_render_sanitized_markdown(client, journal):
    html = page(client, "/notes/")
    assert "벤지오 키노트" in html and "디즈니 부스" in html and "채용" not in html
    html = page(client, journal["public_note"].get_absolute_url())
    assert "<strong>베이지안 신경망</strong>" in html
    assert "minji" in html


def test_note_markdown_cannot_inject_script(client, journal):
    note = make.NoteFactory(
        event=journal["neurips"],
        visibility="public",
        body='<script>alert("x")</script> [click](javascript:alert(1)) <img src=x onerror=alert(1)>'
        " [site](https://example.org)",
    )
    html = page(client, note.get_absolute_url())
    body = html[html.index('<div class="prose">') :]
    assert "<script>alert" not in body
    assert "javascript:" not in body
    assert "onerror" not in body
    assert '<a href="https://example.org" rel="nofollow noopener noreferrer ugc">site</a>' in body


def test_speaker_page_lists_talks_across_events(client, journal):
    make.TalkFactory(
        event=journal["neurips"],
        title="Bengio at NeurIPS",
        speakers=[journal["keynote"].speaker_list[0]],
    )
    html = page(client, "/speakers/yoshua-bengio/")
    assert "<h1>Yoshua Bengio</h1>" in html
    assert html.index("NeurIPS 2022") < html.index("Day 1 · COEX")
    assert "Bengio at NeurIPS" in html and "Bayesian neural networks" in html
    html = page(client, "/speakers/sebastian-seung/")
    assert "승현준" in html
    html = page(client, "/speakers/")
    assert "Sebastian Seung" in html and "(승현준)" in html and "1 talk" in html
    assert re.search(r"Yoshua Bengio</a>.* · \d+ talks</li>", html)
    html = client.get("/speakers/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "(승현준)" in html and "발표 1개" in html and " talk" not in html


def test_topics_count_only_visible_records(client, journal):
    html = page(client, "/topics/")
    assert '>hebbian</a> <span class="count">2</span>' in html
    assert ">경량화</a>" in html
    html = page(client, "/topics/hebbian/")
    assert "Day 2 · Yangjae" in html and "헤비안 러닝 패널" in html
    html = page(client, "/topics/%EA%B2%BD%EB%9F%89%ED%99%94/")
    assert "<h1>경량화</h1>" in html and "NeurIPS 2022" in html


@pytest.mark.parametrize(
    "url",
    [
        "/events/no-such-event/",
        "/talks/999999/",
        "/speakers/nobody/",
        "/topics/nothing/",
        "/notes/abc/",
        "/papers/0/",
        "/booths/999/",
    ],
)
def test_unknown_things_are_a_404_page(client, journal, url):
    html = page(client, url, status=404)
    assert "There is nothing at this address" in html


def test_empty_journal_says_what_to_do(client, db):
    html = page(client, "/")
    assert "The journal is empty" in html
    assert Event.objects.count() == 0


def test_demo_journal_timeline_shows_every_event_in_order_with_days_nested(client, db):
    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    html = without_on_this_day(page(client, "/"))
    order = [
        "대한민국 인공지능위크 2023",
        "Google ML Bootcamp alumni meetup",
        "Lab visit: Prof. Klaus-Robert Müller",
        "NeurIPS 2022",
        "Samsung AI Forum 2022",
        "Day 1 · COEX",
        "Day 2 · Yangjae",
        "Samsung AI Forum 2021",
    ]
    positions = [html.index(f">{name}</a>") for name in order]
    assert positions == sorted(positions)
    forum = html[
        html.index(">Samsung AI Forum 2022</a>") : html.index(">Samsung AI Forum 2021</a>")
    ]
    nested = forum[forum.index('<ol class="sub-events">') :]
    assert ">Day 1 · COEX</a>" in nested and ">Day 2 · Yangjae</a>" in nested
    week = html[html.index(">대한민국 인공지능위크 2023</a>") : html.index(">Lab visit")]
    assert '<ol class="sub-events">' in week and "alumni meetup" in week
    # The Army M&S conference is private in the demo: not on the public timeline.
    assert "Army M&amp;S" not in html and "Army M&S" not in html
    client.force_login(get_user_model().objects.get(username="demo"))
    assert "Army M&amp;S International Conference" in page(client, "/")


def test_search_topic_filter_takes_only_topics_the_viewer_may_see(client, journal):
    """The search's topic field resolves through listed_topics(user), as /topics/ does."""
    html = page(client, "/search/?topic=bayesian")
    assert "벤지오 키노트" in html
    # A topic used only on a private note, or under a private event, is no topic for others.
    for topic in ("only-private-tag", "defence-secret"):
        html = page(client, f"/search/?topic={topic}", status=400)
        assert "There is nothing by that name to filter on." in html and SECRET not in html
    client.force_login(journal["owner"])
    html = page(client, "/search/?topic=only-private-tag")
    assert "채용" in html and "There is nothing by that name" not in html
