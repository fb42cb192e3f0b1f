"""The year in review (/years/<year>/ and its Markdown): counted as the viewer may see,
nothing private for a visitor or in the Markdown, linked from the timeline and stats."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from events.models import Booth, Event
from talks.models import Note, Paper, Talk
from tests import factories as make

pytestmark = pytest.mark.django_db
KO = {"HTTP_ACCEPT_LANGUAGE": "ko"}


@pytest.fixture
def year(db):
    """2022: a two-day forum in Seoul (one day private), NeurIPS in New Orleans, a private
    summit; 2021: one conference. Talks rated, speakers, topics, highlighted notes."""
    owner = make.UserFactory(username="minji", first_name="Minji")
    forum = make.EventFactory(
        name="삼성 AI 포럼 2022", slug="saif-2022", owner=owner, city="Seoul", country="KR",
        start_date=datetime.date(2022, 11, 8), end_date=datetime.date(2022, 11, 9),
    )  # fmt: skip
    day1 = make.EventFactory(
        name="Day 1 · 코엑스", slug="saif-2022-day-1", parent=forum, owner=owner,
        city="Seoul", country="KR",
        start_date=datetime.date(2022, 11, 8), end_date=datetime.date(2022, 11, 8),
    )  # fmt: skip
    day2 = make.EventFactory(
        name="Day 2 · 서울대", slug="saif-2022-day-2", parent=forum, owner=owner,
        city="Seoul", country="KR", visibility="private",
        start_date=datetime.date(2022, 11, 9), end_date=datetime.date(2022, 11, 9),
    )  # fmt: skip
    neurips = make.EventFactory(
        name="NeurIPS 2022", slug="neurips-2022", owner=owner, city="New Orleans",
        country="US",
        start_date=datetime.date(2022, 11, 28), end_date=datetime.date(2022, 12, 9),
    )  # fmt: skip
    secret = make.EventFactory(
        name="Secret Summit", slug="secret-2022", owner=owner, visibility="private",
        city="Busan", country="KR",
        start_date=datetime.date(2022, 6, 1), end_date=datetime.date(2022, 6, 1),
    )  # fmt: skip
    old = make.EventFactory(
        name="ICML 2021", slug="icml-2021", owner=owner,
        start_date=datetime.date(2021, 7, 18), end_date=datetime.date(2021, 7, 24),
    )  # fmt: skip
    bengio = make.SpeakerFactory(name="Yoshua Bengio", slug="yoshua-bengio")
    lecun = make.SpeakerFactory(name="Yann LeCun", slug="yann-lecun")
    talks = [
        make.TalkFactory(event=day1, title="Causal world models", speakers=[bengio], rating=5),
        make.TalkFactory(event=neurips, title="GFlowNets", speakers=[bengio], rating=4),
        make.TalkFactory(event=neurips, title="JEPA", speakers=[lecun], rating=3),
        make.TalkFactory(event=day2, title="Hidden keynote", speakers=[lecun], rating=5),
        make.TalkFactory(event=secret, title="Secret talk", speakers=[lecun], rating=5),
        make.TalkFactory(event=old, title="Old talk", speakers=[lecun], rating=5),
        make.TalkFactory(event=neurips, title="Not attended", attended=False, rating=None),
    ]
    talks[0].tags.add("world models")
    talks[1].tags.add("world models", "gflownets")
    talks[5].tags.add("world models")
    make.PaperFactory(event=neurips, title="A public paper")
    make.PaperFactory(event=secret, title="A private paper")
    make.BoothFactory(event=day1, organization="Samsung Research")
    notes = {
        "highlight": make.NoteFactory(
            event=neurips, talk=talks[1], owner=owner, title="Best poster night",
            visibility="public", highlight=True,
        ),
        "private highlight": make.NoteFactory(
            event=day1, owner=owner, title="Private highlight", visibility="private",
            highlight=True,
        ),
        "plain": make.NoteFactory(
            event=day1, owner=owner, title="An ordinary note", visibility="public"
        ),
    }  # fmt: skip
    return {"owner": owner, "talks": talks, "notes": notes, "secret": secret}


def counted(user, year=2022):
    """The year's figures counted straight from the tables, for `user`."""
    roots = Event.objects.visible_to(user).filter(parent=None, start_date__year=year)
    days = Event.objects.filter(parent__in=roots)
    family = Event.objects.visible_to(user).filter(pk__in=[e.pk for e in [*roots, *days]])
    return {
        "events": roots.count(),
        "talks": Talk.objects.visible_to(user).filter(attended=True, event__in=family).count(),
        "papers": Paper.objects.visible_to(user).filter(event__in=family).count(),
        "booths": Booth.objects.visible_to(user).filter(event__in=family).count(),
        "notes": Note.objects.visible_to(user).filter(event__in=family).count(),
    }


def lead(counts):
    words = {"events": "event", "talks": "talk", "papers": "paper", "booths": "booth"}
    words["notes"] = "note"
    return " · ".join(
        f"{n} {words[kind]}{'' if n == 1 else 's'}" for kind, n in counts.items() if n
    )


def test_the_year_counts_what_a_visitor_may_see(client, year):
    counts = counted(AnonymousUser())
    assert counts == {"events": 2, "talks": 3, "papers": 1, "booths": 1, "notes": 2}
    page = client.get("/years/2022/").content.decode()
    assert f'<p class="lead">{lead(counts)}</p>' in page
    for hidden in ("Secret Summit", "Secret talk", "Hidden keynote", "Day 2 · 서울대",
                   "Private highlight", "A private paper", "Busan"):  # fmt: skip
        assert hidden not in page
    assert "Not attended" not in page


def test_the_owner_sees_the_whole_year(client, year):
    client.force_login(year["owner"])
    counts = counted(year["owner"])
    assert counts == {"events": 3, "talks": 5, "papers": 2, "booths": 1, "notes": 3}
    page = client.get("/years/2022/").content.decode()
    assert f'<p class="lead">{lead(counts)}</p>' in page
    for shown in ("Secret Summit", "Hidden keynote", "Day 2 · 서울대", "Private highlight"):
        assert shown in page


def test_events_in_order_with_their_days_places_and_rankings(client, year):
    page = client.get("/years/2022/").content.decode()
    # Events by date, the forum's day under it.
    forum, day, neurips = ("삼성 AI 포럼 2022", "Day 1 · 코엑스", "NeurIPS 2022")
    assert page.index(forum) < page.index(day) < page.index(neurips)
    # Places with flags as images, a conference's days counted once in their city.
    assert '<img class="flag" src="/static/flags/kr.gif"' in page
    assert 'South Korea <span class="count">1 event</span>' in page
    assert 'New Orleans <span class="count">1 event</span>' in page
    # Speakers by talks heard: Bengio twice; LeCun's public talk once.
    assert page.index('Yoshua Bengio</a> <span class="count">2 talks') < page.index(
        'Yann LeCun</a> <span class="count">1 talk'
    )
    # Topics against the year before.
    topics = page[page.index('id="year-topics"') :]
    assert '>world models</a> <span class="count">2</span> <span class="meta">1 in 2021' in topics
    assert '>gflownets</a> <span class="count">1</span> <span class="meta">new this year' in topics
    # Best rated first; the highlighted public note, not the plain one.
    rated = page[page.index('id="year-rated"') :]
    assert rated.index("Causal world models") < rated.index("GFlowNets") < rated.index("JEPA")
    highlights = page[page.index('id="year-highlights"') :]
    assert "Best poster night" in highlights
    assert "An ordinary note" not in page


def test_the_markdown_holds_only_what_is_public_even_for_the_owner(client, year):
    client.force_login(year["owner"])
    response = client.get("/years/2022/review.md")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert 'filename="2022-in-review.md"' in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith("# 2022 in review\n\n2 events · 3 talks · 1 paper · 1 booth · 2 notes\n")
    assert "- [삼성 AI 포럼 2022](<http://testserver/events/saif-2022/>)" in text
    assert "  - [Day 1 · 코엑스](<http://testserver/events/saif-2022-day-1/>)" in text
    assert "- [Yoshua Bengio](<http://testserver/speakers/yoshua-bengio/>): 2 talks" in text
    assert "- [world models](<http://testserver/topics/world-models/>): 2 (1 in 2021)" in text
    assert "### Best poster night" in text
    for hidden in ("Secret", "Hidden keynote", "Day 2", "Private highlight", "private paper"):
        assert hidden not in text


def test_the_markdown_is_in_the_visitors_language(client, year):
    text = client.get("/years/2022/review.md", **KO).content.decode()
    assert text.startswith("# 2022년 돌아보기\n")
    assert "## 가장 많이 들은 연사" in text
    assert "2021년 1건" in text


def test_a_year_without_visible_events_is_not_found(client, year):
    assert client.get("/years/2020/").status_code == 404
    assert client.get("/years/99999999999999999999/").status_code == 404
    year["secret"].start_date = year["secret"].end_date = datetime.date(2019, 6, 1)
    year["secret"].save()
    assert client.get("/years/2019/").status_code == 404
    client.force_login(year["owner"])
    assert "Secret Summit" in client.get("/years/2019/").content.decode()


def test_the_year_links_to_its_neighbours_and_is_linked_from_timeline_and_stats(client, year):
    page = client.get("/years/2022/").content.decode()
    assert '<a href="/years/2021/" rel="prev">' in page
    assert 'rel="next"' not in page
    assert '<a href="/years/2022/review.md">' in page
    assert '<a href="/years/2022/"' in client.get("/events/").content.decode()
    stats = client.get("/stats/").content.decode()
    assert '<a href="/years/2022/">2022 in review</a>' in stats
    assert '<a href="/years/2021/">2021 in review</a>' in stats


def test_a_note_can_be_marked_a_highlight_in_the_admin(client, year):
    client.force_login(year["owner"])
    year["owner"].is_staff = year["owner"].is_superuser = True
    year["owner"].save()
    page = client.get(f"/admin/talks/note/{year['notes']['plain'].pk}/change/").content.decode()
    assert 'name="highlight"' in page
    assert "shown in the year in review" in page
