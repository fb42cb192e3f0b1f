from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views.generic import DetailView

from confjournal.listing import EVENT_RECORD_LOOKUPS, FilteredListView
from events import calendar
from events.forms import BoothFilterForm, TimelineFilterForm
from events.models import Booth, Event, Tag


class TimelineView(FilteredListView):
    """Everything attended, newest first, days and side events under their parent.

    A top-level event is listed when it or one of its sub-events matches the
    filters; under it come all its sub-events if it matched itself, else only
    the ones that did.
    """

    template_name = "events/timeline.html"
    filter_form_class = TimelineFilterForm
    context_object_name = "events"

    def visible(self):
        return Event.objects.visible_to(self.request.user)

    def matching(self):
        events = self.visible()
        if self.filters.is_valid():
            data = self.filters.cleaned_data
            if data["year"]:
                events = events.filter(start_date__year=data["year"])
            if data["kind"]:
                events = events.filter(kind=data["kind"])
            if data["country"]:
                events = events.filter(country=data["country"])
            if data["tag"]:
                events = events.filter(tags__slug=data["tag"])
        return events

    def base_queryset(self):
        user = self.request.user
        matching = self.matching()
        matched = Exists(matching.filter(pk=OuterRef("pk")))
        children = (
            self.visible()
            .with_counts(user)
            .annotate(matched=matched)
            .prefetch_related("tags")
            .order_by("start_date", "name")
        )
        return (
            self.visible()
            .roots()
            .annotate(matched=matched)
            .filter(Q(matched=True) | Exists(matching.filter(parent=OuterRef("pk"))))
            .with_counts(user)
            .prefetch_related("tags", Prefetch("children", queryset=children))
            .order_by("-start_date", "name")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for event in context["events"]:
            event.shown_children = [
                child for child in event.children.all() if event.matched or child.matched
            ]
        visible = self.visible()
        context["years"] = [d.year for d in visible.roots().dates("start_date", "year", "DESC")]
        context["countries"] = sorted(
            {e.country for e in visible.exclude(country="").only("country")},
            key=lambda c: c.name,
        )
        context["topics"] = Tag.objects.filter(
            items__content_type__app_label="events",
            items__content_type__model="event",
            items__object_id__in=visible.values("pk"),
        ).distinct()
        return context


class EventDetailView(DetailView):
    """One event: its days, talks, papers, booths and notes."""

    template_name = "events/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        return (
            Event.objects.visible_to(self.request.user)
            .select_related("parent", "owner")
            .prefetch_related("tags")
        )

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset(), slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event, user = self.object, self.request.user
        context["children"] = (
            Event.objects.visible_to(user)
            .filter(parent=event)
            .with_counts(user)
            .order_by("start_date", "name")
        )
        talks = list(
            event.family_records("talks", user)
            .select_related("event")
            .with_speakers()
            .prefetch_related("tags")
        )
        context["talks"] = [talk for talk in talks if talk.attended]
        context["programme"] = [talk for talk in talks if not talk.attended]
        context["papers"] = (
            event.family_records("papers", user).select_related("event").prefetch_related("tags")
        )
        context["booths"] = (
            event.family_records("booths", user).select_related("event").prefetch_related("tags")
        )
        context["notes"] = event.family_records("notes", user).for_display()
        return context


class BoothListView(FilteredListView):
    template_name = "events/booth_list.html"
    filter_form_class = BoothFilterForm
    filter_lookups = {"kind": "kind", **EVENT_RECORD_LOOKUPS}
    context_object_name = "booths"

    def base_queryset(self):
        return (
            Booth.objects.visible_to(self.request.user)
            .select_related("event")
            .prefetch_related("tags")
            .order_by("-event__start_date", "organization", "id")
        )


class BoothDetailView(DetailView):
    template_name = "events/booth_detail.html"
    context_object_name = "booth"

    def get_queryset(self):
        return (
            Booth.objects.visible_to(self.request.user)
            .select_related("event")
            .prefetch_related("tags")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["notes"] = self.object.notes.visible_to(self.request.user).for_display()
        return context


# Calendars are for others (calendar apps subscribe without logging in): they
# are made for an anonymous visitor, whoever asks, and hold nothing private.
PUBLIC = AnonymousUser()


def calendar_response(request, name, filename, events, talks=()):
    body = calendar.calendar(
        name, events, talks, host=request.get_host(), absolute=request.build_absolute_uri
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


def site_calendar(request):
    """Every public event, as all-day entries."""
    events = Event.objects.visible_to(PUBLIC).prefetch_related("tags").order_by("start_date", "id")
    return calendar_response(request, "ConfJournal", "confjournal.ics", events)


def event_calendar(request, slug):
    """One public event: itself, its days and side events, and the talks attended."""
    event = get_object_or_404(Event.objects.visible_to(PUBLIC), slug=slug)
    events = (
        Event.objects.visible_to(PUBLIC)
        .filter(Q(pk=event.pk) | Q(parent=event))
        .prefetch_related("tags")
        .order_by("start_date", "parent_id", "id")
    )
    talks = (
        event.family_records("talks", PUBLIC)
        .attended()
        .select_related("event")
        .with_speakers()
        .order_by("date", "start_time", "id")
    )
    return calendar_response(request, event.name, f"{event.slug}.ics", events, talks)
