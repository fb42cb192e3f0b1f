import hashlib

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView

from confjournal.core.listing import (
    EVENT_RECORD_LOOKUPS,
    FilteredListView,
    NoFilterForm,
    TagYearFilterForm,
    first,
    newest_events_first,
)
from confjournal.core.tagging import prefetch_topics
from confjournal.web.conditional import journal_conditional
from confjournal.web.pagecache import Section, viewer_key
from events.models import Booth, Event, Photo, Tag, attach_topics, taggings_of
from talks import bibtex, recap
from talks.forms import PaperFilterForm, TalkFilterForm
from talks.models import (
    Note,
    Paper,
    Speaker,
    Talk,
    TalkSpeaker,
    visible_topics,
)


class TalkListView(FilteredListView):
    template_name = "talks/talk_list.html"
    filter_form_class = TalkFilterForm
    filter_lookups = {"kind": "kind", **EVENT_RECORD_LOOKUPS}
    context_object_name = "talks"
    sort_options = {
        "date": (gettext_lazy("Date"), ()),
        "title": (gettext_lazy("Title"), ("title", "id")),
    }

    def base_queryset(self):
        return (
            newest_events_first(
                Talk.objects.visible_to(self.request.user).attended(), *Talk._meta.ordering
            )
            .select_related("event__parent")
            .with_speakers()
            .prefetch_related(prefetch_topics())
        )


def visible_photos(user):
    """The photos a talk, paper or note shows, as `visible_photos`: only those `user` may see."""
    photos = Photo.objects.visible_to(user).for_display()
    return Prefetch("photos", queryset=photos, to_attr="visible_photos")


class TalkDetailView(DetailView):
    template_name = "talks/talk_detail.html"
    context_object_name = "talk"

    def get_queryset(self):
        return (
            Talk.objects.visible_to(self.request.user)
            .select_related("event__parent")
            .with_speakers()
            .prefetch_related(prefetch_topics(), visible_photos(self.request.user))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["notes"] = self.object.notes.visible_to(user).for_display()
        context["papers"] = self.object.papers.visible_to(user).prefetch_related(prefetch_topics())
        return context


class PaperListView(FilteredListView):
    template_name = "talks/paper_list.html"
    filter_form_class = PaperFilterForm
    filter_lookups = {"presentation": "presentation", **EVENT_RECORD_LOOKUPS}
    context_object_name = "papers"
    sort_options = {
        "year": (gettext_lazy("Year"), ()),
        "title": (gettext_lazy("Title"), ("title", "id")),
    }

    def base_queryset(self):
        return (
            newest_events_first(Paper.objects.visible_to(self.request.user), "title", "id")
            .select_related("event__parent")
            .prefetch_related(prefetch_topics())
        )


class PaperDetailView(DetailView):
    template_name = "talks/paper_detail.html"
    context_object_name = "paper"

    def get_queryset(self):
        return (
            Paper.objects.visible_to(self.request.user)
            .select_related("event__parent", "talk")
            .prefetch_related(prefetch_topics(), visible_photos(self.request.user))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["notes"] = self.object.notes.visible_to(self.request.user).for_display()
        context["bibtex"] = bibtex.entry(self.object)
        return context


class NoteListView(FilteredListView):
    template_name = "talks/note_list.html"
    filter_form_class = TagYearFilterForm
    filter_lookups = EVENT_RECORD_LOOKUPS
    context_object_name = "notes"
    sort_options = {
        "newest": (gettext_lazy("Newest"), ()),
        "oldest": (gettext_lazy("Oldest"), ("created_at", "id")),
    }

    def base_queryset(self):
        return Note.objects.visible_to(self.request.user).for_display()


class NoteDetailView(DetailView):
    template_name = "talks/note_detail.html"
    context_object_name = "note"

    def get_queryset(self):
        user = self.request.user
        return Note.objects.visible_to(user).for_display().prefetch_related(visible_photos(user))


# What the speaker list reads: who spoke at which talks, at which events.
SPEAKER_LIST_TABLES = [Speaker, TalkSpeaker, Talk, Event]


class SpeakerListView(FilteredListView):
    template_name = "talks/speaker_list.html"
    context_object_name = "speakers"
    # A directory of one line a name, read and searched in the page (pretalx's own lists
    # show 200-250): eight pages for 1,500 speakers rather than thirty.
    paginate_by = 200
    filter_form_class = NoFilterForm
    # By name only: sorting by number of talks counts every speaker's talks through
    # the gate to show one page; /stats/ charts the speakers heard most.
    # ?sort=name is kept for old links; any other sort is a 400 like on every list.
    sort_options = {"name": (gettext_lazy("Name"), ())}

    def base_queryset(self):
        user = self.request.user
        # EXISTS stops at a speaker's first attended talk; filtering on the count instead
        # would count every talk of every speaker to show 50.
        return (
            Speaker.objects.visible_to(user, heard=True)
            .with_talk_counts(user)
            .order_by("name", "id")
        )

    def get_context_data(self, **kwargs):
        # The list and its page links are kept until a speaker, talk or event is written:
        # counting a page's talks through the gate is most of the page's time.
        request = self.request
        asked = hashlib.sha1(request.GET.urlencode().encode(), usedforsecurity=False)
        section = Section(
            f"speaker-list:{viewer_key(request.user)}:{asked.hexdigest()}",
            SPEAKER_LIST_TABLES,
        )
        kept = None if self.page_error else section.get()
        if kept is not None:
            self.paginate_by = None  # the kept list has its page links: nothing is read
            context = super().get_context_data(object_list=self.object_list.none(), **kwargs)
            context["speaker_list"] = kept
            return context
        context = super().get_context_data(**kwargs)
        html = render_to_string("talks/speaker_list_body.html", context, request)
        context["speaker_list"] = html if self.page_error else section.keep(html)
        return context


def speaker_record_tables():
    """What a speaker's page lists: their talks (with every speaker), events, and the notes
    on them (on a talk, paper or booth, by their authors), with the topics of both."""
    records = [Speaker, TalkSpeaker, Talk, Event, Note, Paper, Booth, get_user_model()]
    return [*records, taggings_of(Talk), taggings_of(Note), Tag]


class SpeakerDetailView(DetailView):
    """One speaker, every talk of theirs across events and years."""

    template_name = "talks/speaker_detail.html"
    context_object_name = "speaker"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Speaker.objects.visible_to(self.request.user), slug=self.kwargs["slug"]
        )

    notes_shown = 20  # then a link to all of them in search

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, speaker = self.request.user, self.object
        # The talks and notes are kept until one of them, their events, speakers, authors
        # or topics is written.
        section = Section(
            f"speaker-records:{speaker.pk}:{viewer_key(user)}",
            speaker_record_tables(),
        )
        context["speaker_records"] = section.cached(
            lambda: render_to_string(
                "talks/speaker_records.html", self.records(user, speaker), self.request
            )
        )
        return context

    def records(self, user, speaker):
        context = {"speaker": speaker}
        context["talks"] = list(
            speaker.talks.visible_to(user)
            .attended()
            .select_related("event__parent")
            .with_speakers()
            .order_by("-event__start_date", *Talk._meta.ordering)
        )
        notes = (
            Note.objects.visible_to(user)
            .filter(talk__speakers=speaker)
            .for_display()
            .prefetch_related(None)
        )
        context["notes"], context["more_notes"] = first(notes, self.notes_shown)
        attach_topics(context["talks"], context["notes"])
        return context


# Exports for others: BibTeX and the recap are made for an anonymous visitor,
# whoever asks, so they never hold anything private.
PUBLIC = AnonymousUser()


def text_response(body, content_type, filename):
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


def public_papers():
    return (
        Paper.objects.visible_to(PUBLIC)
        .select_related("event__parent")
        .order_by("-event__start_date", "title", "id")
    )


def bibtex_response(papers, filename):
    return text_response(bibtex.bibliography(papers), "application/x-bibtex", filename)


@journal_conditional
def papers_bib(request):
    """BibTeX of the public papers, with the paper list's filters."""
    filters = PaperFilterForm(request.GET)
    if not filters.is_valid():
        errors = " ".join(str(e) for errors in filters.errors.values() for e in errors)
        return HttpResponse(errors, content_type="text/plain; charset=utf-8", status=400)
    papers = PaperListView().filter_queryset(public_papers(), filters.cleaned_data)
    return bibtex_response(papers, "papers.bib")


@journal_conditional
def paper_bib(request, pk):
    paper = get_object_or_404(public_papers(), pk=pk)
    return bibtex_response([paper], f"{bibtex.cite_key(paper)}.bib")


@journal_conditional
def event_papers_bib(request, slug):
    event = get_object_or_404(Event.objects.visible_to(PUBLIC), slug=slug)
    papers = (
        event.family_records("papers", PUBLIC)
        .select_related("event__parent")
        .order_by("title", "id")
    )
    return bibtex_response(papers, f"{event.slug}.bib")


@journal_conditional
def topic_papers_bib(request, slug):
    topic = get_object_or_404(visible_topics(PUBLIC, one=True), slug=slug)
    return bibtex_response(public_papers().filter(tags=topic), f"{topic.slug}.bib")


@journal_conditional
def event_recap(request, slug):
    """The public recap of an event, in Markdown, to paste into a blog post."""
    event = get_object_or_404(Event.objects.visible_to(PUBLIC).select_related("parent"), slug=slug)
    text = recap.event_recap(event, absolute=request.build_absolute_uri)
    return text_response(text, "text/plain", f"{event.slug}.md")
