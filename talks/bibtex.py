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
_STOP_WORDS = {"a", "an", "the", "on", "of", "in", "for", "and", "to", "with", "via", "from"}


def latex(text):
    """`text` on one line with LaTeX's special characters escaped."""
    text = " ".join((text or "").split())
    return _SPECIALS.sub(lambda match: LATEX_SPECIALS[match.group()], text)


def verbatim(text):
    """A URL or DOI as a field value: no spaces, and no braces to unbalance the entry."""
    return quote("".join((text or "").split()), safe=":/?#[]@!$&'()*+,;=%~-._")


def _ascii_word(text):
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def cite_key(paper):
    authors = paper.author_list
    last_name = _ascii_word(authors[0].split()[-1]) if authors else ""
    words = [_ascii_word(word) for word in (paper.title or "").split()]
    first_word = next((w for w in words if w and w not in _STOP_WORDS), "")
    return f"{last_name or 'paper'}{paper.event.start_date.year}{first_word}-{paper.pk}"


def _author(name):
    # Braces keep a name whole when it holds "and" or a comma (an organisation).
    escaped = latex(name)
    if re.search(r"\band\b|,", name, re.IGNORECASE):
        return "{" + escaped + "}"
    return escaped


def entry(paper):
    """One @inproceedings entry; `paper.event` should be selected with it."""
    fields = [
        ("title", latex(paper.title)),
        ("author", " and ".join(_author(name) for name in paper.author_list)),
        ("booktitle", latex(paper.event.name)),
        ("year", str(paper.event.start_date.year)),
    ]
    presentation = paper.get_presentation_display()
    if paper.session:
        presentation = f"{presentation} {paper.session}"
    fields.append(("note", latex(presentation)))
    if paper.url:
        fields.append(("url", verbatim(paper.url)))
    if paper.doi:
        fields.append(("doi", verbatim(paper.doi)))
    if paper.arxiv_id:
        fields += [
            ("eprint", verbatim(paper.arxiv_id)),
            ("archiveprefix", "arXiv"),
        ]
    lines = [f"@inproceedings{{{cite_key(paper)},"]
    lines += [f"  {name} = {{{value}}}," for name, value in fields if value]
    # A month is a BibTeX macro, written without braces.
    lines.append(f"  month = {MONTHS[paper.event.start_date.month - 1]},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def bibliography(papers):
    """The entries of `papers`, one blank line apart."""
    return "\n".join(entry(paper) for paper in papers)
