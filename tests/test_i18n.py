"""Korean and English interface: a complete catalogue, every string marked, pages in both.

The catalogue (locale/ko/LC_MESSAGES/django.po) is read with Babel, the
library that compiles it: nothing untranslated or fuzzy, the same
placeholders on both sides, NFC text. What the code and templates mark is
extracted the way `makemessages` does it (Django's own `templatize` for
templates, Babel's Python extractor for code), without needing GNU gettext,
and every extracted string must be in the catalogue. Text a template writes
outside the translation tags is found by reading the template itself.

Then the pages: with `Accept-Language: ko` every public page kind (the walk
list in tests/public_pages.py, so a new page is checked too) is Korean — the
only Latin-script words left are record data, the brand, and words the
Korean translations themselves keep (BibTeX, Markdown, …) — with Korean
dates (2022년 11월 28일); the header's switcher changes the language and
comes back to the same page; the admin speaks Korean.
"""

import datetime
import io
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file, extract_python
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.test import Client
from django.urls import reverse
from django.utils.translation.template import templatize

from events.models import Booth, Event, Tag
from talks.models import Note, Paper, Speaker, Talk
from tests import factories as make
from tests.page_samples import page_addresses

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "locale"
PO = LOCALE / "ko" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PACKAGES = ["confjournal", "events", "talks"]
TEMPLATE_DIRS = [ROOT / "templates", *(ROOT / package / "templates" for package in PACKAGES)]
# The names makemessages (xgettext) looks for, as Babel keyword specs.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?([diouxXeEfFgGcrsa%])")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Words that stay as they are in every language: the site's name, and the
# prefixes of identifiers (arXiv:2206.09959, doi:10.1234/abc).
BRAND = {"ConfJournal", "arXiv", "doi"}


def read_catalogue(path=PO):
    with path.open("rb") as po:
        return read_po(po, locale="ko")


def placeholders(text):
    """The printf-style placeholders of `text`, as a sorted list ("%%" is a literal)."""
    return sorted((name or "", kind) for name, kind in PLACEHOLDER.findall(text) if kind != "%")


def key(message):
    return message.id if isinstance(message.id, str) else tuple(message.id)


def forms(message):
    """A message's translation(s), always as a tuple."""
    string = message.string
    return tuple(string) if isinstance(string, list | tuple) else (string,)


# The catalogue itself.


def test_catalogue_is_complete_and_placeholders_match():
    catalogue = read_catalogue()
    assert not catalogue.fuzzy, "the header is marked fuzzy: compilers would skip the catalogue"
    assert catalogue.num_plurals == 1
    messages = [message for message in catalogue if message.id]
    assert len(messages) > 300
    untranslated = [key(m) for m in messages if not all(forms(m))]
    fuzzy = [key(m) for m in messages if m.fuzzy]
    wrong_plurals = [key(m) for m in messages if m.pluralizable and len(forms(m)) != 1]
    wrong_placeholders = []
    for message in messages:
        # Korean has one plural form: it reads the plural's placeholders.
        source = message.id[-1] if message.pluralizable else message.id
        for translation in forms(message):
            if placeholders(translation) != placeholders(source):
                wrong_placeholders.append((source, translation))
    not_nfc = [
        key(m) for m in messages if not all(unicodedata.is_normalized("NFC", s) for s in forms(m))
    ]
    assert untranslated == []
    assert fuzzy == []
    assert wrong_plurals == []
    assert wrong_placeholders == []
    assert not_nfc == []
    assert not [error for _message, errors in catalogue.check() for error in errors]


def test_compiled_catalogue_is_the_po():
    """The .mo Django reads is compiled from this .po (make install, scripts/run, scripts/test)."""
    assert MO.exists(), (
        "no compiled catalogue: run `make install` (pybabel compile -d locale -D django)"
    )
    with MO.open("rb") as mo:
        compiled = {key(m): forms(m) for m in read_mo(mo) if m.id}
    source = {key(m): forms(m) for m in read_catalogue() if m.id}
    assert compiled == source, "locale/ko/LC_MESSAGES/django.mo is stale: run `make install`"


def extract_template(fileobj, keywords, comment_tags, options):
    """Babel extraction method for Django templates: what makemessages does, in Python."""
    code = templatize(fileobj.read().decode("utf-8"))
    return extract_python(io.BytesIO(code.encode("utf-8")), keywords, comment_tags, {})


def marked_strings():
    """(msgid, where) for every string the code and templates mark for translation."""
    sources = []
    for package in PACKAGES:
        sources += [
            (path, extract_python)
            for path in sorted((ROOT / package).rglob("*.py"))
            if "migrations" not in path.parts
        ]
    for directory in TEMPLATE_DIRS:
        sources += [(path, extract_template) for path in sorted(directory.rglob("*.html"))]
        sources += [(path, extract_template) for path in sorted(directory.rglob("*.txt"))]
        sources += [(path, extract_template) for path in sorted(directory.rglob("*.xml"))]
    for path, method in sources:
        for lineno, message, _comments, context in extract_from_file(
            method, str(path), keywords=KEYWORDS
        ):
            msgid = message if isinstance(message, str) else tuple(message)
            yield (context, msgid), f"{path.relative_to(ROOT)}:{lineno}"


def test_every_marked_string_is_in_the_catalogue():
    catalogue = {(m.context, key(m)) for m in read_catalogue() if m.id}
    marked = dict(marked_strings())
    assert len(marked) > 300
    missing = {where: msgid for msgid, where in marked.items() if msgid not in catalogue}
    assert missing == {}, "run `make messages` (docs/languages.md) and translate the new entries"


# Text a template writes outside {% translate %} / {% blocktranslate %}.

# Attributes whose values a person reads or hears.
TEXT_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "label", "aria-description"}
# Text a script shows, handed over in data- attributes (data-suggest-none="…").
DATA_TEXT_ATTRIBUTE = re.compile(r"^data-[\w-]*-(label|found|none|text|title|message)$")
BUTTON_INPUTS = {"submit", "button", "reset"}
SKIPPED_BLOCKS = {
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "comment": "endcomment",
}


class VisibleText(HTMLParser):
    """Text a person reads in HTML: text nodes and the attributes above.

    `language`: keep only text whose nearest `lang` is this language (the
    switcher names English in English on a Korean page, on purpose). <pre>,
    <code>, <script> and <style> hold code, not interface text.
    """

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    CODE = {"pre", "code", "script", "style"}

    def __init__(self, language=None):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack = []  # (tag, lang, is_code)
        self.texts = []

    def _wanted(self, lang=None):
        lang = lang or next((entry[1] for entry in reversed(self.stack) if entry[1]), None)
        in_code = any(entry[2] for entry in self.stack)
        if in_code:
            return False
        return self.language is None or lang is None or lang.split("-")[0] == self.language

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._wanted(attrs.get("lang")):
            for name, value in attrs.items():
                if value and (
                    name in TEXT_ATTRIBUTES
                    or DATA_TEXT_ATTRIBUTE.match(name)
                    or (name == "value" and tag == "input" and attrs.get("type") in BUTTON_INPUTS)
                    or (name == "content" and tag == "meta" and attrs.get("name") == "description")
                ):
                    self.texts.append(value)
        if tag not in self.VOID:
            self.stack.append((tag, attrs.get("lang"), tag in self.CODE))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if data.strip() and self._wanted():
            self.texts.append(data)


def visible_text(html, language=None):
    parser = VisibleText(language)
    parser.feed(html)
    parser.close()
    return parser.texts


def unmarked_template_text(source):
    """The words a template writes outside translation tags (tags and variables removed)."""
    kept, skip_until = [], None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if skip_until:
                skip_until = None if name == skip_until else skip_until
            elif name in SKIPPED_BLOCKS:
                skip_until = SKIPPED_BLOCKS[name]
            elif name == "block" and token.split_contents()[1:2] == ["bodyclass"]:
                skip_until = "endblock"
        elif token.token_type == TokenType.TEXT and not skip_until:
            kept.append(token.contents)
    words = []
    for text in visible_text("".join(kept)):
        words += [word for word in LATIN_WORD.findall(text) if word not in BRAND]
    return words


def template_files():
    for directory in TEMPLATE_DIRS:
        yield from sorted(directory.rglob("*.html"))


def test_template_text_is_all_marked():
    unmarked = {}
    for path in template_files():
        if words := unmarked_template_text(path.read_text(encoding="utf-8")):
            unmarked[str(path.relative_to(ROOT))] = words
    assert unmarked == {}, "wrap these in {% translate %} / {% blocktranslate %}"


def test_the_unmarked_text_check_sees_text_and_attributes():
    """The check above reports a word in text or a read attribute, and nothing translated."""
    assert unmarked_template_text("<p>Hello {{ name }}</p>") == ["Hello"]
    assert unmarked_template_text('<input placeholder="Type here">') == ["Type", "here"]
    assert unmarked_template_text('<a href="/x" class="big">{% translate "Go" %}</a>') == []
    assert unmarked_template_text("{% blocktranslate %}Hi {{ n }}{% endblocktranslate %}") == []
    assert unmarked_template_text("<pre>{{ code }} bibtex</pre> · ConfJournal") == []
    assert unmarked_template_text('<input data-x-none="None found" data-url="/a/b/">') == [
        "None",
        "found",
    ]
    assert unmarked_template_text("{% block bodyclass %}app-x change-form{% endblock %}") == []


# Pages, in Korean and English.

KO = {"HTTP_ACCEPT_LANGUAGE": "ko-KR,ko;q=0.9,en;q=0.8"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


@pytest.fixture
def korean_journal(db):
    """A public journal whose records are all in Korean, so English on a page is interface."""
    owner = make.UserFactory(username="민지", first_name="민지", last_name="김")
    event = make.EventFactory(
        name="신경정보처리학회 2022",
        slug="신경정보처리학회-2022",
        start_date=datetime.date(2022, 11, 28),
        end_date=datetime.date(2022, 12, 9),
        city="뉴올리언스",
        country="US",
        venue="컨벤션 센터",
        summary="**대규모** 학회.",
        owner=owner,
    )
    day = make.EventFactory(
        name="첫째 날",
        slug="첫째-날",
        parent=event,
        start_date=datetime.date(2022, 11, 28),
        end_date=datetime.date(2022, 11, 28),
        city="뉴올리언스",
        country="US",
        owner=owner,
    )
    speaker = make.SpeakerFactory(name="제프리 힌턴", slug="제프리-힌턴", affiliation="토론토 대학")
    talk = make.TalkFactory(
        event=day,
        title="순방향 학습",
        speakers=[speaker],
        kind="keynote",
        room="홀 A",
        rating=5,
        abstract="역전파 없이 학습하기.",
    )
    make.TalkFactory(event=event, title="가지 않은 발표", speakers=[speaker], attended=False)
    paper = make.PaperFactory(
        event=event, talk=talk, title="가지치기 연구", authors="이서연\n박준호", session="7"
    )
    booth = make.BoothFactory(
        event=event, organization="삼성전자", location="1번 홀", swag="스티커"
    )
    note = make.NoteFactory(
        event=event,
        talk=talk,
        owner=owner,
        title="힌턴 교수님 강연",
        body="벤지오 교수님의 강연은 흥미로웠다.",
        visibility="public",
    )
    for record in (event, talk, paper, booth, note):
        record.tags.add("가지치기")
    return {"event": event, "day": day, "talk": talk, "paper": paper, "booth": booth, "note": note}


def korean_page_addresses():
    """Every public page kind, with an address for one record of its kind (the shared walk)."""
    for name, urls in page_addresses(search="?q=강연").items():
        if urls:
            yield name, urls[0]


def allowed_latin_words():
    """Latin-script words a Korean page may show: those the Korean translations keep.

    No country code: /stats/ names a city's country in Korean ("뉴올리언스, 미국").
    """
    words = set(BRAND)
    for message in read_catalogue():
        for translation in forms(message) if message.id else ():
            words.update(LATIN_WORD.findall(translation))
    return words


def test_every_public_page_is_korean_for_a_korean_browser(client, korean_journal):
    allowed = allowed_latin_words()
    english, checked = {}, 0
    for name, url in korean_page_addresses():
        response = client.get(url, **KO)
        assert response.status_code == 200, url
        if not response["Content-Type"].startswith("text/html"):
            continue  # feeds, calendars, BibTeX and recaps are files, not pages
        html = response.content.decode()
        assert '<html lang="ko"' in html, url
        words = {w for text in visible_text(html, "ko") for w in LATIN_WORD.findall(text)}
        if leftover := sorted(words - allowed):
            english[name] = leftover
        checked += 1
    assert english == {}
    assert checked >= 15


def test_korean_pages_show_korean_dates_and_words(client, korean_journal):
    event = korean_journal["event"]
    timeline = client.get(reverse("events:timeline"), **KO).content.decode()
    assert "2022년 11월 28일" in timeline
    assert "2022년 12월 9일" in timeline
    assert "타임라인" in timeline and "학회" in timeline and "대한민국" not in timeline
    assert "미국" in timeline  # the country, in Korean (django-countries)
    assert "발표 1개" in timeline and "논문 1편" in timeline and "부스 1곳" in timeline
    page = client.get(event.get_absolute_url(), **KO).content.decode()
    assert "일정과 부대 행사" in page
    assert "기조연설" in page and "5점 만점에 5점" in page
    assert "참석하지 않은 프로그램 발표 1개 더 보기" in page
    assert "Nov." not in page and "Talks" not in page


def test_english_is_the_default_and_keeps_english_dates(client, korean_journal):
    for headers in (EN, {}, {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9"}):
        response = client.get(reverse("events:timeline"), **headers)
        html = response.content.decode()
        # A shared cache keeps one copy per language: by header, and by the switcher's cookie.
        vary = {part.strip().lower() for part in response["Vary"].split(",")}
        assert {"accept-language", "cookie"} <= vary
        assert '<html lang="en"' in html
        assert "Nov. 28, 2022" in html and "Timeline" in html
        assert "년" not in html.replace("신경정보처리학회", "")


def test_not_found_page_is_korean(client, korean_journal):
    response = client.get("/events/없는-행사/", **KO)
    assert response.status_code == 404
    assert "찾을 수 없음" in response.content.decode()


def switcher_form(html):
    """The language switcher's form: action, fields and buttons, as a browser sees it."""

    class Form(HTMLParser):
        def __init__(self):
            super().__init__()
            self.form, self.inside, self.fields, self.buttons, self.labels = None, False, {}, {}, {}
            self.label_id, self.current = None, None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "form" and "language-switcher" in (attrs.get("class") or ""):
                self.form, self.inside = attrs, True
            elif self.inside and tag == "input":
                self.fields[attrs["name"]] = attrs.get("value")
            elif self.inside and tag == "button":
                self.buttons[attrs["value"]] = attrs
            elif self.inside and attrs.get("id"):
                self.label_id = attrs["id"]

        def handle_endtag(self, tag):
            if tag == "form":
                self.inside = False
            self.label_id = None

        def handle_data(self, data):
            if self.inside and self.label_id:
                self.labels[self.label_id] = data

    parser = Form()
    parser.feed(html)
    return parser


def test_switcher_changes_the_language_and_returns_to_the_page(db, korean_journal):
    browser = Client(enforce_csrf_checks=True)
    page = "/talks/?kind=keynote"
    html = browser.get(page, **EN).content.decode()
    form = switcher_form(html)
    assert form.form is not None, "no language switcher in the header"
    assert form.form["action"] == reverse("set_language") and form.form["method"] == "post"
    assert form.labels[form.form["aria-labelledby"]] == "Language"
    assert form.fields["next"] == page
    # No CSRF token (confjournal/web/language.py): public pages stay cacheable.
    assert "csrfmiddlewaretoken" not in form.fields
    assert settings.CSRF_COOKIE_NAME not in browser.cookies
    assert set(form.buttons) == {"ko"} and form.buttons["ko"]["lang"] == "ko"

    response = browser.post(
        form.form["action"],
        {"next": page, "language": "ko"},
    )
    assert response.status_code == 302 and response["Location"] == page
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ko"
    # The choice beats the browser's own Accept-Language from now on.
    html = browser.get(page, **EN).content.decode()
    assert '<html lang="ko"' in html and "순방향 학습" in html and "기조연설" in html
    back = switcher_form(html)
    assert back.labels[back.form["aria-labelledby"]] == "언어"
    assert set(back.buttons) == {"en"}

    response = browser.post(
        back.form["action"],
        {"next": page, "language": "en"},
    )
    assert response["Location"] == page
    assert '<html lang="en"' in browser.get(page, **KO).content.decode()


def test_switcher_refuses_off_site_returns_and_unknown_languages(client, db):
    response = client.post(
        reverse("set_language"), {"language": "ko", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/topics/"})
    assert response.status_code == 302 and response["Location"] == "/topics/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    response = client.get(reverse("set_language"), {"language": "ko", "next": "/topics/"})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies  # only a POST changes it


def test_admin_header_has_the_language_switcher(db):
    """The admin's own header carries the site's switcher: a plain form, no JavaScript needed."""
    browser = Client(enforce_csrf_checks=True)
    login = reverse("admin:login")
    form = switcher_form(browser.get(login, **EN).content.decode())
    assert form.form is not None, "no language switcher in the admin's header"
    assert form.labels[form.form["aria-labelledby"]] == "Language"
    assert form.fields["next"] == login and set(form.buttons) == {"ko"}

    browser.force_login(make.StaffFactory(username="편집자"))
    page = reverse("admin:events_event_add")
    html = browser.get(page, **EN).content.decode()
    form = switcher_form(html)
    assert form.fields["next"] == page and set(form.buttons) == {"ko"}
    assert '<div id="branding">' in html and "Add event" in html
    response = browser.post(form.form["action"], {"next": page, "language": "ko"})
    assert response.status_code == 302 and response["Location"] == page
    html = browser.get(page, **EN).content.decode()
    assert '<html lang="ko"' in html and "<title>행사 추가 | ConfJournal</title>" in html
    back = switcher_form(html)
    assert back.labels[back.form["aria-labelledby"]] == "언어" and set(back.buttons) == {"en"}


def test_admin_is_korean(client, korean_journal):
    client.force_login(make.StaffFactory(username="편집자"))
    index = client.get(reverse("admin:index"), **KO).content.decode()
    assert "내 저널" in index and "발표, 논문, 메모" in index
    assert "접속 시도" in index  # django-axes ships no Korean: confjournal/third_party_strings.py
    add = client.get(reverse("admin:events_event_add"), **KO).content.decode()
    for text in ("행사 추가", "장소", "더 자세히", "시작일", "페이지 주소의 일부입니다", "학회"):
        assert text in add, text
    event = korean_journal["event"]
    change = client.get(reverse("admin:events_event_change", args=[event.pk]), **KO)
    html = change.content.decode()
    assert "프로그램 가져오기" in html and "내 메모를 포함한 정리 (Markdown)" in html
    talks = client.get(reverse("admin:talks_talk_changelist"), **KO).content.decode()
    assert "선택한 발표를 참석으로 표시" in talks


@pytest.mark.parametrize(
    ("model", "korean"),
    [
        (Event, "행사"),
        (Talk, "발표"),
        (Paper, "논문"),
        (Booth, "부스"),
        (Note, "메모"),
        (Speaker, "연사"),
        (Tag, "주제"),
    ],
)
def test_model_names_are_korean(model, korean):
    from django.utils import translation

    with translation.override("ko"):
        assert str(model._meta.verbose_name) == korean
