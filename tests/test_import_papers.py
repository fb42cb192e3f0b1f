"""Papers from BibTeX: a Zotero-style export and a Google Scholar "cite" entry into an
event, by the command and by the event's admin page."""

import datetime
import io

import bibtexparser
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from talks.models import Paper
from tests import factories as make

pytestmark = pytest.mark.django_db

# The shapes Zotero (Better BibTeX) and Google Scholar write: LaTeX accents and braces,
# "Last, First" names, a DOI as a URL, an arXiv preprint as a journal, keywords.
LIBRARY = r"""
@inproceedings{muller_pruning_2022,
  title = {{BERT} Pruning at {NeurIPS}: {M}{\"u}ller's Lottery},
  author = {M{\"u}ller, Klaus-Robert and Seung, Sebastian and {Samsung Research}},
  booktitle = {Advances in {Neural} {Information} {Processing} {Systems}},
  year = {2022},
  doi = {https://doi.org/10.5555/3600270.3601234},
  url = {https://openreview.net/forum?id=abc123},
  abstract = {We prune {BERT}. 트랜스포머 경량화.},
  keywords = {pruning; 경량화},
}

@article{hinton2022forward,
  title={The forward-forward algorithm: Some preliminary investigations},
  author={Hinton, Geoffrey},
  journal={arXiv preprint arXiv:2212.13345},
  year={2022}
}

@inproceedings{kim2023korean,
  title = {트랜스포머 경량화 연구},
  author = {김민지 and 승현준},
  booktitle = {한국정보과학회 학술발표논문집},
  year = {2023},
}
"""

BROKEN = r"""
@misc{no_title_2022,
  author = {Lee, Daniel},
  year = {2022},
}

@article{unfinished,
  title = {Never closed
"""


@pytest.fixture
def neurips(db):
    return make.EventFactory(
        name="NeurIPS 2022",
        slug="neurips-2022",
        start_date=datetime.date(2022, 11, 28),
        visibility="public",
    )


def run(tmp_path, text, *args):
    path = tmp_path / "library.bib"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_bibtex", str(path), "--event", "neurips-2022", *args, stdout=out)
    return out.getvalue()


def test_a_bibtex_library_becomes_the_events_papers(tmp_path, neurips):
    out = run(tmp_path, LIBRARY)

    assert out.splitlines()[0] == (
        "Imported BibTeX into NeurIPS 2022: 3 new papers, 0 updated, 0 unchanged."
    )
    pruning = Paper.objects.get(doi="10.5555/3600270.3601234")
    assert pruning.title == "BERT Pruning at NeurIPS: Müller's Lottery"
    assert pruning.author_list == ["Klaus-Robert Müller", "Sebastian Seung", "Samsung Research"]
    assert (pruning.published_year, pruning.venue) == (
        2022,
        "Advances in Neural Information Processing Systems",
    )
    assert pruning.url == "https://openreview.net/forum?id=abc123"
    assert pruning.abstract == "We prune BERT. 트랜스포머 경량화."
    assert sorted(tag.name for tag in pruning.tags.all()) == ["pruning", "경량화"]
    forward = Paper.objects.get(arxiv_id="2212.13345")
    assert forward.author_list == ["Geoffrey Hinton"] and forward.event == neurips
    korean = Paper.objects.get(title="트랜스포머 경량화 연구")
    assert (
        korean.author_list == ["김민지", "승현준"]
        and korean.venue == "한국정보과학회 학술발표논문집"
    )


def test_the_same_papers_again_are_updated_not_added(tmp_path, neurips):
    run(tmp_path, LIBRARY)
    assert "0 new papers, 0 updated, 3 unchanged" in run(tmp_path, LIBRARY)
    # The same paper by DOI under a corrected title; another by its title, cased otherwise.
    again = LIBRARY.replace("Müller's Lottery", "Müller's Lottery, Revisited").replace(
        "{M}{\\\"u}ller's Lottery", "{M}{\\\"u}ller's Lottery (revised)"
    )
    again = again.replace("The forward-forward algorithm", "THE FORWARD-FORWARD ALGORITHM")
    out = run(tmp_path, again)
    assert "0 new papers, 2 updated, 1 unchanged" in out
    assert Paper.objects.count() == 3
    assert Paper.objects.get(doi="10.5555/3600270.3601234").title.endswith("(revised)")


def test_a_broken_entry_is_named_and_nothing_is_written(tmp_path, neurips):
    with pytest.raises(CommandError) as error:
        run(tmp_path, LIBRARY + BROKEN)
    assert str(error.value) == (
        "library.bib: no_title_2022 (line 27): no title (and 1 more); nothing was imported "
        "(--skip-bad imports the rest)."
    )
    assert not Paper.objects.exists()

    out = run(tmp_path, LIBRARY + BROKEN, "--skip-bad")
    assert "3 new papers, 0 updated, 0 unchanged, 2 broken entries skipped" in out
    assert "! skipped: unfinished (line 32): not a BibTeX entry that reads" in out
    assert Paper.objects.count() == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "library.bib: The file holds no BibTeX entries."),
        (b"just some words", "library.bib: The file holds no BibTeX entries."),
        (b"\xff\xfe@article{x,", "library.bib: the file is not UTF-8 text."),
    ],
)
def test_a_file_that_is_no_bibliography_is_a_one_line_error(tmp_path, neurips, content, message):
    path = tmp_path / "library.bib"
    path.write_bytes(content)
    with pytest.raises(CommandError) as error:
        call_command("import_bibtex", str(path), "--event", "neurips-2022", stdout=io.StringIO())
    assert str(error.value) == message
    assert not Paper.objects.exists()


def test_a_dry_run_writes_nothing(tmp_path, neurips):
    out = run(tmp_path, LIBRARY, "--dry-run")
    assert out.startswith("Dry run of BibTeX into NeurIPS 2022 (nothing written): 3 new papers")
    assert "+ new: 트랜스포머 경량화 연구" in out
    assert not Paper.objects.exists()


def test_imported_papers_go_out_as_bibtex_with_their_venue(client, tmp_path, neurips):
    run(tmp_path, LIBRARY)
    text = client.get("/events/neurips-2022/papers.bib").content.decode()
    entries = {e["title"]: e for e in bibtexparser.parse_string(text).entries}
    pruning = entries["BERT Pruning at NeurIPS: Müller's Lottery"]
    assert pruning["booktitle"] == "Advances in Neural Information Processing Systems"
    assert pruning["year"] == "2022"
    assert entries["트랜스포머 경량화 연구"]["year"] == "2023"
    page = client.get(Paper.objects.get(published_year=2023).get_absolute_url()).content.decode()
    assert "Published in 한국정보과학회 학술발표논문집, 2023" in page


def test_the_event_admin_page_imports_pasted_bibtex(admin_client, neurips):
    url = f"/admin/events/event/{neurips.pk}/import-papers/"
    html = admin_client.get(f"/admin/events/event/{neurips.pk}/change/").content.decode()
    assert f'href="{url}">Import papers</a>' in html
    assert "Choose a BibTeX file or paste its text." in admin_client.post(url, {}).content.decode()

    preview = admin_client.post(url, {"text": LIBRARY, "dry_run": "on"}).content.decode()
    assert "3 new papers" in preview and not Paper.objects.exists()

    response = admin_client.post(url, {"text": LIBRARY}, follow=True)
    assert response.redirect_chain == [(f"/admin/talks/paper/?event__id__exact={neurips.pk}", 302)]
    assert "Imported BibTeX into NeurIPS 2022: 3 new papers" in response.content.decode()
    assert Paper.objects.filter(event=neurips).count() == 3


def test_the_event_admin_page_shows_a_broken_file_on_the_form(admin_client, neurips):
    url = f"/admin/events/event/{neurips.pk}/import-papers/"
    upload = SimpleUploadedFile("library.bib", (LIBRARY + BROKEN).encode())
    html = admin_client.post(url, {"file": upload}).content.decode()
    assert "no_title_2022 (line 27): no title (and 1 more)" in html
    assert not Paper.objects.exists()
