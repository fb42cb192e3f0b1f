"""The search form's speaker suggestions: a JSON endpoint and a small script."""

import json
import re
import unicodedata

import pytest
from django.conf import settings

from tests.factories import EventFactory, SpeakerFactory, TalkFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/search/speakers/"


def suggested(client, query, **extra):
    response = client.get(URL, {"q": query}, **extra)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/json"
    return [speaker["name"] for speaker in json.loads(response.content)["speakers"]]


@pytest.fixture
def speakers(db):
    event = EventFactory()
    seung = SpeakerFactory(name="Sebastian Seung", slug="sebastian-seung", aliases="승현준")
    bengio = SpeakerFactory(name="요슈아 벤지오", slug="yoshua-bengio", aliases="Yoshua Bengio")
    TalkFactory(event=event, speakers=[seung, bengio])
    owner = UserFactory(username="owner")
    hidden = SpeakerFactory(name="Secret Seung", slug="secret-seung", aliases="비밀 승현")
    TalkFactory(event=EventFactory(visibility="private", owner=owner), speakers=[hidden])
    return {"seung": seung, "bengio": bengio, "hidden": hidden, "owner": owner}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("승현", ["Sebastian Seung"]),  # Korean substring of another spelling
        ("현준", ["Sebastian Seung"]),
        ("벤지", ["요슈아 벤지오"]),  # Korean substring of the name
        ("seb", ["Sebastian Seung"]),
        ("SEUNG", ["Sebastian Seung"]),  # case-insensitive
        ("bengio", ["요슈아 벤지오"]),
        (unicodedata.normalize("NFD", "승현"), ["Sebastian Seung"]),  # NFC
        ("no such person", []),
        ("", []),
        ("   ", []),
    ],
)
def test_suggestions_match_names_and_other_spellings(client, speakers, query, expected):
    assert suggested(client, query) == expected


def test_suggestions_give_slug_name_and_other_spellings(client, speakers):
    data = json.loads(client.get(URL, {"q": "승현"}).content)
    assert data == {
        "speakers": [{"slug": "sebastian-seung", "name": "Sebastian Seung", "aliases": ["승현준"]}]
    }


def test_suggestions_never_show_a_speaker_of_private_talks(client, speakers):
    assert suggested(client, "secret") == []
    assert suggested(client, "비밀") == []
    assert "Secret" not in client.get(URL, {"q": "seung"}).content.decode()
    client.force_login(speakers["owner"])
    assert suggested(client, "비밀") == ["Secret Seung"]


def test_suggestions_put_names_starting_with_the_query_first_and_stop_at_ten(client, db):
    event = EventFactory()
    people = [SpeakerFactory(name=f"Kim {n:02d}", slug=f"kim-{n}") for n in range(12)]
    people.append(SpeakerFactory(name="Alex Kim", slug="alex-kim"))
    people.append(SpeakerFactory(name="Lee", slug="lee", aliases="Kimberly Lee"))
    TalkFactory(event=event, speakers=people)
    names = suggested(client, "kim")
    assert names == [f"Kim {n:02d}" for n in range(10)]
    assert suggested(client, "kimb") == ["Lee"]
    assert suggested(client, "z kim") == []
    assert suggested(client, "ex ki") == ["Alex Kim"]


@pytest.mark.parametrize("size", [3, 30])
def test_suggestions_take_one_query_whatever_the_number_of_speakers(
    client, db, django_assert_num_queries, size
):
    event = EventFactory()
    TalkFactory(event=event, speakers=[SpeakerFactory(name=f"홍길동 {n}") for n in range(size)])
    with django_assert_num_queries(1):
        names = suggested(client, "길동")
    assert len(names) == min(size, 10)


@pytest.mark.parametrize(
    "query", ["x" * 10_000, '"', "%", "_", "' OR 1=1 --", "😀", "\\", "<script>alert(1)</script>"]
)
def test_suggestions_bad_input_is_a_normal_answer(client, speakers, query):
    assert suggested(client, query) == []


def test_suggestions_nul_and_broken_utf8_are_not_errors(client, speakers):
    # The site refuses NUL anywhere in an address (confjournal/web/middleware.py).
    assert client.get(URL, {"q": "a\x00b"}).status_code == 400
    response = client.get(URL + "?q=%ED%A0%80%FF%FE%EC%8A%B9%ED%98%84")
    assert response.status_code == 200
    assert json.loads(response.content) == {"speakers": []}


def test_suggestions_escape_nothing_they_should_not(client, db):
    """JSON carries the name as typed; the script sets it with textContent."""
    name = "<img src=x onerror=alert(1)> 승현"
    TalkFactory(speakers=[SpeakerFactory(name=name, slug="odd")])
    data = json.loads(client.get(URL, {"q": "승현"}).content)
    assert data["speakers"][0]["name"] == name
    script = (settings.BASE_DIR / "static" / "js" / "speaker-suggest.js").read_text()
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script
    assert "textContent" in script


def test_search_form_enhances_a_plain_speaker_field(client, speakers):
    html = client.get("/search/", {"speaker": "sebastian-seung"}).content.decode()
    assert "<datalist" not in html
    field = re.search(r'<input id="search-speaker"[^>]*>', html).group(0)
    assert 'name="speaker"' in field and 'value="sebastian-seung"' in field
    assert f'data-suggest-url="{URL}"' in field
    assert re.search(r'<script src="/static/js/speaker-suggest\.js[^"]*" defer></script>', html)
    # Without the script the slug in the plain field still filters.
    assert "Sebastian Seung" in html
    assert (settings.BASE_DIR / "static" / "js" / "speaker-suggest.js").exists()
