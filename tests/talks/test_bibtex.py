"""BibTeX of papers, read back with bibtexparser; LaTeX specials and Korean survive."""

import datetime

import bibtexparser
import pytest
from bibtexparser import middlewares

from talks.bibtex import latex
from tests.factories import EventFactory, PaperFactory, UserFactory
from tests.html_checks import live_markup
from tests.sample_journal import assert_nothing_private

pytestmark = pytest.mark.django_db

VERBATIM = {"url", "doi", "eprint"}
TITLE = "Pruning R&D: 50% of $x_1$ {braces} #1 ~ \\ 트랜스포머 경량화"


def read_bibtex(client, url):
    """The entries of a .bib response as {key: {field: value}}, LaTeX decoded."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    text = response.content.decode()
    assert_nothing_private(text)
    library = bibtexparser.parse_string(
        text,
        append_middleware=[middlewares.SeparateCoAuthors(), middlewares.LatexDecodingMiddleware()],
    )
    assert library.failed_blocks == []
    # URL, DOI and eprint are verbatim fields: read them as written, not LaTeX-decoded.
    raw = {entry.key: entry for entry in bibtexparser.parse_string(text).entries}
    return {
        entry.key: {
            "type": entry.entry_type,
            **{
                name: (raw[entry.key][name] if name in VERBATIM else field.value)
                for name, field in entry.fields_dict.items()
            },
        }
        for entry in library.entries
    }, text


def test_all_papers_bib_holds_public_papers_with_their_fields(client, shared_journal):
    paper = shared_journal["paper"]
    entries, text = read_bibtex(client, "/papers.bib")

    key = f"lovelace2022pruning-{paper.pk}"
    assert list(entries) == [key]
    assert entries[key] == {
        "type": "inproceedings",
        "title": TITLE,
        "author": ["Ada Lovelace", "승현준", "{Research and Development Team}"],
        "booktitle": "NeurIPS 2022",
        "year": "2022",
        "month": "nov",
        "note": "Poster #42",
        "url": "https://openreview.net/forum?id=abc_123&x=1",
        "doi": "10.1234/abc_def",
        "eprint": "2206.09959",
        "archiveprefix": "arXiv",
    }
    # As written: the specials escaped, Korean as it is, URL and DOI verbatim.
    assert (
        "title = {Pruning R\\&D: 50\\% of \\$x\\_1\\$ \\{braces\\} \\#1 \\textasciitilde{} "
        "\\textbackslash{} 트랜스포머 경량화}," in text
    )
    assert "doi = {10.1234/abc_def}," in text


def test_latex_escapes_every_special_character():
    assert latex("a^b ~ c\\d {e} & 100% $5 #1 x_y\n  two lines") == (
        "a\\textasciicircum{}b \\textasciitilde{} c\\textbackslash{}d \\{e\\} \\& 100\\% "
        "\\$5 \\#1 x\\_y two lines"
    )


def test_event_topic_and_paper_bib_files(client, shared_journal):
    paper = shared_journal["paper"]
    key = f"lovelace2022pruning-{paper.pk}"

    for url in ("/events/neurips-2022/papers.bib", "/topics/pruning/papers.bib"):
        entries, _text = read_bibtex(client, url)
        assert list(entries) == [key], url
    entries, _text = read_bibtex(client, f"/papers/{paper.pk}.bib")
    assert entries[key]["title"] == TITLE


def test_private_papers_bib_is_404_even_for_the_owner(client, shared_journal):
    client.force_login(shared_journal["owner"])
    closed_paper = shared_journal["closed_paper"]

    assert client.get(f"/papers/{closed_paper.pk}.bib").status_code == 404
    assert client.get("/events/closed-defence/papers.bib").status_code == 404
    assert client.get("/topics/secret-topic/papers.bib").status_code == 404
    entries, _text = read_bibtex(client, "/papers.bib")
    assert len(entries) == 1


def test_papers_bib_takes_the_paper_lists_filters(client, shared_journal):
    assert read_bibtex(client, "/papers.bib?year=2021")[0] == {}
    assert len(read_bibtex(client, "/papers.bib?tag=pruning&presentation=poster")[0]) == 1
    response = client.get("/papers.bib?year=abc")
    assert response.status_code == 400
    assert response.content.decode() == "Enter a whole number."


def test_paper_page_shows_its_bibtex_to_copy(client, shared_journal):
    paper = shared_journal["paper"]

    response = client.get(f"/papers/{paper.pk}/")

    html = response.content.decode()
    assert "<h2>Cite</h2>" in html
    assert f"<pre>@inproceedings{{lovelace2022pruning-{paper.pk}," in html
    assert "title = {Pruning R\\&amp;D: 50\\% of" in html  # HTML-escaped in the page
    assert f'<a href="/papers/{paper.pk}.bib">Download BibTeX</a>' in html
    assert live_markup(html) == []


def test_korean_only_author_and_title_get_an_ascii_key(client):
    paper = PaperFactory(
        event=EventFactory(start_date=datetime.date(2023, 9, 5), owner=UserFactory()),
        title="트랜스포머 경량화",
        authors="승현준",
    )

    entries, _text = read_bibtex(client, f"/papers/{paper.pk}.bib")

    assert list(entries) == [f"paper2023-{paper.pk}"]
    assert entries[f"paper2023-{paper.pk}"]["author"] == ["승현준"]


def build_papers(size):
    owner = UserFactory(username="owner")
    event = EventFactory(slug="event", owner=owner)
    for i in range(size):
        PaperFactory(event=event, title=f"Paper {i}").tags.add("topic")


@pytest.mark.parametrize("size", [2, 6])
@pytest.mark.parametrize(
    # Each with the journal version for its ETag first.
    ("url", "queries"),
    [("/papers.bib", 2), ("/events/event/papers.bib", 3), ("/topics/topic/papers.bib", 3)],
)
def test_bibtex_query_count_does_not_grow(client, django_assert_num_queries, size, url, queries):
    build_papers(size)

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.content.decode().count("@inproceedings") == size
