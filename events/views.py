from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView
from django_countries.fields import Country

from confjournal.core.listing import (
    EVENT_RECORD_LOOKUPS,
    FilteredListView,
    newest_events_first,
    options,
)
from confjournal.core.tagging import prefetch_topics
from confjournal.web.conditional import journal_conditional
from confjournal.web.pagecache import (
    Section,
    table_versions,
    version_cached,
    viewer_key,
    viewer_scope,
)
from events import calendar
from events.forms import BoothFilterForm, TimelineFilterForm
from events.models import Booth, Event, Photo, Tag, attach_topics, taggings_of

COUNTS = ["talk_count", "paper_count", "booth_count", "note_count"]


def record_section_tables():
    """What an event page below its header and besides its talks is read from: the events
    and their counts, the papers, booths, notes (their talks, authors) and photos, and
    the topics of the event, its days, papers, booths and notes."""
    talk, paper, note = (
        Event._meta.get_field(name).related_model for name in ("talks", "papers", "notes")
    )
    tagged = [taggings_of(model) for model in (Event, paper, Booth, note)]
    return [Event, talk, paper, Booth, note, Photo, get_user_model(), *tagged, Tag]


def talk_section_tables():
    """What an event page's talks are read from: the events, the talks, their speakers in
    order and the talks' topics (through the relations: this app never imports `talks`)."""
    talk = Event._meta.get_field("talks").related_model
    speakers = talk._meta.get_field("speakers")
    through, speaker = speakers.remote_field.through, speakers.related_model
    return [Event, talk, through, speaker, taggings_of(talk), Tag]


# What a talk in a list shows (templates/jinja2/talk_rows.html): not its abstract or links.
LISTED_TALK_FIELDS = [
    "id",
    "event",
    "title",
    "kind",
    "date",
    "start_time",
    "end_time",
    "room",
    "rating",
    "is_mine",
    "attended",
]


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

    def is_filtering(self):
        return self.filters.is_valid() and any(
            value for name, value in self.filters.cleaned_data.items() if name != "sort"
        )

    def base_queryset(self):
        user = self.request.user
        events = self.visible().roots()
        if self.is_filtering():
            matching = self.matching()
            events = events.annotate(matched=Exists(matching.filter(pk=OuterRef("pk")))).filter(
                Q(matched=True) | Exists(matching.filter(parent=OuterRef("pk")))
            )
        return (
            # Counts come with the sub-events, in get_context_data.
            events.order_by("-start_date", "name")
            # The cover photo in the same query, shown only when the viewer may see it.
            .select_related("cover_photo")
            .annotate(
                cover_visible=Exists(
                    Photo.objects.visible_to(user).filter(pk=OuterRef("cover_photo"))
                )
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events = list(context["events"])
        # The page's events again with their counts, and their sub-events, in one query;
        # everyone's topics in another.
        ids = [event.pk for event in events]
        family = self.visible().filter(Q(pk__in=ids) | Q(parent__in=ids))
        filtering = self.is_filtering()
        if filtering:
            family = family.annotate(matched=Exists(self.matching().filter(pk=OuterRef("pk"))))
        family = (
            list(family.with_counts(self.request.user).order_by("start_date", "name"))
            if ids
            else []
        )
        counted = {event.pk: event for event in family}
        for event in events:
            for name in COUNTS:
                setattr(event, name, getattr(counted.get(event.pk), name, 0))
        children = [event for event in family if event.parent_id is not None]
        attach_topics(events, children)
        for event in events:
            event.shown_children = [
                child
                for child in children
                if child.parent_id == event.pk and (not filtering or event.matched or child.matched)
            ]
        years, codes, topics = version_cached(
            f"timeline-choices:{viewer_scope(self.request.user)}", self.filter_choices
        )
        context["years"] = years
        context["countries"] = sorted((Country(code) for code in codes), key=lambda c: c.name)
        chosen = self.filters.cleaned_data if self.filters.is_valid() else {}
        context["filter_options"] = {
            "year": options([(year, f"{year:d}") for year in context["years"]], chosen.get("year")),
            "kind": options(self.filters.fields["kind"].choices, chosen.get("kind")),
            "country": options(
                [(c.code, c.name) for c in context["countries"]], chosen.get("country")
            ),
            "tag": options(topics, chosen.get("tag")),
        }
        return context

    def filter_choices(self):
        """The years, countries and topics of the events the viewer sees, for the filters:
        kept under the journal version, like the topic list's (three queries a page)."""
        visible = self.visible()
        # The distinct codes only, not every event to read its country.
        codes = visible.exclude(country="").order_by().values_list("country", flat=True)
        # (slug, name) rows, not a Tag per topic. An EXISTS per topic stops at its first
        # visible event, where a DISTINCT would read every visible event's taggings.
        topics = (
            Tag.objects.filter(Exists(visible.filter(tags=OuterRef("pk"))))
            .order_by("name")
            .values_list("slug", "name")
        )
        return visible.years(), list(codes.distinct()), list(topics)


class HomeView(TimelineView):
    """The timeline, and above it "on this day": events of this calendar week in earlier years."""

    on_this_day_count = 5

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        if not context["filtering"] and (page is None or page.number == 1):
            today = timezone.localdate()
            events = list(
                self.visible()
                .roots()
                .filter(start_date__week=today.isocalendar().week, start_date__year__lt=today.year)
                .order_by("-start_date", "name")[: self.on_this_day_count]
            )
            for event in events:
                event.years_ago = today.year - event.start_date.year
            context["on_this_day"] = events
        return context


class EventDetailView(DetailView):
    """One event: its days, talks, papers, booths and notes."""

    template_name = "events/event_detail.html"
    context_object_name = "event"

    # Every talk is listed (a programme of 300 is what people come for); papers, booths
    # and notes stop after this many, with a link to all of them in search.
    records_shown = 30

    def get_queryset(self):
        return Event.objects.visible_to(self.request.user).select_related("parent", "owner")

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset(), slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event, user = self.object, self.request.user
        # The page below its header is kept in two parts, each until a table it reads is
        # written: the talks (every talk: a programme runs to hundreds), and the days,
        # papers, booths, notes and photos around them, which come and go more often.
        # Their versions are read before anything they show.
        versions = table_versions()
        key = f"{event.pk}:{viewer_key(user)}"
        talk_part = Section(f"event-talks:{key}", talk_section_tables(), versions)
        record_part = Section(f"event-records:{key}", record_section_tables(), versions)
        context["talk_section"], context["record_section"] = talk_part.get(), record_part.get()
        if context["talk_section"] is None or context["record_section"] is None:
            self.render_parts(context, talk_part, record_part)
        event.topics = context["record_section"]["topics"]
        return context

    def render_parts(self, context, talk_part, record_part):
        """Read and render the parts `context` lacks, and keep them."""
        event, user, request = self.object, self.request.user, self.request
        # The event's and its days' counts in one query: a kind of record none of them
        # has (a programme's papers, booths, notes) is then not queried at all.
        family_events = list(
            Event.objects.visible_to(user)
            .filter(Q(pk=event.pk) | Q(parent=event.pk))
            .with_counts(user)
            .order_by("start_date", "name")
        )
        children = [child for child in family_events if child.pk != event.pk]
        talks, records = [], {"papers": [], "booths": [], "notes": [], "photos": []}
        if context["talk_section"] is None:
            talks = event.family_records("talks", user).only(*LISTED_TALK_FIELDS)
            talks = talks.list_with_speakers()
            # Each talk's event is one of the family already read (a talk is visible
            # exactly when its event is): select_related built a copy per talk, 20 ms for
            # 778 talks. A day made visible between the two reads loads its own event.
            family_by_id = {member.pk: member for member in family_events}
            for talk in talks:
                if talk.event_id in family_by_id:
                    talk.event = family_by_id[talk.event_id]
        if context["record_section"] is None:
            records = self.records(family_events)
        attach_topics(
            [event], children, talks, records["papers"], records["booths"], records["notes"]
        )
        if context["talk_section"] is None:
            html = render_to_string(
                "events/event_talks.html",
                {
                    "event": event,
                    "talks": [talk for talk in talks if talk.attended],
                    "programme": [talk for talk in talks if not talk.attended],
                },
                request,
            )
            attended = any(talk.attended for talk in talks)  # a programme alone is not logged
            context["talk_section"] = talk_part.keep({"html": html, "attended": attended})
        if context["record_section"] is None:
            shown = {"event": event, "children": children, **records}
            context["record_section"] = record_part.keep(
                {
                    "days": render_to_string("events/event_days.html", shown, request),
                    "html": render_to_string("events/event_records.html", shown, request),
                    "logged": bool(
                        children or records["papers"] or records["booths"] or records["notes"]
                    ),
                    "topics": event.topics,
                }
            )

    def records(self, family_events):
        """The first papers, booths, notes and photos of the event and its days, and
        whether there are more (`more_papers`, …)."""
        event, user, shown = self.object, self.request.user, self.records_shown
        has = {
            relation: any(getattr(e, f"{relation[:-1]}_count") for e in family_events)
            for relation in ("papers", "booths", "notes")
        }
        found = {}
        for relation in ("papers", "booths", "notes"):
            if not has[relation]:
                found[relation], found[f"more_{relation}"] = [], False
                continue
            records = event.family_records(relation, user)
            if relation == "notes":
                # The newest ids first, then their rows: sorting every note of a big
                # event with its joined columns took twice as long.
                newest = records.values("pk")[: shown + 1]
                records = (
                    records.model.objects.visible_to(user)
                    .filter(pk__in=newest)
                    .for_display()
                    .prefetch_related(None)
                )
            else:
                records = records.select_related("event__parent")
            records = list(records[: shown + 1])
            found[relation], found[f"more_{relation}"] = records[:shown], len(records) > shown
        found["photos"] = list(event.family_records("photos", user).for_display()[:60])
        return found


class BoothListView(FilteredListView):
    template_name = "events/booth_list.html"
    filter_form_class = BoothFilterForm
    filter_lookups = {"kind": "kind", **EVENT_RECORD_LOOKUPS}
    context_object_name = "booths"
    sort_options = {
        "date": (gettext_lazy("Date"), ()),
        "organization": (gettext_lazy("Organization"), ("organization", "id")),
    }

    def base_queryset(self):
        return (
            newest_events_first(Booth.objects.visible_to(self.request.user), "organization", "id")
            .select_related("event__parent")
            .prefetch_related(prefetch_topics())
        )


class BoothDetailView(DetailView):
    template_name = "events/booth_detail.html"
    context_object_name = "booth"

    def get_queryset(self):
        photos = Photo.objects.visible_to(self.request.user).for_display()
        return (
            Booth.objects.visible_to(self.request.user)
            .select_related("event__parent")
            .prefetch_related(
                prefetch_topics(), Prefetch("photos", photos, to_attr="visible_photos")
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["notes"] = self.object.notes.visible_to(self.request.user).for_display()
        return context


# Calendars are for others (calendar apps subscribe without logging in): they
# are made for an anonymous visitor, whoever asks, and hold nothing private.
PUBLIC = AnonymousUser()


def calendar_response(request, name, filename, events, talks=()):
    root = request.build_absolute_uri("/").removesuffix("/")  # once, not per entry
    body = calendar.calendar(
        name, events, talks, host=request.get_host(), absolute=lambda path: root + path
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


@journal_conditional
def site_calendar(request):
    """Every public event, as all-day entries."""
    events = calendar.calendar_events(Event.objects.visible_to(PUBLIC).order_by("start_date", "id"))
    return calendar_response(request, "ConfJournal", "confjournal.ics", events)


@journal_conditional
def event_calendar(request, slug):
    """One public event: itself, its days and side events, and the talks attended."""
    event = get_object_or_404(Event.objects.visible_to(PUBLIC).select_related("parent"), slug=slug)
    events = calendar.calendar_events(
        Event.objects.visible_to(PUBLIC)
        .filter(Q(pk=event.pk) | Q(parent=event))
        .order_by("start_date", "parent_id", "id")
    )
    talks = (
        event.family_records("talks", PUBLIC)
        .attended()
        .select_related("event__parent")
        .order_by("date", "start_time", "id")
        .list_with_speakers()
    )
    return calendar_response(request, event.full_name, f"{event.slug}.ics", events, talks)
