from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from confjournal import search as search_backend
from confjournal.listing import FilteredListView, TagYearFilterForm
from events.models import Booth, Event
from talks import search as journal_search
from talks.forms import PaperFilterForm, SearchForm, TalkFilterForm
from talks.models import Note, Paper, Speaker, Talk, visible_topics


class TalkListView(FilteredListView):
    template_name = "talks/talk_list.html"
    filter_form_class = TalkFilterForm
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

    def filter_queryset(self, queryset, filters):
        if filters["kind"]:
            queryset = queryset.filter(kind=filters["kind"])
        if filters["year"]:
            queryset = queryset.filter(event__start_date__year=filters["year"])
        if filters["tag"]:
            queryset = queryset.filter(tags__slug=filters["tag"])
        return queryset


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
    context_object_name = "papers"

    def base_queryset(self):
        return (
            Paper.objects.visible_to(self.request.user)
            .select_related("event")
            .prefetch_related("tags")
            .order_by("-event__start_date", "title", "id")
        )

    def filter_queryset(self, queryset, filters):
        if filters["presentation"]:
            queryset = queryset.filter(presentation=filters["presentation"])
        if filters["year"]:
            queryset = queryset.filter(event__start_date__year=filters["year"])
        if filters["tag"]:
            queryset = queryset.filter(tags__slug=filters["tag"])
        return queryset


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
        return context


class NoteListView(FilteredListView):
    template_name = "talks/note_list.html"
    filter_form_class = TagYearFilterForm
    context_object_name = "notes"

    def base_queryset(self):
        return Note.objects.visible_to(self.request.user).for_display()

    def filter_queryset(self, queryset, filters):
        if filters["year"]:
            queryset = queryset.filter(event__start_date__year=filters["year"])
        if filters["tag"]:
            queryset = queryset.filter(tags__slug=filters["tag"])
        return queryset


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
        return Speaker.objects.visible_to(user).with_talk_counts(user).order_by("name", "id")


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
        paginator = Paginator(querysets[criteria.kind], 20)
        try:
            page = paginator.page(request.GET.get("page") or 1)
        except InvalidPage as error:
            raise Http404(str(error)) from error
        journal_search.with_snippets(criteria.kind, page.object_list, criteria.terms)
        context["page_obj"] = page
        context["groups"] = [
            journal_search.Group(criteria.kind, paginator.count, list(page.object_list))
        ]
    else:
        counts = journal_search.counts(querysets)
        context["groups"] = [
            journal_search.Group(
                kind,
                counts[kind],
                journal_search.with_snippets(
                    kind, list(querysets[kind][: journal_search.GROUP_SIZE]), criteria.terms
                ),
            )
            for kind in kinds
            if counts.get(kind)
        ]
    context["total"] = sum(group.count for group in context["groups"])
    return render(request, "talks/search.html", context, status=status)
