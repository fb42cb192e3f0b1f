"""A Markdown recap of one event, ready to paste into a blog post.

The event, its days, the talks attended (by day, with speakers), the papers
with their links, the booths and the notes, in that order. What goes in is
what `visible_to(viewer)` gives; the public recap is made for an anonymous
viewer, and the owner's recap in the admin adds the viewer's own private
notes (never anyone else's).
"""

import re

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _

from confjournal.core.visibility import Visibility
from events.models import Event
from talks.models import Talk

_INLINE_SPECIALS = str.maketrans(
    {
        "\\": "\\\\",
        "`": "\\`",
        "*": "\\*",
        "_": "\\_",
        "[": "\\[",
        "]": "\\]",
        "<": "&lt;",
        "&": "&amp;",
    }
)


def inline(text):
    """Plain text as Markdown that shows it as it is: one line, specials escaped.

    Only what both CommonMark and Python-Markdown treat alike is escaped, so
    the recap reads the same whatever blog engine renders it.
    """
    return " ".join((text or "").split()).translate(_INLINE_SPECIALS)


def link(text, url):
    return f"[{inline(text)}](<{url}>)" if url else inline(text)


def _date(value):
    return formats.date_format(value, "DATE_FORMAT")


def event_dates(event):
    if event.start_date == event.end_date:
        return _date(event.start_date)
    return f"{_date(event.start_date)} \N{EN DASH} {_date(event.end_date)}"


def event_recap(event, viewer=None, absolute=lambda url: url):
    """The recap of `event` as Markdown text.

    `viewer=None` makes the public recap. With a viewer, records are those
    they may see, and notes are the public ones plus their own private ones.
    `absolute` turns a path on this site into a full URL.
    """
    viewer = viewer or AnonymousUser()
    lines = [f"# {inline(event.full_name)}", ""]
    place = ", ".join(part for part in (event.venue, event.city, event.country.name) if part)
    meta = [event_dates(event), place, event.get_kind_display()]
    if event.role != Event.Role.ATTENDEE:
        meta.append(_("my role: %(role)s") % {"role": event.get_role_display()})
    lines += [" · ".join(inline(part) for part in meta if part), ""]
    if event.website:
        lines += [f"<{event.website}>", ""]
    if event.summary:
        lines += [event.summary.strip(), ""]

    children = list(
        Event.objects.visible_to(viewer).filter(parent=event).order_by("start_date", "name")
    )
    if children:
        lines += [f"## {_('Days and side events')}", ""]
        lines += [
            f"- {link(child.name, absolute(child.get_absolute_url()))} ({event_dates(child)})"
            for child in children
        ]
        lines.append("")

    talks = (
        event.family_records("talks", viewer)
        .attended()
        .select_related("event")
        .order_by(*Talk._meta.ordering)  # as the event page: by day and time, untimed last
        .list_with_speakers()
    )
    if talks:
        lines += [f"## {_('Talks')}", ""]
        day = object()
        for talk in talks:
            if talk.date != day:
                if lines[-1] != "":
                    lines.append("")
                day = talk.date
                lines += [f"### {_date(day) if day else _('Date not noted')}", ""]
            lines.append(f"- {talk_line(talk, absolute)}")
        lines.append("")

    papers = list(
        event.family_records("papers", viewer).select_related("event").order_by("title", "id")
    )
    if papers:
        lines += [f"## {_('Papers')}", ""]
        lines += [f"- {_paper_line(paper, absolute)}" for paper in papers]
        lines.append("")

    booths = list(
        event.family_records("booths", viewer)
        .select_related("event")
        .order_by("organization", "id")
    )
    if booths:
        lines += [f"## {_('Booths')}", ""]
        lines += [f"- {_booth_line(booth)}" for booth in booths]
        lines.append("")

    notes = (
        event.family_records("notes", viewer)
        .filter(Q(visibility=Visibility.PUBLIC) | Q(owner=viewer.pk))
        .select_related("talk", "paper", "booth", "owner")
        .order_by("created_at", "id")
    )
    for index, note in enumerate(notes):
        if index == 0:
            lines += [f"## {_('Notes')}", ""]
        lines += note_block(note, absolute)

    return "\n".join(lines).rstrip() + "\n"


def talk_line(talk, absolute):
    parts = [f"**{link(talk.title, absolute(talk.get_absolute_url()))}**"]
    speakers = ", ".join(inline(speaker.name) for speaker in talk.speaker_list)
    if speakers:
        parts.append(f"— {speakers}")
    details = []
    if talk.start_time:
        details.append(talk.start_time.strftime("%H:%M"))
    if talk.room:
        details.append(inline(talk.room))
    details.append(inline(talk.get_kind_display()))
    if talk.is_mine:
        details.append(_("my talk"))
    if talk.rating:
        details.append(_("rated %(n)d/5") % {"n": talk.rating})
    parts.append(f"({', '.join(details)})")
    return " ".join(parts)


def _paper_line(paper, absolute):
    parts = [f"**{link(paper.title, absolute(paper.get_absolute_url()))}**"]
    if paper.author_list:
        parts.append(f"— {inline(', '.join(paper.author_list))}.")
    presentation = paper.get_presentation_display()
    if paper.session:
        presentation += f" {paper.session}"
    parts.append(inline(presentation) + ".")
    links = [
        link(label, url)
        for label, url in (
            (_("paper page"), paper.url),
            (f"arXiv:{paper.arxiv_id}", paper.arxiv_url),
            (f"doi:{paper.doi}", paper.doi_url),
        )
        if url
    ]
    if links:
        parts.append(" · ".join(links))
    return " ".join(parts)


def _booth_line(booth):
    text = f"**{inline(booth.organization)}**"
    if booth.location:
        text += f" ({inline(booth.location)})"
    details = [inline(booth.showcase).rstrip(".")] if booth.showcase else []
    if booth.swag:
        details.append(_("Swag: %(swag)s") % {"swag": inline(booth.swag).rstrip(".")})
    if details:
        text += " — " + ". ".join(details) + "."
    return text


def note_block(note, absolute):
    title = note.title or _("Note")
    block = [f"### {inline(title)}", ""]
    meta = [inline(note.owner.get_full_name() or note.owner.get_username())]
    subject = note.subject
    if subject is not None:
        url = absolute(subject.get_absolute_url())
        meta.insert(0, _("on %(subject)s") % {"subject": link(str(subject), url)})
    block += [f"*{' · '.join(meta)}*", "", demote_headings(note.body.strip(), below=3), ""]
    return block


ATX_HEADING = re.compile(r"^( {0,3})(#{1,6})(?=[ \t]|$)")
SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def demote_headings(markdown, below):
    """A note's own headings moved under the recap's `below` levels ("## a" -> "##### a",
    at most six), outside code fences; setext headings ("a" over "===") too."""
    lines, fence, out = markdown.splitlines(), None, []
    for line in lines:
        opened = FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            out.append(line)
        elif opened:
            fence = opened.group(1)
            out.append(line)
        elif (match := ATX_HEADING.match(line)) is not None:
            level = min(len(match.group(2)) + below, 6)
            out.append(match.group(1) + "#" * level + line[match.end() :])
        elif SETEXT_UNDERLINE.match(line) and out and out[-1].strip():
            level = min((1 if line.strip()[0] == "=" else 2) + below, 6)
            out[-1] = "#" * level + " " + out[-1].strip()
        else:
            out.append(line)
    return "\n".join(out)
