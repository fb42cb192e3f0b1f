"""The search box knows people and topics: a speaker's spellings, a topic's other names,
and the records about them, never past the visibility gate; excerpts read as text."""

import datetime
import re

import pytest
from django.test import Client

from events.models import Tag
from tests import factories as make

pytestmark = pytest.mark.django_db


def found(client, query, kind):
    """The ids of the records of one kind on the search page (all of them, one page)."""
    html = client.get("/search/", {"q": query, "type": kind}).content.decode()
    path = {"note": "notes", "talk": "talks", "booth": "booths"}[kind]
    return sorted(int(pk) for pk in re.findall(rf'href="/{path}/(\d+)/"', html))


def section(html, heading):
    """The HTML of the results section headed `heading` ("" when there is none)."""
    match = re.search(rf"<h2>{heading}</h2>(.*?)</section>", html, re.S)
    return match.group(1) if match else ""


@pytest.fixture
def bengio(db):
    owner = make.UserFactory(username="minji")
    event = make.EventFactory(
        name="NeurIPS 2022", slug="neurips-2022", start_date=datetime.date(2022, 11, 28),
        owner=owner,
    )  # fmt: skip
    speaker = make.SpeakerFactory(name="Yoshua Bengio", aliases="요슈아 벤지오\n벤지오")
    talk = make.TalkFactory(event=event, title="Why deep learning works", speakers=[speaker])
    on_talk = make.NoteFactory(event=event, talk=talk, owner=owner, visibility="public",
                          title="", body="베이지안 신경망 이야기가 인상적")  # fmt: skip
    mention = make.NoteFactory(event=event, owner=owner, visibility="public", title="",
                          body="Yoshua Bengio said the brain is not backprop")  # fmt: skip
    secret = make.NoteFactory(event=event, talk=talk, owner=owner, visibility="private",
                         title="", body="비공개 메모")  # fmt: skip
    other = make.NoteFactory(event=event, owner=owner, visibility="public", body="전혀 다른 이야기")
    return {"speaker": speaker, "talk": talk, "owner": owner,
            "on_talk": on_talk, "mention": mention, "secret": secret, "other": other}  # fmt: skip


def test_another_spelling_finds_the_speaker_and_the_notes_about_them(client, bengio):
    html = client.get("/search/", {"q": "벤지오"}).content.decode()
    people = section(html, "People")
    assert 'href="/speakers/' in people and "Yoshua Bengio" in people
    assert "NeurIPS 2022</a> 2022" in people
    # The note on his talk never spells his name; the other writes it in English.
    assert found(client, "벤지오", "note") == sorted([bengio["on_talk"].pk, bengio["mention"].pk])
    assert found(client, "벤지오", "talk") == [bengio["talk"].pk]


def test_the_people_group_comes_before_the_results(client, bengio):
    html = client.get("/search/", {"q": "Bengio"}).content.decode()
    assert html.index("<h2>People</h2>") < html.index("<h2>Notes")


def test_every_word_must_still_occur_a_name_counting_for_its_word(client, bengio):
    # 벤지오 names him; 신경망 must occur too: only the note on his talk has both.
    assert found(client, "벤지오 신경망", "note") == [bengio["on_talk"].pk]
    assert found(client, "벤지오 없는말", "note") == []


def test_a_name_in_english_finds_a_note_that_writes_it_in_korean(client, db):
    event = make.EventFactory()
    make.TalkFactory(
        event=event, speakers=[make.SpeakerFactory(name="조경현", aliases="Kyunghyun Cho")]
    )
    note = make.NoteFactory(
        event=event, visibility="public", body="조경현 교수님의 기계번역 강연은…"
    )
    make.NoteFactory(event=event, visibility="public", body="Choi 교수님의 다른 강연")
    assert found(client, "Kyunghyun Cho", "note") == [note.pk]
    html = client.get("/search/", {"q": "Kyunghyun Cho"}).content.decode()
    assert "조경현" in section(html, "People")


def test_a_name_with_accented_capitals_is_found_in_any_case(client, db):
    """SQLite's LIKE folds ASCII only: `élise` still names Élise Durand."""
    event = make.EventFactory()
    make.TalkFactory(event=event, speakers=[make.SpeakerFactory(name="Élise Durand")])
    html = client.get("/search/", {"q": "élise"}).content.decode()
    assert "Élise Durand" in section(html, "People")


def test_a_name_never_pulls_in_a_private_note(client, bengio):
    assert bengio["secret"].pk not in found(client, "벤지오", "note")
    owner = Client()
    owner.force_login(bengio["owner"])
    assert bengio["secret"].pk in found(owner, "벤지오", "note")


def test_a_private_speaker_is_no_person_in_the_box(client, db):
    owner = make.UserFactory(username="keeper")
    hidden = make.EventFactory(visibility="private", owner=owner)
    make.TalkFactory(event=hidden, speakers=[make.SpeakerFactory(name="Secret Recruiter")])
    html = client.get("/search/", {"q": "Recruiter"}).content.decode()
    assert "Secret Recruiter" not in html


@pytest.fixture
def diffusion(db):
    event = make.EventFactory(name="CVPR 2023")
    tag = Tag.objects.create(name="diffusion", slug="diffusion", aliases="확산 모델")
    talk = make.TalkFactory(event=event, title="Generative models at scale")
    talk.tags.add(tag)
    booth = make.BoothFactory(event=event, organization="Pixel Labs", showcase="image tools")
    booth.tags.add(tag)
    on_talk = make.NoteFactory(event=event, talk=talk, visibility="public", body="샘플링이 빠르다")
    hidden = make.NoteFactory(event=event, talk=talk, visibility="private", body="비공개")
    return {"tag": tag, "talk": talk, "booth": booth, "on_talk": on_talk, "hidden": hidden}


def test_a_topic_name_finds_tagged_records_without_the_word(client, diffusion):
    html = client.get("/search/", {"q": "diffusion"}).content.decode()
    assert 'href="/topics/diffusion/"' in section(html, "Topics")
    assert found(client, "diffusion", "talk") == [diffusion["talk"].pk]
    assert found(client, "diffusion", "booth") == [diffusion["booth"].pk]
    # A note on a tagged talk, but never a private one.
    assert found(client, "diffusion", "note") == [diffusion["on_talk"].pk]


def test_a_topic_only_on_private_records_is_no_topic_for_a_visitor(client, db):
    """Named by the words, the topic shows, and finds records, only for who sees a record
    under it: a visitor gets neither the Topics group nor the owner's private note."""
    owner = make.UserFactory(username="keeper")
    closed = make.EventFactory(name="Closed briefing", visibility="private", owner=owner)
    make.NoteFactory(event=closed, owner=owner, body="회의 메모", visibility="public").tags.add(
        "guided weapons"
    )
    opened = make.EventFactory(name="Open forum", owner=owner)
    diary = make.NoteFactory(event=opened, owner=owner, body="내 일기", visibility="private")
    diary.tags.add("guided weapons")
    html = client.get("/search/", {"q": "guided weapons"}).content.decode()
    assert section(html, "Topics") == "" and "회의 메모" not in html and "내 일기" not in html
    client.force_login(owner)
    html = client.get("/search/", {"q": "guided weapons"}).content.decode()
    assert 'href="/topics/guided-weapons/"' in section(html, "Topics")
    assert "회의 메모" in html and "내 일기" in html


def test_a_topic_is_found_by_its_other_name(client, diffusion):
    assert found(client, "확산 모델", "talk") == [diffusion["talk"].pk]
    html = client.get("/search/", {"q": "확산 모델"}).content.decode()
    assert "diffusion" in section(html, "Topics")


@pytest.mark.parametrize("size", [1, 6])
def test_a_named_topic_and_speaker_cost_the_same_queries_signed_in(
    client, diffusion, django_assert_num_queries, size
):
    """Signed in, a query naming a topic and a speaker: the same queries however many
    records match, at most ten with the session and the user that every signed-in page
    reads first."""
    owner = make.UserFactory(username="owner")
    client.force_login(owner)
    event = diffusion["talk"].event
    ho = make.SpeakerFactory(name="Jonathan Ho", slug="jonathan-ho")
    for i in range(size):
        talk = make.TalkFactory(event=event, title=f"Sampling {i}", speakers=[ho])
        talk.tags.add(diffusion["tag"])
        make.NoteFactory(
            event=event, talk=talk, owner=owner, body=f"노트 {i}", visibility="private"
        )
        make.PaperFactory(event=event, talk=talk, title=f"Paper {i}").tags.add(diffusion["tag"])
    client.get("/search/", {"q": "diffusion ho"})  # content types, cached from then on
    # Session, user; the speakers and the topics the words name; the counts, with which
    # of those topics the viewer sees; where the speakers were heard; then the notes, the
    # talks and their speakers, the papers shown.
    with django_assert_num_queries(2 + 7):
        response = client.get("/search/", {"q": "diffusion ho"})
    html = response.content.decode()
    assert "Jonathan Ho" in section(html, "People")
    assert "diffusion" in section(html, "Topics")
    assert f"{3 * size} results" in html


def test_a_word_nothing_holds_beside_a_topic_is_no_results_not_an_error(client, diffusion):
    response = client.get("/search/", {"q": "diffusion zq"})
    assert response.status_code == 200
    assert re.search(r"\b0 results", response.content.decode())


@pytest.mark.parametrize("stored", ["Bayesian  deep learning", "Bayesian\u00a0deep learning"])
def test_a_quoted_other_name_is_found_however_it_was_spaced(client, db, stored):
    tag = Tag.objects.create(name="베이지안", slug="bayesian", aliases=stored)
    make.TalkFactory(title="Uncertainty").tags.add(tag)
    html = client.get("/search/", {"q": '"bayesian deep learning"'}).content.decode()
    assert 'href="/topics/bayesian/"' in section(html, "Topics")


def test_a_topic_page_shows_its_other_names(client, diffusion):
    html = client.get("/topics/diffusion/").content.decode()
    assert "Also called: 확산 모델" in html


def test_merging_topics_keeps_every_tagged_record(admin_client, db):
    bayesian = Tag.objects.create(name="bayesian", slug="bayesian")
    korean = Tag.objects.create(name="베이지안", slug="베이지안", aliases="Bayesian deep learning")
    event = make.EventFactory()
    both = make.TalkFactory(event=event)
    both.tags.add(bayesian, korean)
    only_korean = make.NoteFactory(event=event, visibility="public")
    only_korean.tags.add(korean)
    response = admin_client.post(
        "/admin/events/tag/",
        {"action": "merge_topics", "_selected_action": [bayesian.pk, korean.pk]},
        follow=True,
    )
    assert "Merged 베이지안 into bayesian." in response.content.decode()
    assert list(Tag.objects.values_list("name", flat=True)) == ["bayesian"]
    bayesian.refresh_from_db()
    assert bayesian.alias_list == ["베이지안", "Bayesian deep learning"]
    assert list(both.tags.names()) == ["bayesian"]
    assert list(only_korean.tags.names()) == ["bayesian"]


MARKDOWN = (
    "## 회고\n\n**굵은 글씨**와 > 기호, [링크](https://example.org/x) 그리고 `코드`\n\n> 인용문"
)


@pytest.fixture
def markdown_note(db):
    speaker = make.SpeakerFactory(name="Alice Oh", slug="alice-oh")
    event = make.EventFactory(name="Korea AI Week", slug="korea-ai-week")
    talk = make.TalkFactory(event=event, speakers=[speaker])
    note = make.NoteFactory(
        event=event, talk=talk, visibility="public", title="회고", body=MARKDOWN
    )
    note.tags.add("회고록")
    return note


@pytest.mark.parametrize(
    "url", ["/events/korea-ai-week/", "/speakers/alice-oh/", "/topics/회고록/", "/notes/"]
)
def test_excerpts_show_text_not_markdown(client, markdown_note, url):
    html = client.get(url).content.decode()
    assert "굵은 글씨와 &gt; 기호, 링크 그리고 코드 인용문" in html
    for syntax in ("**", "## ", "](https", "`", "&gt; 인용문"):
        assert syntax not in html, syntax


def test_search_snippets_show_text_not_markdown(client, markdown_note):
    html = client.get("/search/", {"q": "링크"}).content.decode()
    assert "<mark>링크</mark> 그리고 코드" in html
    assert "**" not in html and "](https" not in html
