"""Nothing a user types becomes live markup, on any public page; Korean comes out as typed.

Two sources of bad input, each stored in every user-typed field of every
journal model and rendered on every public page (tests/public_pages.py):

- XSS payloads: script tags, event handlers, javascript:/data: URLs in
  Markdown links and images, SVG and MathML, mixed case, entity-encoded and
  tab-split schemes;
- every line of the Big List of Naughty Strings (shared/data/blns), many
  lines per record so that each page is rendered once per batch.

Each page is parsed with the standard library's HTML parser (tests/html_checks.py):
no element outside the site's templates and the Markdown allow-list, no
script, handler, style attribute or javascript:/data: URL may survive.
Values go in only where the field's own validators accept them, as the
admin's forms would; URL fields get payloads that are valid URLs.
"""

import html as html_lib
import itertools
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from events.models import Booth, Event, Tag
from talks.models import Note, Paper, Speaker, Talk
from tests.datafiles import data_file
from tests.factories import EventFactory, SpeakerFactory, UserFactory
from tests.html_checks import PUBLIC_PAGE_TAGS, live_markup
from tests.public_pages import address, present_pages

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '<script>alert("xss")</script>',
    "<ScRiPt SRC=//evil.example/x.js></sCrIpT>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<IMG SRC=JaVaScRiPt:alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">click</a>',
    '<a href=" &#14;  javascript:alert(1)">entity-spaced</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">enc</a>',
    '<a href="jav&#x09;ascript:alert(1)">tabbed</a>',
    "[markdown link](javascript:alert(1))",
    "[mixed case](JaVaScRiPt:alert(1))",
    "[encoded](&#106;avascript:alert(1))",
    "![image](javascript:alert(1))",
    "![data image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[reference link][x]\n\n[x]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<div style="background:url(javascript:alert(1))">styled</div>',
    "<style>body{background:red}</style>",
    '<object data="javascript:alert(1)"></object>',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<p onmouseover="alert(1)">hover</p>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<!--<script>alert(1)//--><script>alert(2)</script>",
    "javascript:alert(1)",
    'https://example.org/"onmouseover="alert(1)',
    'https://example.org/"><script>alert(1)</script>',
    "{{ request }} {% debug %}",
]
# The repository's parent folder holds shared/ (in CI too: a clone with shared/ beside it).
BLNS = data_file("blns", "blns.txt")
KOREAN = "벤지오 교수님의 강연은 베이지안 신경망을 다시 보게 만들었다 — 트랜스포머 경량화"


def text_fields(model):
    """The fields a user types into: text, without choices, not slugs."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and field.editable
        and not field.choices
        and not isinstance(field, models.SlugField)
    ]


def accepted(field, value):
    """`value` cut to the field's length, if the field's validators take it, else None."""
    if field.max_length:
        value = value[: field.max_length]
    try:
        field.run_validators(value)
    except ValidationError:
        return None
    return value


def fill(model, value, **fixed):
    """A `model` with `value` in every user-typed field that accepts it."""
    values = {}
    for field in text_fields(model):
        if field.name not in fixed and (typed := accepted(field, value)) is not None:
            values[field.name] = typed
    return {**values, **fixed}


def create_record_set(value, n, owner):
    """One public event, talk, paper, booth, note, speaker and topic, all holding `value`."""
    event = Event.objects.create(
        **fill(
            Event,
            value,
            slug=f"bad-{n}",
            start_date="2022-11-28",
            end_date="2022-11-29",
            owner=owner,
            visibility="public",
        )
    )
    speaker = Speaker.objects.create(**fill(Speaker, value, slug=f"bad-speaker-{n}"))
    talk = Talk.objects.create(**fill(Talk, value, event=event, date=event.start_date))
    talk.set_speakers([speaker])
    booth = Booth.objects.create(**fill(Booth, value, event=event))
    paper = Paper.objects.create(**fill(Paper, value, event=event, talk=talk))
    note = Note.objects.create(
        **fill(Note, value, event=event, talk=talk, owner=owner, visibility="public")
    )
    tag, _ = Tag.objects.get_or_create(name=value[:100].strip() or f"blank {n}")
    for record in (event, talk, paper, booth, note):
        record.tags.add(tag)
    return event


def rendered_pages(client, queries=("",)):
    """(url, html) for every public page: lists once per query, details for every record."""
    for name, page in present_pages().items():
        if page.model is None:
            extra = ["?q=alert", "?q=script", "?q=벤지오"] if "q" in page.filters else []
            urls = [address(name, query=query) for query in (*queries, *extra)]
        else:
            urls = [address(name, record) for record in page.model.objects.all()]
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 404), url
            # Calendars, BibTeX, recaps (text, sent with nosniff) and feeds hold the
            # text as typed, as their formats require; a browser does not run them.
            if response.get("Content-Type", "").startswith("text/html"):
                yield url, response.content.decode()


def test_live_markup_finds_what_a_browser_would_run():
    page = (
        '<p onclick="x">a</p><a href=" java&#x09;script:alert(1)">x</a><script>1</script>'
        '<img src="DATA:image/png,x"><a href="java\x01script:x">path</a><svg></svg>'
        '<b style="color:red">b</b><script src="https://evil.example/x.js"></script>'
        '<script type="application/json">{}</script><script src="/static/ok.js"></script>'
    )
    assert live_markup(page, allowed_tags={"p", "a", "img", "b", "script"}) == [
        "<p onclick=…> handler",
        "<a href=' java\\tscript:alert(1)'>",
        "inline <script>",
        "<img src='DATA:image/png,x'>",
        "<svg> element",
        "<b style=…> attribute",
        "<script src='https://evil.example/x.js'>",
    ]


def test_every_model_has_user_typed_fields_filled(db):
    owner = UserFactory(username="minji")
    create_record_set(PAYLOADS[0], 0, owner)
    for model in (Event, Talk, Paper, Booth, Note, Speaker):
        record = model.objects.get()
        filled = [f.name for f in text_fields(model) if PAYLOADS[0][:20] in getattr(record, f.name)]
        assert filled, model


def test_xss_payloads_in_every_field_leave_no_live_markup(client, db):
    owner = UserFactory(username="minji", first_name=PAYLOADS[0], last_name=PAYLOADS[4])
    for n, payload in enumerate(PAYLOADS):
        create_record_set(payload, n, owner)
    problems = {}
    pages = 0
    for url, html in rendered_pages(client, queries=("", "?page=2")):
        pages += 1
        if found := live_markup(html, allowed_tags=PUBLIC_PAGE_TAGS):
            problems[url] = found
    assert problems == {}
    assert pages > 6 * len(PAYLOADS)
    # The payloads were there, as text.
    html = client.get("/events/bad-0/").content.decode()
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in html


def test_markdown_keeps_safe_links_and_drops_dangerous_ones(client, db):
    owner = UserFactory(username="minji")
    event = EventFactory(slug="md", owner=owner)
    note = Note.objects.create(
        event=event,
        owner=owner,
        visibility="public",
        body=(
            "[site](https://example.org/a) [mail](mailto:minji@example.org) "
            "[js](javascript:alert(1)) ![pic](https://example.org/p.png) "
            "![bad](data:image/png;base64,AAAA)"
        ),
    )
    html = client.get(note.get_absolute_url()).content.decode()
    prose = html[html.index('<div class="prose">') :]
    assert (
        '<a href="https://example.org/a" rel="nofollow noopener noreferrer ugc">site</a>' in prose
    )
    assert 'href="mailto:minji@example.org"' in prose
    assert '<img alt="pic" src="https://example.org/p.png">' in prose
    assert "javascript:" not in prose and "data:image" not in prose


def test_korean_survives_unchanged_in_every_field(client, db):
    owner = UserFactory(username="minji")
    # Typed on a Mac, Korean arrives decomposed (NFD); it is stored and shown as NFC.
    event = create_record_set(unicodedata.normalize("NFD", KOREAN), 0, owner)
    for url in [
        event.get_absolute_url(),
        event.talks.get().get_absolute_url(),
        event.papers.get().get_absolute_url(),
        event.booths.get().get_absolute_url(),
        event.notes.get().get_absolute_url(),
        Speaker.objects.get().get_absolute_url(),
        "/notes/",
        "/talks/",
    ]:
        html = client.get(url).content.decode()
        assert KOREAN in html_lib.unescape(html), url
        assert live_markup(html, allowed_tags=PUBLIC_PAGE_TAGS) == [], url


def blns_lines():
    text = BLNS.read_text(encoding="utf-8")
    # Split on newlines only: the list has lines with other line separators inside.
    return [line for line in text.split("\n") if line and not line.startswith("#")]


def batched(items, size):
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


BATCH = 40


def test_blns_lines_in_every_field_leave_no_live_markup(client, db):
    lines = blns_lines()
    assert len(lines) > 400
    owner = UserFactory(username="minji")
    problems, checked, event_pages = {}, 0, []
    for n, batch in enumerate(batched(lines, BATCH)):
        blob = "\n".join(batch)
        event = create_record_set(blob, n, owner)
        # One record per line under the event, so each line is also a title and a name.
        cycle = itertools.cycle(batch)
        for i, line in enumerate(batch):
            talk = Talk.objects.create(
                event=event, title=line[:300], room=next(cycle)[:200], date=event.start_date
            )
            Paper.objects.create(event=event, title=line[:300], authors=next(cycle), talk=talk)
            Booth.objects.create(event=event, organization=line[:200], swag=next(cycle))
            note = Note.objects.create(
                event=event, owner=owner, visibility="public", title=line[:200], body=line
            )
            if name := line.strip()[:100]:
                note.tags.add(name)
            if i == 0:
                talk.set_speakers([SpeakerFactory(name=line[:200], aliases=blob)])
        urls = [event.get_absolute_url()] + [
            record.get_absolute_url()
            for record in (event.notes.first(), event.talks.first(), event.booths.first())
        ]
        urls += [address("talks:speaker_detail", s) for s in Speaker.objects.filter(aliases=blob)]
        for url in urls:
            html = client.get(url).content.decode()
            checked += 1
            if found := live_markup(html, allowed_tags=PUBLIC_PAGE_TAGS):
                problems[url] = found
            if url == event.get_absolute_url():
                event_pages.append(html_lib.unescape(html))
    for name, page in present_pages().items():
        if page.model is None:
            response = client.get(address(name, query="?q=script" if "q" in page.filters else ""))
            assert response.status_code == 200, name
            if not response["Content-Type"].startswith("text/html"):
                continue  # a feed, calendar or BibTeX file: see rendered_pages
            html = response.content.decode()
            checked += 1
            if found := live_markup(html, allowed_tags=PUBLIC_PAGE_TAGS):
                problems[name] = found
    # Tag names are on every event page above; their own pages for the markup-like ones.
    for tag in Tag.objects.filter(name__contains="<")[:20]:
        html = client.get(tag.get_absolute_url()).content.decode()
        if found := live_markup(html, allowed_tags=PUBLIC_PAGE_TAGS):
            problems[tag.get_absolute_url()] = found
    assert problems == {}
    assert checked > len(lines) // BATCH * 4
    # The list's Korean lines come out as they are in the file.
    korean = [line for line in lines if any("\uac00" <= ch <= "\ud7a3" for ch in line)]
    assert len(korean) >= 3
    for line in korean:
        assert any(line in page for page in event_pages), line
