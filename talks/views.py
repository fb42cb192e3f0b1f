from django.contrib.auth.models import AnonymousUser
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from confjournal import search as search_backend
from confjournal.listing import EVENT_RECORD_LOOKUPS, FilteredListView, TagYearFilterForm
from events.models import Booth, Event
from talks import bibtex, recap
from talks import search as journal_search
from talks.forms import PaperFilterForm, SearchForm, TalkFilterForm
from talks.models import Note, Paper, Speaker, Talk, visible_topics


class TalkListView(FilteredListView):
    template_name = "talks/talk_list.html"
    filter_form_class = TalkFilterForm
    filter_lookups = {"kind": "kind", **EVENT_RECORD_LOOKUPS}
    context_object_name = "talks"

    def base_queryset(self):
        return (
            Talk.objects.visible_to(self.request.user)
            .attended()
            .select_related("event")
            .with_speakers()
            .prefetch_related("tags")
            .order_by("-event__start_date", "date", "start_time", "id")
        )


class TalkDetailView(DetailView):
    template_name = "talks/talk_detail.html"
    context_object_name = "talk"

    def get_queryset(self):
        return (
            Talk.objects.visible_to(self.request.user)
            .select_related("event")
            .with_speakers()
            .prefetch_related("tags")
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
            .prefetch_related("tags")
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

    def base_queryset(self):
        return Note.objects.visible_to(self.request.user).for_display()


class NoteDetailView(DetailView):
    template_name = "talks/note_detail.html"
    context_object_name = "note"

    def get_queryset(self):
        return Note.objects.visible_to(self.request.user).for_display()


class SpeakerListView(ListView):
    template_name = "talks/speaker_list.html"
    context_object_name = "speakers"
    paginate_by = 50

    def get_queryset(self):
        user = self.request.user
        # Speakers heard only in a programme's unattended talks are not in the journal yet.
        return (
            Speaker.objects.visible_to(user)
            .with_talk_counts(user)
            .filter(talk_count__gt=0)
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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["talks"] = (
            self.object.talks.visible_to(user)
            .attended()
            .select_related("event")
            .with_speakers()
            .prefetch_related("tags")
            .order_by("-event__start_date", "date", "start_time", "id")
        )
        context["notes"] = (
            Note.objects.visible_to(user).filter(talk__speakers=self.object).for_display()
        )
        return context


class TopicListView(ListView):
    template_name = "talks/topic_list.html"
    context_object_name = "topics"
    paginate_by = 200

    def get_queryset(self):
        return visible_topics(self.request.user).order_by("-usage", "name")


class TopicDetailView(DetailView):
    """Everything under one topic: events, talks, papers, booths and notes."""

    template_name = "talks/topic_detail.html"
    context_object_name = "topic"

    def get_object(self, queryset=None):
        return get_object_or_404(visible_topics(self.request.user), slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, topic = self.request.user, self.object
        context["events"] = (
            Event.objects.visible_to(user)
            .filter(tags=topic)
            .with_counts(user)
            .prefetch_related("tags")
        )
        context["talks"] = (
            Talk.objects.visible_to(user)
            .attended()
            .filter(tags=topic)
            .select_related("event")
            .with_speakers()
            .prefetch_related("tags")
            .order_by("-event__start_date", "date", "start_time", "id")
        )
        context["papers"] = (
            Paper.objects.visible_to(user)
            .filter(tags=topic)
            .select_related("event")
            .prefetch_related("tags")
        )
        context["booths"] = (
            Booth.objects.visible_to(user)
            .filter(tags=topic)
            .select_related("event")
            .prefetch_related("tags")
        )
        context["notes"] = Note.objects.visible_to(user).filter(tags=topic).for_display()
        return context


def search(request):
    """Search notes, talks, papers, booths and events; notes first."""
    user = request.user
    form = SearchForm(request.GET)
    context = {"form": form, "groups": [], "page_obj": None, "criteria": None}
    context["speaker_options"] = Speaker.objects.visible_to(user).values_list("slug", "name")
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
    lookups = [
        ("speaker", Speaker.objects.visible_to(user)),
        ("topic", visible_topics(user)),
        ("event", Event.objects.visible_to(user)),
    ]
    found = {}
    for name, queryset in lookups:
        if data[name]:
            found[name] = queryset.filter(slug=data[name]).first()
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
    querysets = {kind: journal_search.results_queryset(kind, user, criteria) for kind in kinds}
    if criteria.kind:
        kind = criteria.kind
        count = journal_search.capped_count(querysets[kind])
        paginator = Paginator(range(min(count, journal_search.count_cap())), 20)
        try:
            page = paginator.page(request.GET.get("page") or 1)
        except InvalidPage as error:
            raise Http404(str(error)) from error
        results = (
            journal_search.fetch(
                kind,
                user,
                querysets[kind],
                page.start_index() - 1,
                page.end_index(),
                journal_search.walk_for(kind, user, criteria, count),
            )
            if count
            else []
        )
        context["page_obj"] = page
        context["groups"] = [journal_search.Group(kind, count, results)] if count else []
    else:
        counts = journal_search.counts(querysets)
        context["groups"] = [
            journal_search.Group(
                kind,
                counts[kind],
                journal_search.fetch(
                    kind,
                    user,
                    querysets[kind],
                    0,
                    journal_search.GROUP_SIZE,
                    journal_search.walk_for(kind, user, criteria, counts[kind]),
                ),
            )
            for kind in kinds
            if counts.get(kind)
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


def papers_bib(request):
    """BibTeX of the public papers, with the paper list's filters."""
    filters = PaperFilterForm(request.GET)
    if not filters.is_valid():
        errors = " ".join(str(e) for errors in filters.errors.values() for e in errors)
        return HttpResponse(errors, content_type="text/plain; charset=utf-8", status=400)
    papers = PaperListView().filter_queryset(public_papers(), filters.cleaned_data)
    return bibtex_response(papers, "papers.bib")


def paper_bib(request, pk):
    paper = get_object_or_404(public_papers(), pk=pk)
    return bibtex_response([paper], f"{bibtex.cite_key(paper)}.bib")


def event_papers_bib(request, slug):
    event = get_object_or_404(Event.objects.visible_to(PUBLIC), slug=slug)
    papers = event.family_records("papers", PUBLIC).select_related("event").order_by("title", "id")
    return bibtex_response(papers, f"{event.slug}.bib")


def topic_papers_bib(request, slug):
    topic = get_object_or_404(visible_topics(PUBLIC), slug=slug)
    return bibtex_response(public_papers().filter(tags=topic), f"{topic.slug}.bib")


def event_recap(request, slug):
    """The public recap of an event, in Markdown, to paste into a blog post."""
    event = get_object_or_404(Event.objects.visible_to(PUBLIC), slug=slug)
    text = recap.event_recap(event, absolute=request.build_absolute_uri)
    return text_response(text, "text/plain", f"{event.slug}.md")
