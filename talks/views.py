from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from confjournal.listing import FilteredListView, TagYearFilterForm
from events.models import Booth, Event
from talks.forms import PaperFilterForm, TalkFilterForm
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
