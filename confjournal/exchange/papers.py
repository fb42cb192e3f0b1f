"""Papers from a BibTeX file into one event: a Zotero or Google Scholar export, or a
paper's "cite" box.

bibtexparser reads the file (its middlewares decode LaTeX with pylatexenc, `{\\"u}` ->
ü, `{BERT}` -> BERT, and split the authors into "First Last" names in order). Each
entry gives a paper's title, authors, year, venue (booktitle or journal), DOI, arXiv
id, URL, abstract and keywords (as topics). A paper the event already holds (same DOI,
same arXiv id, or the same title once case, spaces and punctuation are set aside) is
updated, not added again. A broken entry is named by its key and line; by default then
nothing is written, with `skip_bad` the rest comes in.
"""

import re
import unicodedata
from dataclasses import dataclass, field

import bibtexparser
from bibtexparser.middlewares import (
    LatexDecodingMiddleware,
    MergeNameParts,
    SeparateCoAuthors,
    SplitNameParts,
)
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from confjournal.core.text import nfc
from talks.models import Paper

MAX_BYTES = 5 * 1024 * 1024
ARXIV = re.compile(r"(\d{4}\.\d{4,5}(?:v\d+)?)")
DOI = re.compile(r"(10\.\d{4,9}/\S+)")


class BibtexError(Exception):
    """A file that cannot be imported: one line saying why."""


@dataclass
class PaperEntry:
    key: str
    line: int
    title: str
    authors: list
    year: int | None = None
    venue: str = ""
    doi: str = ""
    arxiv_id: str = ""
    url: str = ""
    abstract: str = ""
    keywords: list = field(default_factory=list)


@dataclass
class Problem:
    key: str
    line: int
    reason: str

    def __str__(self):
        return _("%(key)s (line %(line)d): %(reason)s") % {
            "key": self.key or "?",
            "line": self.line,
            "reason": self.reason,
        }


def parse_bibtex(text):
    """(entries, problems) of a BibTeX text."""
    if len(text.encode()) > MAX_BYTES:
        raise BibtexError(_("The file is over 5 MB: that is not a bibliography to import."))
    library = bibtexparser.parse_string(
        text,
        append_middleware=[
            LatexDecodingMiddleware(),
            SeparateCoAuthors(),
            SplitNameParts(),
            MergeNameParts(style="first"),
        ],
    )
    problems = [
        Problem(_key_of(block.raw), block.start_line + 1, _("not a BibTeX entry that reads"))
        for block in library.failed_blocks
    ]
    entries = []
    for entry in library.entries:
        found = _paper_entry(entry)
        if isinstance(found, Problem):
            problems.append(found)
        else:
            entries.append(found)
    if not entries and not problems:
        raise BibtexError(_("The file holds no BibTeX entries."))
    return entries, sorted(problems, key=lambda problem: problem.line)


def _key_of(raw):
    match = re.match(r"\s*@\w+\s*[{(]\s*([^,\s]+)", raw or "")
    return match.group(1) if match else ""


def _text(value):
    """A field's value as one line of NFC text, without the braces LaTeX keeps."""
    if isinstance(value, list):
        value = ", ".join(str(item) for item in value)
    return " ".join(nfc(str(value or "")).replace("{", "").replace("}", "").split())


def _paper_entry(entry):
    fields = {name.lower(): item.value for name, item in entry.fields_dict.items()}
    line = entry.start_line + 1
    title = _text(fields.get("title"))[: Paper._meta.get_field("title").max_length]
    if not title:
        return Problem(entry.key, line, _("no title"))
    authors = fields.get("author") or []
    if isinstance(authors, str):
        authors = [authors]
    year = _text(fields.get("year"))
    doi = DOI.search(_text(fields.get("doi")))
    eprint = " ".join(
        _text(fields.get(name)) for name in ("eprint", "arxiv", "journal", "url", "note")
    )
    arxiv = ARXIV.search(eprint) if "arxiv" in eprint.lower() or fields.get("eprint") else None
    url = _text(fields.get("url"))
    return PaperEntry(
        key=entry.key,
        line=line,
        title=title,
        authors=[_text(name) for name in authors if _text(name)],
        year=int(year) if year.isdigit() and 1000 <= int(year) <= 9999 else None,
        venue=_text(fields.get("booktitle") or fields.get("journal"))[:300],
        doi=doi.group(1).rstrip(".,;")[:200] if doi else "",
        arxiv_id=arxiv.group(1) if arxiv else "",
        url=url if url.startswith(("https://", "http://")) else "",
        abstract=nfc(str(fields.get("abstract") or "")).strip(),
        keywords=[
            _text(word)[:100]
            for word in re.split(r"[,;]", _text(fields.get("keywords")))
            if _text(word)
        ],
    )


def title_key(title):
    """A title as compared: NFC, case-folded, letters and digits only."""
    folded = unicodedata.normalize("NFC", title or "").casefold()
    return "".join(char for char in folded if char.isalnum())


@dataclass
class PapersReport:
    event: object
    dry_run: bool = False
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: int = 0
    skipped: list = field(default_factory=list)  # Problems

    def summary(self):
        head = (
            _("Dry run of BibTeX into %(event)s (nothing written)")
            if self.dry_run
            else _("Imported BibTeX into %(event)s")
        ) % {"event": self.event.name}
        parts = [
            ngettext("%(n)d new paper", "%(n)d new papers", len(self.created))
            % {"n": len(self.created)},
            ngettext("%(n)d updated", "%(n)d updated", len(self.updated))
            % {"n": len(self.updated)},
            ngettext("%(n)d unchanged", "%(n)d unchanged", self.unchanged) % {"n": self.unchanged},
        ]
        if self.skipped:
            parts.append(
                ngettext(
                    "%(n)d broken entry skipped", "%(n)d broken entries skipped", len(self.skipped)
                )
                % {"n": len(self.skipped)}
            )
        return f"{head}: " + ", ".join(parts) + "."

    def details(self):
        lines = [_("+ new: %(title)s") % {"title": title} for title in self.created]
        lines += [_("~ updated: %(title)s") % {"title": title} for title in self.updated]
        lines += [_("! skipped: %(problem)s") % {"problem": problem} for problem in self.skipped]
        return lines


def import_papers(event, entries, problems=(), *, dry_run=False, skip_bad=False):
    """Add or update `event`'s papers from `entries`, in one transaction.

    With problems and not `skip_bad`, raises BibtexError naming the first and writes
    nothing.
    """
    if problems and not skip_bad:
        more = len(problems) - 1
        raise BibtexError(
            str(problems[0])
            + (
                ngettext(" (and %(n)d more)", " (and %(n)d more)", more) % {"n": more}
                if more
                else ""
            )
            + _("; nothing was imported (--skip-bad imports the rest).")
        )
    report = PapersReport(event=event, dry_run=dry_run, skipped=list(problems))
    with transaction.atomic():
        papers = list(event.papers.prefetch_related("tags"))  # not a query per paper
        by_doi = {p.doi.lower(): p for p in papers if p.doi}
        by_arxiv = {p.arxiv_id.split("v")[0]: p for p in papers if p.arxiv_id}
        by_title = {title_key(p.title): p for p in papers}
        for entry in entries:
            paper = (
                (entry.doi and by_doi.get(entry.doi.lower()))
                or (entry.arxiv_id and by_arxiv.get(entry.arxiv_id.split("v")[0]))
                or by_title.get(title_key(entry.title))
            )
            values = {
                "title": entry.title,
                "authors": "\n".join(entry.authors),
                "published_year": entry.year,
                "venue": entry.venue,
                "doi": entry.doi,
                "arxiv_id": entry.arxiv_id,
                "url": entry.url,
                "abstract": entry.abstract,
            }
            if paper is None:
                paper = Paper.objects.create(event=event, **values)
                report.created.append(paper.title)
                by_title[title_key(paper.title)] = paper
            else:
                # What the file leaves empty keeps what the journal has.
                changed = {
                    name: value
                    for name, value in values.items()
                    if value not in ("", None) and getattr(paper, name) != value
                }
                for name, value in changed.items():
                    setattr(paper, name, value)
                if changed:
                    paper.save(update_fields=list(changed))
                new_topics = set(entry.keywords) - {tag.name for tag in paper.tags.all()}
                if changed or new_topics:
                    report.updated.append(paper.title)
                else:
                    report.unchanged += 1
            if entry.keywords:
                paper.tags.add(*entry.keywords)
        if dry_run:
            transaction.set_rollback(True)
    return report
