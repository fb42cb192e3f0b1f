"""BibTeX of papers, for reference managers and LaTeX.

Text fields are LaTeX-escaped (R&D → R\\&D); Korean and other non-ASCII text
stays UTF-8, as biber and bibtexu read it. URLs and DOIs are written as they
are, since biblatex reads those fields verbatim. A paper's key is built from
its first author, year, first title word and its id, so it is the same in
every file it appears in.
"""

import re
import unicodedata
from urllib.parse import quote

LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIALS = re.compile("|".join(re.escape(char) for char in LATEX_SPECIALS))
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_KEEP_WHOLE = re.compile(r"\band\b|,", re.IGNORECASE)
_STOP_WORDS = {"a", "an", "the", "on", "of", "in", "for", "and", "to", "with", "via", "from"}


def latex(text):
    """`text` on one line with LaTeX's special characters escaped."""
    text = " ".join((text or "").split())
    if _SPECIALS.search(text) is None:
        return text
    return _SPECIALS.sub(lambda match: LATEX_SPECIALS[match.group()], text)


def verbatim(text):
    """A URL or DOI as a field value: no spaces, and no braces to unbalance the entry."""
    return quote("".join((text or "").split()), safe=":/?#[]@!$&'()*+,;=%~-._")


def _ascii_word(text):
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def cite_key(paper):
    return _cite_key(paper.pk, paper.author_list, paper.title, paper.event.start_date.year)


def _cite_key(pk, authors, title, year):
    last_name = _ascii_word(authors[0].split()[-1]) if authors else ""
    words = (_ascii_word(word) for word in (title or "").split())
    first_word = next((w for w in words if w and w not in _STOP_WORDS), "")
    return f"{last_name or 'paper'}{year}{first_word}-{pk}"


def _author(name):
    # Braces keep a name whole when it holds "and" or a comma (an organisation).
    escaped = latex(name)
    if _KEEP_WHOLE.search(name):
        return "{" + escaped + "}"
    return escaped


def entry(paper):
    """One @inproceedings entry; `paper.event` should be selected with it."""
    return _entry(
        paper.pk,
        paper.title,
        paper.author_list,
        paper.event.name,
        paper.event.start_date,
        paper.get_presentation_display(),
        paper.session,
        paper.url,
        paper.doi,
        paper.arxiv_id,
        paper.venue,
        paper.published_year,
    )


def _entry(
    pk, title, authors, event_name, date, presentation, session, url, doi, arxiv_id, venue, year
):
    # Where it was published, when it says so; else the event where it was seen.
    fields = [
        ("title", latex(title)),
        ("author", " and ".join(_author(name) for name in authors)),
        ("booktitle", latex(venue or event_name)),
        ("year", str(year or date.year)),
    ]
    if session:
        presentation = f"{presentation} {session}"
    fields.append(("note", latex(presentation)))
    if url:
        fields.append(("url", verbatim(url)))
    if doi:
        fields.append(("doi", verbatim(doi)))
    if arxiv_id:
        fields += [
            ("eprint", verbatim(arxiv_id)),
            ("archiveprefix", "arXiv"),
        ]
    lines = [f"@inproceedings{{{_cite_key(pk, authors, title, date.year)},"]
    lines += [f"  {name} = {{{value}}}," for name, value in fields if value]
    # A month is a BibTeX macro, written without braces.
    lines.append(f"  month = {MONTHS[date.month - 1]},")
    lines.append("}")
    return "\n".join(lines) + "\n"


# What `entry` reads of a paper, as one row of a query (papers with their event).
ROW_FIELDS = [
    "pk",
    "title",
    "authors",
    "event__name",
    "event__start_date",
    "presentation",
    "session",
    "url",
    "doi",
    "arxiv_id",
    "venue",
    "published_year",
]


def bibliography(papers):
    """The entries of `papers` (a list, or a query of them), one blank line apart.

    A query is read as rows, not Paper instances, and each presentation kind's
    label is translated once: the BibTeX of every paper is a long list.
    """
    if not hasattr(papers, "values_list"):
        return "\n".join(entry(paper) for paper in papers)
    from talks.models import Paper  # models import nothing from here; keep it that way

    labels = {value: str(label) for value, label in Paper._meta.get_field("presentation").choices}
    entries = []
    for pk, title, authors, booktitle, date, presentation, *rest in papers.values_list(*ROW_FIELDS):
        names = [line.strip() for line in authors.splitlines() if line.strip()]
        label = labels.get(presentation, presentation)
        entries.append(_entry(pk, title, names, booktitle, date, label, *rest))
    return "\n".join(entries)
