from django.contrib.auth.models import AnonymousUser
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView

from confjournal import search as search_backend
from confjournal.conditional import journal_conditional
from confjournal.listing import (
    EVENT_RECORD_LOOKUPS,
    FilteredListView,
    NoFilterForm,
    TagYearFilterForm,
    prefetch_speakers,
    prefetch_tags,
)
from events.models import Booth, Event, Photo
from talks import bibtex, recap
from talks import search as journal_search
from talks.forms import PaperFilterForm, SearchForm, TalkFilterForm
from talks.models import (
    Note,
    Paper,
    Speaker,
    Talk,
    listed_topics,
    topic_usage,
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
            Talk.objects.visible_to(self.request.user)
            .attended()
            .select_related("event")
            .with_speakers()
            .prefetch_related("tags")
            .order_by("-event__start_date", "date", "start_time", "id")
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
            .select_related("event")
            .with_speakers()
            .prefetch_related("tags", visible_photos(self.request.user))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["notes"] = self.object.notes.visible_to(user).for_display()
        context["papers"] = self.object.papers.visible_to(user).prefetch_related("tags")
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
            Paper.objects.visible_to(self.request.user)
            .select_related("event")
            .prefetch_related("tags")
            .order_by("-event__start_date", "title", "id")
        )


class PaperDetailView(DetailView):
    template_name = "talks/paper_detail.html"
    context_object_name = "paper"

    def get_queryset(self):
        return (
            Paper.objects.visible_to(self.request.user)
            .select_related("event", "talk")
            .prefetch_related("tags", visible_photos(self.request.user))
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


class SpeakerListView(FilteredListView):
    template_name = "talks/speaker_list.html"
    context_object_name = "speakers"
    paginate_by = 50
    filter_form_class = NoFilterForm
    # By name only: sorting by number of talks counted every speaker's talks through
    # the gate (370 ms at size L) to show 50; /stats/ charts the speakers heard most.
    # ?sort=name is kept for old links; any other sort is a 400 like on every list.
    sort_options = {"name": (gettext_lazy("Name"), ())}

    def base_queryset(self):
        user = self.request.user
        # EXISTS stops at a speaker's first attended talk; filtering on the count instead
        # counted every talk of all 1,500 speakers to show 50 (500 ms at size L).
        return (
            Speaker.objects.visible_to(user, heard=True)
            .with_talk_counts(user)
            .order_by("name", "id")
        )


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
        user = self.request.user
        context["talks"] = prefetch_speakers(
            list(
                self.object.talks.visible_to(user)
                .attended()
                .select_related("event")
                .order_by("-event__start_date", "date", "start_time", "id")
            )
        )
        notes = Note.objects.visible_to(user).filter(talk__speakers=self.object).for_display()
        context["notes"], context["more_notes"] = first(notes, self.notes_shown)
        prefetch_tags(context["talks"], context["notes"])
        return context


def first(queryset, n):
    """The first `n` rows of `queryset` (tags not prefetched), and whether there are more."""
    rows = list(queryset.prefetch_related(None)[: n + 1])
    return rows[:n], len(rows) > n


class TopicListView(FilteredListView):
    """Every topic in use, by name, each with the number of records under it.

    Only the page's topics are counted (`topic_usage`): counting all of them to
    sort by use went through every tagging (250,000 at size L, 2 to 3 seconds),
    so the list has no "most used" order; /stats/ charts the most used topics.
    """

    template_name = "talks/topic_list.html"
    context_object_name = "topics"
    paginate_by = 100
    filter_form_class = NoFilterForm
    sort_options = {"name": (gettext_lazy("Name"), ())}  # ?sort=name of old links

    def base_queryset(self):
        return listed_topics(self.request.user).order_by("name", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        topics = context["topics"] = list(context["topics"])
        usage = topic_usage(self.request.user, topics)
        for topic in topics:
            topic.usage = usage.get(topic.pk, 0)
        return context


class TopicDetailView(DetailView):
    """Everything under one topic: events, talks, papers, booths and notes."""

    template_name = "talks/topic_detail.html"
    context_object_name = "topic"

    def get_object(self, queryset=None):
        return get_object_or_404(
            visible_topics(self.request.user, one=True), slug=self.kwargs["slug"]
        )

    # The newest of each kind, then a link to all of them in search (a busy topic
    # gathers hundreds of records over the years).
    records_shown = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, topic, shown = self.request.user, self.object, self.records_shown
        lists = {
            "events": Event.objects.visible_to(user)
            .filter(tags=topic)
            .with_counts(user)
            .order_by("-start_date", "name"),
            "talks": Talk.objects.visible_to(user)
            .attended()
            .filter(tags=topic)
            .select_related("event")
            .order_by("-event__start_date", "date", "start_time", "id"),
            "papers": Paper.objects.visible_to(user)
            .filter(tags=topic)
            .select_related("event")
            .order_by("-event__start_date", "title", "id"),
            "booths": Booth.objects.visible_to(user)
            .filter(tags=topic)
            .select_related("event")
            .order_by("-event__start_date", "organization", "id"),
            "notes": Note.objects.visible_to(user).filter(tags=topic).for_display(),
        }
        for name, queryset in lists.items():
            context[name], context[f"more_{name}"] = first(queryset, shown)
        prefetch_speakers(context["talks"])
        prefetch_tags(*(context[name] for name in lists))
        return context


def search(request):
    """Search notes, talks, papers, booths and events; notes first."""
    user = request.user
    form = SearchForm(request.GET, user=user)
    context = {"form": form, "groups": [], "page_obj": None, "criteria": None}
    status = 200
    if not form.is_valid():
        return render(request, "talks/search.html", context, status=400)
    data = form.cleaned_data
    query, capped = search_backend.clean_query(data["q"])
    context["query"] = query
    if capped:
        context["notice"] = _("Your search was cut to its first %(n)d characters.") % {
            "n": search_backend.MAX_QUERY_LENGTH
        }
    # Functions, called only for a filter that is given: building listed_topics'
    # queryset costs ~7 ms of Python even when it is never run.
    lookups = [
        ("speaker", lambda: Speaker.objects.visible_to(user)),
        # EXISTS stops at the first visible record (6 ms at size L, not 220: no counting).
        ("topic", lambda: listed_topics(user)),
        ("event", lambda: Event.objects.visible_to(user)),
    ]
    found = {}
    for name, queryset in lookups:
        if data[name]:
            found[name] = queryset().filter(slug=data[name]).first()
            if found[name] is None:
                form.add_error(name, _("There is nothing by that name to filter on."))
    if form.errors:
        return render(request, "talks/search.html", context, status=400)
    criteria = journal_search.Criteria(
        terms=search_backend.parse_terms(query),
        year=data["year"],
        kind=data["type"],
        **found,
    )
    context["criteria"] = criteria
    if criteria.empty:
        return render(request, "talks/search.html", context, status=status)

    kinds = [criteria.kind] if criteria.kind else [s.kind for s in search_backend.SEARCHABLES]
    if criteria.kind:
        kind = criteria.kind
        ids = journal_search.result_ids(kind, user, criteria)
        count = len(ids)
        paginator = Paginator(range(min(count, journal_search.count_cap())), 20)
        try:
            page = paginator.page(request.GET.get("page") or 1)
        except InvalidPage as error:
            raise Http404(str(error)) from error
        results = (
            journal_search.fetch_results(
                kind, user, criteria, ids, page.start_index() - 1, page.end_index()
            )
            if count
            else []
        )
        context["page_obj"] = page
        context["groups"] = [journal_search.Group(kind, count, results)] if count else []
    else:
        spans = journal_search.spans(kinds, user, criteria)
        context["groups"] = [
            journal_search.Group(
                kind,
                spans[kind][0],
                journal_search.fetch(
                    kind,
                    user,
                    # Built only when needed: past the cap the walk does without it.
                    lambda kind=kind: journal_search.results_queryset(kind, user, criteria),
                    0,
                    journal_search.GROUP_SIZE,
                    journal_search.walk_for(kind, user, criteria, spans[kind]),
                ),
            )
            for kind in kinds
            if spans[kind][0]
        ]
    for group in context["groups"]:
        journal_search.with_snippets(group.kind, group.results, criteria.terms)
    context["total"] = sum(group.count for group in context["groups"])
    context["capped"] = any(group.capped for group in context["groups"])
    context["count_cap"] = journal_search.count_cap()
    return render(request, "talks/search.html", context, status=status)


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
        .select_related("event")
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
    papers = event.family_records("papers", PUBLIC).select_related("event").order_by("title", "id")
    return bibtex_response(papers, f"{event.slug}.bib")


@journal_conditional
def topic_papers_bib(request, slug):
    topic = get_object_or_404(visible_topics(PUBLIC, one=True), slug=slug)
    return bibtex_response(public_papers().filter(tags=topic), f"{topic.slug}.bib")


@journal_conditional
def event_recap(request, slug):
    """The public recap of an event, in Markdown, to paste into a blog post."""
    event = get_object_or_404(Event.objects.visible_to(PUBLIC), slug=slug)
    text = recap.event_recap(event, absolute=request.build_absolute_uri)
    return text_response(text, "text/plain", f"{event.slug}.md")
