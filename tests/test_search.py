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
from talks.models import Note
from tests.datafiles import blns_lines
from tests.factories import (
    BoothFactory,
    EventFactory,
    NoteFactory,
    PaperFactory,
    SpeakerFactory,
    TalkFactory,
    UserFactory,
)
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
    event = EventFactory(name="Samsung AI Forum 2022")
    notes = [NoteFactory(event=event, body=s, visibility="public") for s in SENTENCES]
    notes.append(NoteFactory(event=event, body="Forum notes in English, 포럼 was fun"))
    notes.append(NoteFactory(event=event, body="비공개: 벤지오 이야기", visibility="private"))
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
    forum = NoteFactory(event=korean_notes[0].event, body="삼성 AI 포럼", visibility="public")
    assert note_ids(client, "럼") == [forum.pk]
    assert note_ids(client, "봤") == [korean_notes[2].pk]


def test_search_latin_is_case_insensitive(client, db):
    note = NoteFactory(body="The Forward-Forward Algorithm by HINTON", visibility="public")
    NoteFactory(body="backprop only", visibility="public")
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
    NoteFactory(
        body="Before <script>alert('x')</script> the 헤비안 러닝 part after", visibility="public"
    )
    html = client.get("/search/", {"q": "script"}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;<mark>script</mark>&gt;alert(&#x27;x&#x27;)&lt;/<mark>script</mark>&gt;" in html
    html = client.get("/search/", {"q": "헤비안"}).content.decode()
    assert "<mark>헤비안</mark> 러닝" in html


def test_search_groups_results_by_type_notes_first(client, db):
    event = EventFactory(name="Pruning Workshop", slug="pruning-ws")
    TalkFactory(event=event, title="Pruning at scale")
    PaperFactory(event=event, title="WoodFisher pruning")
    BoothFactory(event=event, organization="Pruning Inc")
    NoteFactory(event=event, body="pruning notes", visibility="public")
    html = client.get("/search/", {"q": "pruning"}).content.decode()
    headings = re.findall(r"<h2>(\w+) <span class=\"count\">(\d+)</span>", html)
    assert headings == [("Notes", "1"), ("Talks", "1"), ("Papers", "1"), ("Booths", "1"),
                        ("Events", "1")]  # fmt: skip
    assert 'value="pruning"' in html


def test_search_orders_newest_event_first(client, db):
    old = NoteFactory(event=EventFactory(start_date=datetime.date(2019, 1, 1)), body="GPT-3 old",
                      visibility="public")  # fmt: skip
    new = NoteFactory(event=EventFactory(start_date=datetime.date(2023, 1, 1)), body="GPT-3 new",
                      visibility="public")  # fmt: skip
    html = client.get("/search/", {"q": "gpt-3"}).content.decode()
    assert html.index(f"/notes/{new.pk}/") < html.index(f"/notes/{old.pk}/")


def test_search_by_speaker_finds_attached_and_mentioning_notes(client, db):
    seung = SpeakerFactory(name="Sebastian Seung", slug="sebastian-seung", aliases="승현준")
    event = EventFactory()
    talk = TalkFactory(event=event, speakers=[seung])
    attached = NoteFactory(event=event, talk=talk, body="Hebbian stacks", visibility="public")
    korean = NoteFactory(event=event, body="승현준 소장님의 발표", visibility="public")
    english = NoteFactory(event=event, body="Sebastian Seung said", visibility="public")
    NoteFactory(event=event, body="someone else", visibility="public")
    assert note_ids(client, "", speaker="sebastian-seung") == sorted(
        [attached.pk, korean.pk, english.pk]
    )
    assert note_ids(client, "발표", speaker="sebastian-seung") == [korean.pk]
    html = client.get("/speakers/sebastian-seung/").content.decode()
    assert "/search/?speaker=sebastian-seung&amp;type=note" in html


def test_search_by_topic_uses_tags_of_the_note_its_subject_and_event(client, db):
    event = EventFactory()
    event_tagged = EventFactory()
    event_tagged.tags.add("pruning")
    talk = TalkFactory(event=event)
    talk.tags.add("pruning")
    booth = BoothFactory(event=event)
    booth.tags.add("pruning")
    own = NoteFactory(event=event, body="own tag", visibility="public")
    own.tags.add("pruning")
    on_talk = NoteFactory(event=event, talk=talk, body="on talk", visibility="public")
    on_booth = NoteFactory(event=event, booth=booth, body="on booth", visibility="public")
    on_event = NoteFactory(event=event_tagged, body="on event", visibility="public")
    mention = NoteFactory(event=event, body="a word on PRUNING", visibility="public")
    NoteFactory(event=event, body="unrelated", visibility="public")
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
    seung = SpeakerFactory(
        name="Sebastian Seung", slug="sebastian-seung", aliases="H. Sebastian Seung\n승현준"
    )
    event = EventFactory()
    talk = TalkFactory(event=event, speakers=[seung])
    attached = NoteFactory(event=event, talk=talk, body="Hebbian stacks", visibility="public")
    NoteFactory(event=event, body="someone else", visibility="public")
    assert note_ids(client, "", speaker=typed) == [attached.pk]
    html = client.get("/search/", {"speaker": typed, "type": "note"}).content.decode()
    assert 'class="chosen">Sebastian Seung</span>' in html


def test_search_speaker_field_goes_through_the_visibility_gate(client, db):
    hidden_event = EventFactory(visibility="private")
    hidden = SpeakerFactory(name="Private Person", slug="private-person")
    TalkFactory(event=hidden_event, speakers=[hidden])
    for typed in ("Private Person", "private-person", "Nobody At All", "%", "승"):
        response = client.get("/search/", {"speaker": typed})
        assert response.status_code == 400
        html = response.content.decode()
        assert "There is no speaker called" in html
        assert 'class="chosen"></span>' in html
        assert "/speakers/private-person/" not in html


def test_search_speaker_field_says_when_a_name_is_ambiguous(client, db):
    event = EventFactory()
    for slug in ("kim-a", "kim-b"):
        TalkFactory(event=event, speakers=[SpeakerFactory(name="Kim", slug=slug)])
    response = client.get("/search/", {"speaker": "kim"})
    assert response.status_code == 400
    assert "Several speakers are called “kim”: type one of kim-a, kim-b." in (
        response.content.decode()
    )


def test_search_index_follows_update_bulk_create_and_delete(client, db):
    event = EventFactory()
    note = NoteFactory(event=event, body="처음 문장", visibility="public")
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
    note = NoteFactory(body="재구성 전에 쓴 노트", visibility="public")
    with widened_note_title():
        backend.ensure_index(using="default")  # what post_migrate does after every migrate
        later = NoteFactory(event=note.event, body="재구성 뒤에 쓴 노트", visibility="public")
        assert note_ids(client, "재구성") == sorted([note.pk, later.pk])
        Note.objects.filter(pk=note.pk).update(body="고친 노트")
        assert note_ids(client, "재구성") == [later.pk]


def test_search_rebuild_command_restores_a_damaged_index(db):
    from io import StringIO

    from django.core.management import call_command

    note = NoteFactory(body="색인 복구 시험", visibility="public")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_note_tri(search_note_tri) VALUES ('delete-all')")
            cursor.execute("INSERT INTO search_note_bi(search_note_bi) VALUES ('delete-all')")
    searchable = backend.BY_KIND["note"]
    assert list(backend.containing_all(searchable, Note.objects.all(), ["색인"])) == (
        [] if connection.vendor == "sqlite" else [note]
    )
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "note" in out.getvalue()
    assert list(backend.containing_all(searchable, Note.objects.all(), ["색인"])) == [note]


@pytest.mark.parametrize("size", [3, 30])
def test_search_query_count_does_not_grow_with_results(client, django_assert_num_queries, size):
    event = EventFactory()
    talk = TalkFactory(event=event, title="헤비안 talk", speakers=[SpeakerFactory()])
    for i in range(size):
        NoteFactory(event=event, talk=talk, body=f"헤비안 러닝 {i}", visibility="public")
        TalkFactory(event=event, title=f"헤비안 {i}", speakers=[SpeakerFactory()])
    # One query for all counts, then ids and rows of notes and of talks, and the talks'
    # speakers.
    with django_assert_num_queries(6):
        response = client.get("/search/", {"q": "헤비안"})
    assert f"{size + size + 1} results" in response.content.decode()
    with django_assert_num_queries(4):
        response = client.get("/search/", {"q": "헤비안", "type": "talk"})
    assert f"{size + 1} results" in response.content.decode()


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
    event = EventFactory()
    for i in range(7):
        NoteFactory(event=event, body=f"흔한 낱말 {i}", visibility="public")
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
    owner = UserFactory(username="oracle")
    with transaction.atomic():
        event = EventFactory(owner=owner)
        notes = [
            NoteFactory(event=event, owner=owner, body=body, visibility="public") for body in bodies
        ]
        searchable = backend.BY_KIND["note"]
        clean, _ = backend.clean_query(query)
        terms = backend.parse_terms(clean)
        found = sorted(
            backend.containing_all(searchable, Note.objects.filter(event=event), terms).values_list(
                "pk", flat=True
            )
        )
        assert found == oracle(notes, clean)
        transaction.set_rollback(True)


def test_search_uses_the_index_on_both_databases(db):
    NoteFactory(body="벤지오 교수님", visibility="public")
    searchable = backend.BY_KIND["note"]
    queryset = backend.containing_all(searchable, Note.objects.all(), ["벤지오"])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            # Unordered: with Note's default ordering an index scan on created_at
            # (read backwards, filtering every row) may look as cheap on a tiny table.
            explain = queryset.order_by().explain()
            assert "search_note_trgm" in explain
            # One- and two-character terms have no trigram: the index of pairs answers.
            for short in ("지오", "벤"):
                pairs = backend.containing_all(searchable, Note.objects.all(), [short])
                assert "search_note_grams" in pairs.order_by().explain()
                assert [n.body for n in pairs] == ["벤지오 교수님"]
        else:
            explain = queryset.explain()
            assert "VIRTUAL TABLE INDEX" in explain and "search_note_tri" in explain
    assert [n.body for n in queryset] == ["벤지오 교수님"]


def test_search_walk_for_common_words_keeps_order_and_privacy(db, settings):
    from django.contrib.auth.models import AnonymousUser

    from confjournal.search import results as journal_search

    settings.SEARCH_COUNT_CAP = 3
    owner = UserFactory(username="walker")
    for year in range(2015, 2024):
        event = EventFactory(
            start_date=datetime.date(year, 5, 1),
            visibility="private" if year == 2020 else "public",
            owner=owner,
        )
        for i in range(3):
            NoteFactory(event=event, owner=owner, body=f"흔한 말 {year} {i}",
                        visibility="private" if i == 1 else "public")  # fmt: skip
    anonymous = AnonymousUser()
    criteria = journal_search.Criteria(terms=["흔한"], year=None)
    queryset = journal_search.results_queryset("note", anonymous, criteria)
    count = journal_search.capped_count(queryset)
    assert count == 4
    walk = journal_search.walk_for("note", anonymous, criteria, (count, None, None))
    assert walk is not None
    expected = list(queryset.values_list("pk", flat=True))
    assert len(expected) == 16  # 8 public events x 2 public notes
    walked = [n.pk for n in journal_search.fetch("note", anonymous, queryset, 0, 20, walk)]
    assert walked == expected
    assert [
        n.pk for n in journal_search.fetch("note", anonymous, queryset, 4, 8, walk)
    ] == expected[4:8]
    client_view = journal_search.fetch("note", anonymous, queryset, 0, 3, walk)
    assert all(n.visibility == "public" and n.event.start_date.year != 2020 for n in client_view)


@pytest.mark.parametrize("terms", [["흔한"], ["common"], ["흔", "말"], ["ab", "흔한"]])
def test_search_walk_scan_and_index_list_agree_with_the_sorted_query(db, terms):
    """The walk checks each record's folded text or the index's list; both give the
    sorted query's first ids, private notes and notes of private events left out."""
    from django.contrib.auth.models import AnonymousUser

    from confjournal.search import results as journal_search

    owner = UserFactory(username="walker")
    for year in range(2010, 2025):
        event = EventFactory(
            start_date=datetime.date(year, 3, 1),
            visibility="private" if year % 5 == 0 else "public",
            owner=owner,
        )
        for i in range(4):
            body = ["흔한 말 COMMON ab", "흔한말 Common", "다른 말 ab", "드문 COMMONS 흔한 ab"][i]
            NoteFactory(event=event, owner=owner, body=f"{body} {year}",
                        visibility="private" if (year + i) % 7 == 0 else "public")  # fmt: skip
    anonymous = AnonymousUser()
    criteria = journal_search.Criteria(terms=terms)
    expected = list(journal_search.results_queryset("note", anonymous, criteria).values_list(
        "pk", flat=True))  # fmt: skip
    assert expected
    gate = journal_search.results_queryset("note", anonymous, journal_search.Criteria(terms=[]))
    searchable = backend.BY_KIND["note"]
    for limit in (1, 7, 100):
        for scan in (True, False, None):
            # PostgreSQL walks its own way (dates in growing steps); `scan` is SQLite's.
            walked = backend.newest_first_ids(searchable, gate, terms, limit, scan=scan)
            assert walked == expected[:limit], (limit, scan)
    assert journal_search.count("note", anonymous, criteria) == len(expected)


def test_search_folds_to_ascii_lists_every_character_that_folds_into_ascii():
    found = {}
    for code in range(0x80, 0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        folded = backend.fold(chr(code))
        ascii_chars = [c for c in folded if c.isascii()]
        if ascii_chars:
            found[chr(code)] = "".join(ascii_chars)
    assert found == backend.FOLDS_TO_ASCII


@pytest.mark.parametrize(
    "term", ["kilo", "pruni", "pruning", "a;b", "x`y", "ilo", "100%", "a_b", "c\\d", "ng tr"]
)
def test_search_walk_ascii_prefilter_keeps_every_folded_match(db, term):
    """The walk's cheap ASCII test (LIKE on each field) never drops a record the fold
    would find (Kelvin sign, dotted capital I, Greek question mark), nor keeps one it
    would not (an accent composed onto the last letter; LIKE's own % and _ and its
    escape character taken literally; a term across the title and the body)."""
    from django.contrib.auth.models import AnonymousUser

    from confjournal.search import results as journal_search

    bodies = [
        "\u212aILO watts", "KILO watts", "ki\u0301lo", "k\u0131lo", "PRUN\u0130NG trees",
        "pruninǵ", "Pruning", "a\u037eb", "a;b", "x\u1fefy", "x`y", "nothing here",
        "100% sure", "100x sure", "A_B", "axb", "c\\d", "cxd", "c\\\\d",
    ]  # fmt: skip
    if connection.vendor == "postgresql":
        # Known difference: PostgreSQL's lower('İ') is "i", Python's is "i̇" (i and a
        # combining dot), so there PRUNİNG contains "pruning". The prefilter is SQLite's.
        bodies.remove("PRUN\u0130NG trees")
    event = EventFactory(start_date=datetime.date(2022, 1, 1))
    notes = [NoteFactory(event=event, body=b, visibility="public") for b in bodies]
    # In the title, and split across the title and the body (never one word there).
    notes.append(NoteFactory(event=event, title="PRUNING the KILO", body="x", visibility="public"))
    notes.append(NoteFactory(event=event, title="prun", body="ing trees", visibility="public"))
    expected = sorted(n.pk for n in notes if term in backend.fold(f"{n.title}\n{n.body}"))
    assert expected
    anonymous = AnonymousUser()
    gate = journal_search.results_queryset("note", anonymous, journal_search.Criteria(terms=[]))
    walked = backend.newest_first_ids(backend.BY_KIND["note"], gate, [term], 100, scan=True)
    assert sorted(walked) == expected
    assert note_ids(Client(), f'"{term}"') == expected


HANGUL_RAW = [
    ("벤지오 교수", ""),
    (unicodedata.normalize("NFD", "벤지오의 강연"), ""),
    ("베\u11ab지오", ""),  # 베 + ᆫ: NFC makes 벤지오
    ("의\u11ab 자리", ""),  # 의 + ᆫ: NFC makes 읜, so no 의
    ("의견", ""),
    ("에서\u11a8", ""),  # 서 + ᆨ: 석, so no 에서
    ("강여\u11ab", ""),  # 강연
    ("\u3142\u3154\u3134", ""),  # compatibility jamo ㅂㅔㄴ: never 벤
    ("연", "강"),  # 강 ends the title, 연 starts the body: not 강연
    ("", "벤치"),
    ("에서", "강\u0301연"),  # a combining mark between: not 강연
    ("비어 있음", ""),
]


@pytest.mark.database("sqlite")
@pytest.mark.parametrize("term", ["벤", "의", "벤지오", "강연", "에서", "서", "읜", "석"])
def test_search_hangul_test_in_sql_is_the_fold(db, term):
    """The walk's and the mixed plan's test for a term of Hangul syllables decides in
    SQL (LIKE, GLOB) where that is exact and asks the fold otherwise: on text stored
    decomposed, with jamo that NFC composes into the term's last syllable, with
    compatibility jamo and across the title and the body, it finds exactly what
    folding finds."""
    from django.contrib.auth.models import AnonymousUser

    from confjournal.search import results as journal_search

    event = EventFactory(start_date=datetime.date(2021, 6, 1))
    notes = []
    for body, title in HANGUL_RAW:
        note = NoteFactory(event=event, title="x", body="x", visibility="public")
        with connection.cursor() as cursor:  # as stored by raw SQL: not normalised
            cursor.execute(
                "UPDATE talks_note SET title = %s, body = %s WHERE id = %s", [title, body, note.pk]
            )
        notes.append((note.pk, title, body))
    expected = sorted(pk for pk, title, body in notes if term in backend.fold(f"{title}\n{body}"))
    searchable = backend.BY_KIND["note"]
    test, params = backend._term_test(searchable, "d", term)
    with connection.cursor() as cursor:
        sql = f"SELECT d.id FROM talks_note d WHERE {test} ORDER BY d.id"  # noqa: S608
        cursor.execute(sql, params)
        assert [row[0] for row in cursor.fetchall()] == expected
    gate = journal_search.results_queryset(
        "note", AnonymousUser(), journal_search.Criteria(terms=[])
    )
    walked = backend.newest_first_ids(searchable, gate, [term], 100, scan=True)
    assert sorted(walked) == expected
    assert note_ids(Client(), term) == expected


@pytest.mark.database("sqlite")
def test_search_walk_decides_from_the_capped_count_without_a_query(db):
    """Past the cap the count already tells how common the words are: its matches come
    in id order, so (count, lowest id, highest id) give their density. The walk decides
    from that without a query of its own, so a search costs as many queries past the
    cap as under it, and still returns the sorted query's first page."""
    from django.contrib.auth.models import AnonymousUser
    from django.test.utils import CaptureQueriesContext

    from confjournal.search import results as journal_search

    event = EventFactory(start_date=datetime.date(2023, 9, 1))
    for i in range(260):
        NoteFactory(event=event, body=f"common word {i}", visibility="public")
    anonymous = AnonymousUser()
    criteria = journal_search.Criteria(terms=["common"])
    (span,) = journal_search.spans(["note"], anonymous, criteria).values()
    ids = journal_search.result_ids("note", anonymous, criteria)
    assert span == (260, min(ids), max(ids))
    searchable = backend.BY_KIND["note"]
    with CaptureQueriesContext(connection) as queries, connection.cursor() as cursor:
        # Dense: 20 results within ~20 records. Sparse (260 matches spread over a
        # range of a million ids): the index's list.
        assert backend._walk_scans(cursor, searchable, ["common"], 20, span) is True
        sparse = (260, 1, 1_000_000)
        assert backend._walk_scans(cursor, searchable, ["common"], 20, sparse) is False
    assert len(queries) == 0
    gate = journal_search.gate("note", anonymous, criteria)
    expected = list(journal_search.results_queryset("note", anonymous, criteria).values_list(
        "pk", flat=True)[:20])  # fmt: skip
    assert backend.newest_first_ids(searchable, gate, ["common"], 20, span=span) == expected


def test_search_compiled_anonymous_gate_never_serves_a_signed_in_owner(client, db, settings):
    """The anonymous visitor's gate is compiled once per process; the owner, searching
    the same words after it, still sees their private note, and the visitor never does."""
    settings.SEARCH_COUNT_CAP = 2  # past the cap: the count and the walk both use the gate
    owner = UserFactory(username="gatekeeper")
    event = EventFactory(owner=owner, start_date=datetime.date(2024, 4, 1))
    public = [
        NoteFactory(event=event, owner=owner, body=f"관문 시험 {i}", visibility="public")
        for i in range(3)
    ]
    secret = NoteFactory(event=event, owner=owner, body="관문 시험 비밀", visibility="private")
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


@pytest.mark.parametrize("short_driver_rows", [0, 2000])
@pytest.mark.parametrize(
    "query", ["벤지오 강연", "강연 벤지오", "벤 pruning", "의 transformer", "pruning 의", "의 벤"]
)
def test_search_mixes_long_and_short_terms_as_the_oracle_does(
    client, db, monkeypatch, short_driver_rows, query
):
    """A mix of long and short terms, with the short terms' matches driving (rare) or
    the long terms' (common: the threshold at 0): the same notes either way, on the
    page, in the count and in the walk past the cap."""
    from django.contrib.auth.models import AnonymousUser

    from confjournal.search import results as journal_search

    monkeypatch.setattr(backend, "SQLITE_SHORT_DRIVER_ROWS", short_driver_rows)
    owner = UserFactory(username="mixer")
    notes = []
    for year in range(2016, 2024):
        event = EventFactory(start_date=datetime.date(year, 6, 1), owner=owner)
        for i, body in enumerate(MIXED_BODIES):
            visibility = "private" if (year + i) % 5 == 0 else "public"
            notes.append(NoteFactory(event=event, owner=owner, body=body, visibility=visibility))
    expected = oracle(notes, query)
    assert expected, "the query should find something"
    assert note_ids(client, query) == expected
    anonymous = AnonymousUser()
    criteria = journal_search.Criteria(terms=backend.parse_terms(query))
    assert journal_search.count("note", anonymous, criteria) == len(expected)
    gate = journal_search.results_queryset("note", anonymous, journal_search.Criteria(terms=[]))
    sorted_ids = list(
        journal_search.results_queryset("note", anonymous, criteria).values_list("pk", flat=True)
    )
    assert sorted(sorted_ids) == expected
    for scan in (True, False):
        walked = backend.newest_first_ids(
            backend.BY_KIND["note"], gate, criteria.terms, 5, scan=scan
        )
        assert walked == sorted_ids[:5], scan
