"""Search finds exactly what a substring test would, on SQLite and PostgreSQL."""

import datetime
import re
import unicodedata

import pytest
from django.db import connection, transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from confjournal.search import engine as backend
from confjournal.search import index
from talks.models import Note
from tests import factories as make
from tests.datafiles import blns_lines
from tests.schema_changes import widened_note_title

pytestmark = pytest.mark.django_db

SENTENCES = [
    "벤지오 교수님의 강연은 베이지안 신경망을 다시 보게 만들었다.",
    "승현준 소장님은 헤비안 러닝을 표현 학습과 연결해서 설명했다.",
    "포스터 세션에서 트랜스포머 경량화와 프루닝 논문을 많이 봤다.",
    "디즈니 부스에서 받은 모자와 에코백이 제일 마음에 들었다.",
    "채용 부스에서 들은 이야기는 공개하지 않는다.",
]


def note_ids(client, query, **params):
    """The ids of the notes a visitor finds (type=note, all pages)."""
    found, page = [], 1
    while True:
        response = client.get("/search/", {"q": query, "type": "note", "page": page, **params})
        assert response.status_code == 200, response.content[:500]
        html = response.content.decode()
        found += [int(pk) for pk in re.findall(r'href="/notes/(\d+)/"', html)]
        if 'rel="next"' not in html:
            return sorted(found)
        page += 1


def oracle(notes, query):
    terms = backend.parse_terms(query)
    return sorted(
        n.pk
        for n in notes
        if n.visibility == "public"
        and all(term in backend.fold(f"{n.title}\n{n.body}") for term in terms)
    )


@pytest.fixture
def korean_notes(db):
    event = make.EventFactory(name="Samsung AI Forum 2022")
    notes = [make.NoteFactory(event=event, body=s, visibility="public") for s in SENTENCES]
    notes.append(make.NoteFactory(event=event, body="Forum notes in English, 포럼 was fun"))
    notes.append(make.NoteFactory(event=event, body="비공개: 벤지오 이야기", visibility="private"))
    return notes


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("벤지오", [0]),
        ("헤비안", [1]),
        ("프루닝", [2]),
        ("에코백", [3]),
        ("경량화", [2]),
        ("강연", [0]),
        ("럼", []),
        ("부스에서", [3, 4]),
        ("부스 모자", [3]),
        ('"받은 모자"', [3]),
        ('"모자 받은"', []),
        ("다.", [0, 1, 2, 3, 4]),
    ],
)
def test_search_korean_words_with_particles(client, korean_notes, query, expected):
    want = sorted(korean_notes[i].pk for i in expected)
    assert note_ids(client, query) == want
    assert want == oracle(korean_notes, query)


def test_search_one_character_finds_every_note_containing_it(client, korean_notes):
    forum = make.NoteFactory(event=korean_notes[0].event, body="삼성 AI 포럼", visibility="public")
    assert note_ids(client, "럼") == [forum.pk]
    assert note_ids(client, "봤") == [korean_notes[2].pk]


@pytest.mark.parametrize("query", ["뷁", "뷁뷁", "부스 뷁", "뷁 부스에서", '"뷁"', 'a"', '모"'])
def test_search_a_short_word_nothing_holds_finds_nothing_and_says_so(client, korean_notes, query):
    # A word of one or two characters that begins no trigram of the index, alone, beside
    # a word many notes hold, or holding a quotation mark: no results, a normal page.
    assert note_ids(client, query) == [] == oracle(korean_notes, query)
    html = client.get("/search/", {"q": query}).content.decode()
    assert "Nothing found." in html


def test_search_latin_is_case_insensitive(client, db):
    note = make.NoteFactory(body="The Forward-Forward Algorithm by HINTON", visibility="public")
    make.NoteFactory(body="backprop only", visibility="public")
    for query in ["forward-forward", "hinton", "Hinton", "hi", "H", "ALGOR"]:
        assert note_ids(client, query) == [note.pk], query


def test_search_never_shows_private_notes_or_their_words(client, korean_notes):
    html = client.get("/search/", {"q": "벤지오"}).content.decode()
    assert "비공개" not in html
    assert "1 result" in html
    private = korean_notes[-1]
    client.force_login(private.owner)
    assert private.pk in note_ids(client, "벤지오")


def test_search_results_show_escaped_highlighted_snippets(client, db):
    make.NoteFactory(
        body="Before `<script>alert('x')</script>` the **헤비안** 러닝 part after",
        visibility="public",
    )
    html = client.get("/search/", {"q": "script"}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;<mark>script</mark>&gt;alert(&#x27;x&#x27;)&lt;/<mark>script</mark>&gt;" in html
    html = client.get("/search/", {"q": "헤비안"}).content.decode()
    # The snippet is the text a reader sees: no Markdown syntax around the match.
    assert "the <mark>헤비안</mark> 러닝" in html
    assert "**" not in html and "`" not in html


def test_search_groups_results_by_type_notes_first(client, db):
    event = make.EventFactory(name="Pruning Workshop", slug="pruning-ws")
    make.TalkFactory(event=event, title="Pruning at scale")
    make.PaperFactory(event=event, title="WoodFisher pruning")
    make.BoothFactory(event=event, organization="Pruning Inc")
    make.NoteFactory(event=event, body="pruning notes", visibility="public")
    html = client.get("/search/", {"q": "pruning"}).content.decode()
    headings = re.findall(r"<h2>(\w+) <span class=\"count\">(\d+)</span>", html)
    assert headings == [("Notes", "1"), ("Talks", "1"), ("Papers", "1"), ("Booths", "1"),
                        ("Events", "1")]  # fmt: skip
    assert 'value="pruning"' in html


def test_search_orders_newest_event_first(client, db):
    old_event = make.EventFactory(start_date=datetime.date(2019, 1, 1))
    new_event = make.EventFactory(start_date=datetime.date(2023, 1, 1))
    old = make.NoteFactory(event=old_event, body="GPT-3 old", visibility="public")
    new = make.NoteFactory(event=new_event, body="GPT-3 new", visibility="public")
    html = client.get("/search/", {"q": "gpt-3"}).content.decode()
    assert html.index(f"/notes/{new.pk}/") < html.index(f"/notes/{old.pk}/")


def test_search_by_speaker_finds_attached_and_mentioning_notes(client, db):
    # 뷁뷁, a two-character spelling no note holds, leaves the other spellings finding theirs.
    seung = make.SpeakerFactory(
        name="Sebastian Seung", slug="sebastian-seung", aliases="승현준\n뷁뷁"
    )
    event = make.EventFactory()
    talk = make.TalkFactory(event=event, speakers=[seung])
    attached = make.NoteFactory(event=event, talk=talk, body="Hebbian stacks", visibility="public")
    korean = make.NoteFactory(event=event, body="승현준 소장님의 발표", visibility="public")
    english = make.NoteFactory(event=event, body="Sebastian Seung said", visibility="public")
    make.NoteFactory(event=event, body="someone else", visibility="public")
    assert note_ids(client, "", speaker="sebastian-seung") == sorted(
        [attached.pk, korean.pk, english.pk]
    )
    assert note_ids(client, "발표", speaker="sebastian-seung") == [korean.pk]
    html = client.get("/speakers/sebastian-seung/").content.decode()
    assert "/search/?speaker=sebastian-seung&amp;type=note" in html


def test_search_by_topic_uses_tags_of_the_note_its_subject_and_event(client, db):
    event = make.EventFactory()
    event_tagged = make.EventFactory()
    event_tagged.tags.add("pruning")
    talk = make.TalkFactory(event=event)
    talk.tags.add("pruning")
    booth = make.BoothFactory(event=event)
    booth.tags.add("pruning")
    own = make.NoteFactory(event=event, body="own tag", visibility="public")
    own.tags.add("pruning")
    on_talk = make.NoteFactory(event=event, talk=talk, body="on talk", visibility="public")
    on_booth = make.NoteFactory(event=event, booth=booth, body="on booth", visibility="public")
    on_event = make.NoteFactory(event=event_tagged, body="on event", visibility="public")
    mention = make.NoteFactory(event=event, body="a word on PRUNING", visibility="public")
    make.NoteFactory(event=event, body="unrelated", visibility="public")
    expected = sorted(n.pk for n in [own, on_talk, on_booth, on_event, mention])
    assert note_ids(client, "", topic="pruning") == expected


def test_search_unknown_speaker_or_topic_is_a_form_error(client, db):
    response = client.get("/search/", {"q": "x", "speaker": "nobody"})
    assert response.status_code == 400
    assert "There is no speaker called “nobody”." in response.content.decode()
    response = client.get("/search/", {"q": "x", "topic": "nothing-here"})
    assert response.status_code == 400
    assert "There is nothing by that name to filter on." in response.content.decode()


@pytest.mark.parametrize(
    "typed",
    ["Sebastian Seung", "  sebastian   SEUNG ", "승현준", unicodedata.normalize("NFD", "승현준")],
)
def test_search_speaker_field_takes_a_typed_name_or_other_spelling(client, db, typed):
    seung = make.SpeakerFactory(
        name="Sebastian Seung", slug="sebastian-seung", aliases="H. Sebastian Seung\n승현준"
    )
    event = make.EventFactory()
    talk = make.TalkFactory(event=event, speakers=[seung])
    attached = make.NoteFactory(event=event, talk=talk, body="Hebbian stacks", visibility="public")
    make.NoteFactory(event=event, body="someone else", visibility="public")
    assert note_ids(client, "", speaker=typed) == [attached.pk]
    html = client.get("/search/", {"speaker": typed, "type": "note"}).content.decode()
    assert 'class="chosen">Sebastian Seung</span>' in html


def test_search_speaker_field_goes_through_the_visibility_gate(client, db):
    hidden_event = make.EventFactory(visibility="private")
    hidden = make.SpeakerFactory(name="Private Person", slug="private-person")
    make.TalkFactory(event=hidden_event, speakers=[hidden])
    for typed in ("Private Person", "private-person", "Nobody At All", "%", "승"):
        response = client.get("/search/", {"speaker": typed})
        assert response.status_code == 400
        html = response.content.decode()
        assert "There is no speaker called" in html
        assert 'class="chosen"></span>' in html
        assert "/speakers/private-person/" not in html


def test_search_speaker_field_says_when_a_name_is_ambiguous(client, db):
    event = make.EventFactory()
    for slug in ("kim-a", "kim-b"):
        make.TalkFactory(event=event, speakers=[make.SpeakerFactory(name="Kim", slug=slug)])
    response = client.get("/search/", {"speaker": "kim"})
    assert response.status_code == 400
    assert "Several speakers are called “kim”: type one of kim-a, kim-b." in (
        response.content.decode()
    )


def test_search_index_follows_update_bulk_create_and_delete(client, db):
    event = make.EventFactory()
    note = make.NoteFactory(event=event, body="처음 문장", visibility="public")
    assert note_ids(client, "처음") == [note.pk]
    Note.objects.filter(pk=note.pk).update(body="바뀐 문장")
    assert note_ids(client, "처음") == []
    assert note_ids(client, "바뀐") == [note.pk]
    bulk = Note.objects.bulk_create(
        [
            Note(event=event, owner=note.owner, body=f"대량 {i}", visibility="public")
            for i in range(3)
        ]
    )
    assert note_ids(client, "대량") == sorted(
        n.pk for n in Note.objects.filter(body__startswith="대량")
    )
    assert len(bulk) == 3
    Note.objects.filter(body__startswith="대량").delete()
    assert note_ids(client, "대량") == []
    assert note_ids(client, "문장") == [note.pk]


@pytest.mark.django_db(transaction=True)
def test_search_index_survives_a_migration_that_rebuilds_the_table(client):
    note = make.NoteFactory(body="재구성 전에 쓴 노트", visibility="public")
    with widened_note_title():
        index.ensure_index(using="default")  # what post_migrate does after every migrate
        later = make.NoteFactory(event=note.event, body="재구성 뒤에 쓴 노트", visibility="public")
        assert note_ids(client, "재구성") == sorted([note.pk, later.pk])
        Note.objects.filter(pk=note.pk).update(body="고친 노트")
        assert note_ids(client, "재구성") == [later.pk]


def test_search_rebuild_command_restores_a_damaged_index(db):
    from io import StringIO

    from django.core.management import call_command

    note = make.NoteFactory(body="색인 복구 시험", visibility="public")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM search_note")  # the FTS5 table loses every row
        else:
            cursor.execute(f"DROP INDEX {index.postgres_index_name(Note)}")
    if connection.vendor == "postgresql":
        assert not index.is_current(connection, Note)
    if connection.vendor == "sqlite":
        assert list(backend.matching(Note.objects.all(), ["색인"])) == []
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert out.getvalue() == "Search index rebuilt for: event, booth, talk, paper, note\n"
    assert index.is_current(connection, Note)
    assert list(backend.matching(Note.objects.all(), ["색인"])) == [note]


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("size", [3, 30])
def test_search_query_count_does_not_grow_with_results(
    client, django_assert_num_queries, size, signed_in
):
    # Signed in: the session and the user are read first.
    extra = 2 if signed_in else 0
    if signed_in:
        client.force_login(make.UserFactory(username="owner"))
    event = make.EventFactory()
    talk = make.TalkFactory(event=event, title="헤비안 talk", speakers=[make.SpeakerFactory()])
    for i in range(size):
        make.NoteFactory(event=event, talk=talk, body=f"헤비안 러닝 {i}", visibility="public")
        make.TalkFactory(event=event, title=f"헤비안 {i}", speakers=[make.SpeakerFactory()])
    # The speakers and topics the words name, in one query; one query for all counts,
    # then the notes and the talks shown, and the talks' speakers.
    with django_assert_num_queries(5 + extra):
        response = client.get("/search/", {"q": "헤비안"})
    assert f"{size + size + 1} results" in response.content.decode()
    with django_assert_num_queries(4 + extra):
        response = client.get("/search/", {"q": "헤비안", "type": "talk"})
    assert f"{size + 1} results" in response.content.decode()
    # A one-character word names no speaker, but may be a topic's name; SQLite reads
    # its trigrams from the index within the counting query.
    with django_assert_num_queries(5 + extra):
        response = client.get("/search/", {"q": "헤"})
    assert f"{size + size + 1} results" in response.content.decode()


BAD_QUERIES = [
    "",
    "   ",
    "x" * 10_000,
    '"',
    '""',
    "*",
    "NEAR(a b)",
    "a OR b",
    "(",
    ")",
    "-",
    "^",
    "%",
    "_",
    "%_%",
    "' OR 1=1 --",
    "'; DROP TABLE talks_note; --",
    "😀",
    "👩‍🔬 벤지오",
    '"unclosed phrase',
    "\\",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_search_bad_input_is_a_normal_page(client, korean_notes, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()


def test_search_nul_byte_is_a_bad_request_page(client, korean_notes):
    response = client.get("/search/", {"q": "a\x00b"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "</html>" in html
    assert "result" not in html and "<mark>" not in html


def test_search_invalid_utf8_and_surrogates_are_a_normal_page(client, korean_notes):
    response = client.get("/search/?q=%ED%A0%80%FF%FE")
    assert response.status_code == 200
    assert backend.clean_query("\ud800벤지오") == ("벤지오", False)


def test_search_counts_stop_at_the_cap(client, db, settings):
    settings.SEARCH_COUNT_CAP = 4
    event = make.EventFactory()
    for i in range(7):
        make.NoteFactory(event=event, body=f"흔한 낱말 {i}", visibility="public")
    html = client.get("/search/", {"q": "흔한"}).content.decode()
    assert "More than 4 results" in html and '<span class="count">4+</span>' in html
    html = client.get("/search/", {"q": "흔한", "type": "note"}).content.decode()
    assert len(re.findall(r'href="/notes/\d+/"', html)) == 4


def test_search_long_query_is_capped_with_a_message(client, korean_notes):
    html = client.get("/search/", {"q": "벤지오" + "x" * 10_000}).content.decode()
    assert "Your search was cut to its first 200 characters." in html


def test_search_every_naughty_string_is_a_normal_page(client, korean_notes):
    for line in blns_lines():
        response = client.get("/search/", {"q": line})
        assert response.status_code == 200, line


def test_search_query_parsing():
    assert backend.parse_terms('벤지오  "Forward Forward"  x x') == [
        "벤지오",
        "forward forward",
        "x",
    ]
    nfd = unicodedata.normalize("NFD", "헤비안")
    assert backend.parse_terms(nfd) == ["헤비안"]
    assert backend.clean_query("a\x00b") == ("a b", False)


HANGUL = st.sampled_from(list("벤지오의강연은헤비안러닝을프루닝에코백경량화포럼가나다라"))
LATIN = st.sampled_from(list("abcdeABCDE-+ .éÉ%_"))
TEXT = st.text(alphabet=st.one_of(HANGUL, LATIN), min_size=0, max_size=40)
QUERY = st.text(alphabet=st.one_of(HANGUL, LATIN), min_size=1, max_size=5)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(bodies=st.lists(TEXT, min_size=1, max_size=8), query=QUERY)
def test_search_matches_the_substring_oracle(db, bodies, query):
    owner = make.UserFactory(username="oracle")
    with transaction.atomic():
        event = make.EventFactory(owner=owner)
        notes = [
            make.NoteFactory(event=event, owner=owner, body=body, visibility="public")
            for body in bodies
        ]
        clean, _ = backend.clean_query(query)
        terms = backend.parse_terms(clean)
        expected = oracle(notes, clean)
        gate = Note.objects.filter(event=event, visibility="public").order_by("-pk")
        # The three ways a search reads: the index's list, the capped ids the index
        # drives, and the walk that tests each record's text.
        assert sorted(backend.matching(gate, terms).values_list("pk", flat=True)) == expected
        sql, params = backend.capped_ids_sql(gate, terms, 100)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            assert sorted(row[0] for row in cursor.fetchall()) == expected
        walked = backend.newest(gate, terms, 0, 100).values_list("pk", flat=True)
        assert sorted(walked) == expected
        transaction.set_rollback(True)


def test_control_characters_and_spaces_at_a_phrases_ends_are_not_searched():
    query, capped = backend.clean_query("벤\x01지오\x7f 교수")
    assert (query, capped) == ("벤 지오  교수", False)
    assert backend.parse_terms('" 벤지오 " "a "') == ["벤지오", "a"]


def test_search_uses_the_index_on_both_databases(db):
    make.NoteFactory(body="벤지오 교수님", visibility="public")
    queryset = backend.matching(Note.objects.order_by(), ["벤지오"])
    explain = queryset.explain()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            explain = queryset.explain()
        assert index.postgres_index_name(Note) in explain
        # The statement spells the index's expression as the index does (no parameter in
        # it), so a prepared statement's generic plan can use the index too.
        sql, _params = queryset.query.sql_with_params()
        document = re.search(r"search_grams\(UPPER\(\(COALESCE\(.*?\)\)\), (\S+)\)", sql)
        assert document.group(1) == "true", sql
        # Each connection leaves out JIT and parallel workers, which cost a page more
        # than they save (settings.py).
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
            cursor.execute("SHOW max_parallel_workers_per_gather")
            assert cursor.fetchone()[0] == "0"
        # One and two characters: their grams, from the same index.
        for short in ("벤", "교수"):
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
                plan = backend.matching(Note.objects.order_by(), [short]).explain()
            assert index.postgres_index_name(Note) in plan
    else:
        assert "VIRTUAL TABLE INDEX" in explain and "search_note" in explain
        # A one-character term: the trigrams beginning with it, from the same index.
        assert "VIRTUAL TABLE INDEX" in backend.matching(Note.objects.all(), ["벤"]).explain()
    assert [n.body for n in queryset] == ["벤지오 교수님"]


def test_search_past_the_cap_keeps_order_and_privacy(db, settings):
    """More matches than the cap: the newest are found by walking the records in date
    order (each tested on its own text), in the same order and behind the same gate."""
    from django.contrib.auth.models import AnonymousUser

    from confjournal.search.results import Criteria, Search

    settings.SEARCH_COUNT_CAP = 3
    owner = make.UserFactory(username="walker")
    for year in range(2015, 2024):
        event = make.EventFactory(
            start_date=datetime.date(year, 5, 1),
            visibility="private" if year == 2020 else "public",
            owner=owner,
        )
        for i in range(3):
            make.NoteFactory(event=event, owner=owner, body=f"흔한 말 {year} {i}",
                        visibility="private" if i == 1 else "public")  # fmt: skip
    anonymous = AnonymousUser()
    search = Search(anonymous, Criteria(terms=["흔한"]))
    assert search.counts(["note"]) == {"note": 4}  # the cap + 1: "3+"
    expected = list(search.results("note").values_list("pk", flat=True))
    assert len(expected) == 16  # 8 public events x 2 public notes
    assert [n.pk for n in search.page("note", 4, 0, 20)] == expected
    assert [n.pk for n in search.page("note", 4, 4, 8)] == expected[4:8]
    shown = search.page("note", 4, 0, 3)
    assert all(n.visibility == "public" and n.event.start_date.year != 2020 for n in shown)


def test_search_past_the_cap_shows_the_owner_their_own_private_notes(client, db, settings):
    settings.SEARCH_COUNT_CAP = 2
    owner = make.UserFactory(username="gatekeeper")
    event = make.EventFactory(owner=owner, start_date=datetime.date(2024, 4, 1))
    public = [
        make.NoteFactory(event=event, owner=owner, body=f"관문 시험 {i}", visibility="public")
        for i in range(3)
    ]
    secret = make.NoteFactory(event=event, owner=owner, body="관문 시험 비밀", visibility="private")
    owner_client = Client()
    owner_client.force_login(owner)
    for _ in range(2):
        # The cap's worth, newest first (one event: newest note first).
        assert note_ids(client, "관문") == sorted([public[2].pk, public[1].pk])
        assert note_ids(owner_client, "관문") == sorted([secret.pk, public[2].pk])


MIXED_BODIES = [
    "벤지오 교수님의 강연은 흥미로웠다",
    "벤지오의 pruning 이야기",
    "강연 뒤에 pruning 질문",
    "의자에 앉아 transformer 강연을 들었다",
    "벤치에서 Transformer 논문을 읽었다",
    "아무 말도 없는 노트",
    "벤 pruning 벤지오 강연 의 transformer",
]


@pytest.mark.parametrize("cap", [1000, 3])
@pytest.mark.parametrize(
    "query", ["벤지오 강연", "강연 벤지오", "벤 pruning", "의 transformer", "pruning 의", "의 벤"]
)
def test_search_mixes_long_and_short_terms_as_the_oracle_does(client, db, settings, cap, query):
    """A mix of long and short terms finds what the oracle does: on the page, in the
    count, and in the walk past the cap (a cap of 3)."""
    from django.contrib.auth.models import AnonymousUser

    from confjournal.search.results import Criteria, Search

    settings.SEARCH_COUNT_CAP = cap
    owner = make.UserFactory(username="mixer")
    notes = []
    for year in range(2016, 2024):
        event = make.EventFactory(start_date=datetime.date(year, 6, 1), owner=owner)
        for i, body in enumerate(MIXED_BODIES):
            visibility = "private" if (year + i) % 5 == 0 else "public"
            notes.append(
                make.NoteFactory(event=event, owner=owner, body=body, visibility=visibility)
            )
    expected = oracle(notes, query)
    assert len(expected) > 3, "the query should find more than the small cap"
    search = Search(AnonymousUser(), Criteria(terms=backend.parse_terms(query)))
    count = search.counts(["note"])["note"]
    assert count == min(len(expected), cap + 1)
    newest = list(search.results("note").values_list("pk", flat=True))
    assert sorted(newest) == expected
    assert [n.pk for n in search.page("note", count, 0, 5)] == newest[:5]
    if cap == 1000:
        assert note_ids(client, query) == expected
