"""Entry forms for talks, papers, speakers and notes.

The inlines for an event's page are defined here too; confjournal/entry puts them
under the event, beside the booths and photos, so that `events` never imports `talks`.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Exists, F, OuterRef, Prefetch
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from confjournal.core.admin_access import (
    KeepOthersRecordsInlineMixin,
    KeepOthersRecordsMixin,
    MissingIs404Mixin,
    VisibleRecordsMixin,
)
from confjournal.core.admin_inputs import (
    BoundedModelMultipleChoiceField,
    RowLimitMixin,
    TolerantAutocompleteSelect,
    TolerantAutocompleteSelectMultiple,
)
from confjournal.core.visibility import sees_everything
from events import admin as events_admin
from talks.models import Note, Paper, Speaker, Talk, TalkSpeaker


def speakers_for(user):
    """The speakers `user` may pick and edit in the admin.

    Those with a talk `user` may see, and those with no talk yet (just added
    with the autocomplete's +); a speaker heard only at someone else's private
    event is not there.
    """
    speakers = Speaker.objects.all()
    if sees_everything(user):
        return speakers
    return speakers.filter(
        Exists(Talk.objects.visible_to(user).filter(speakers=OuterRef("pk")))
        | ~Exists(Talk.objects.filter(speakers=OuterRef("pk")))
    )


class OrderedAutocompleteSelectMultiple(TolerantAutocompleteSelectMultiple):
    """Autocomplete that renders the chosen options in the order they were chosen.

    Django's widget lists selected options in database order; for speakers
    the order is the talk's order of speakers.
    """

    def optgroups(self, name, value, attr=None):
        # The talk's own speakers, prefetched with the inline rows (TalkForm sets
        # `known`): shown without the widget's query per row.
        known = getattr(self, "known", None)
        if known is not None and value and all(str(v) in known for v in value):
            label = self.choices.field.label_from_instance
            options = [
                self.create_option(name, known[str(v)].pk, label(known[str(v)]), True, i)
                for i, v in enumerate(value)
            ]
            return [(None, options, 0)]
        groups = super().optgroups(name, value, attr)
        order = {str(v): i for i, v in enumerate(value)}
        for _group_name, options, _index in groups:
            options.sort(key=lambda option: order.get(str(option["value"]), len(order)))
        return groups


class TalkForm(forms.ModelForm):
    """A talk with its speakers in order: the order in which they were picked."""

    class Meta:
        model = Talk
        fields = [
            "event", "title", "kind", "speakers", "date", "start_time", "end_time", "room",
            "abstract", "slides_url", "video_url", "rating", "is_mine", "attended", "tags",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "speakers" in self.fields and self.instance.pk is not None:
            links = self.instance.talk_speakers.all()
            self.initial["speakers"] = [link.speaker_id for link in links]
            if all(TalkSpeaker.speaker.is_cached(link) for link in links):
                widget = self.fields["speakers"].widget
                widget = getattr(widget, "widget", widget)  # inside the admin's + wrapper
                widget.known = {str(link.speaker_id): link.speaker for link in links}

    def _ordered_speakers(self):
        chosen = {str(speaker.pk): speaker for speaker in self.cleaned_data["speakers"]}
        submitted = self.data.getlist(self.add_prefix("speakers"))
        ordered = [chosen.pop(pk) for pk in submitted if pk in chosen]
        return ordered + list(chosen.values())

    def _save_m2m(self):
        # Speakers go through TalkSpeaker with a position; the rest as usual.
        speakers = self._ordered_speakers() if "speakers" in self.cleaned_data else None
        self.cleaned_data.pop("speakers", None)
        super()._save_m2m()
        if speakers is not None:
            self.instance.set_speakers(speakers)


class SpeakersFieldMixin:
    """Speakers picked by autocomplete (the + makes a new one on the spot).

    Django's admin leaves out many-to-many fields that have their own through
    model, and its system check refuses them in a static `fields` or
    `fieldsets`. TalkForm saves this one with positions, so the layouts are
    returned by `get_fields`/`get_fieldsets` and the form field is built here.
    """

    form = TalkForm

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "speakers":
            kwargs["widget"] = OrderedAutocompleteSelectMultiple(db_field, self.admin_site)
            return BoundedModelMultipleChoiceField(
                queryset=speakers_for(request.user),
                required=False,
                label=db_field.verbose_name.capitalize(),
                help_text=_("Type to search; the order you pick is the order shown."),
                **kwargs,
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ChosenOnlyAutocompleteSelect(TolerantAutocompleteSelect):
    """An autocomplete that shows a row's chosen record from the page's one list of choices.

    Django's widget looks the chosen record up with a query per row; here its label
    comes from the event's records, read once for the page (`choices_once`).
    """

    def __init__(self, field, admin_site, labels, **kwargs):
        super().__init__(field, admin_site, **kwargs)
        self.labels = labels

    def optgroups(self, name, value, attr=None):
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        chosen = [str(v) for v in value if str(v) in self.labels][:1]
        for v in chosen:
            options.append(self.create_option(name, v, self.labels[v], True, len(options)))
        return [(None, options, 0)]


class EventChildInlineMixin:
    """Limits an inline's talk/paper/booth choices to the event being edited.

    Up to `select_limit` of them are a plain select; past it (a conference's 778
    talks in each of 60 note and paper rows were 46,000 options, most of a 5 MB
    page) the field is an autocomplete that shows only the chosen one. Either way
    a posted choice must be one of the event's.
    """

    event_scoped_fields = ("talk", "paper", "booth")
    select_limit = 100

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.event_scoped_fields:
            object_id = request.resolver_match.kwargs.get("object_id")
            related = db_field.remote_field.model._default_manager
            kwargs["queryset"] = related.filter(event_id=object_id) if object_id else related.none()
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field = events_admin.choices_once(field)
            if field is not None and len(field.choices) > self.select_limit + 1:
                labels = {str(value): label for value, label in field.choices if value != ""}
                widget = ChosenOnlyAutocompleteSelect(db_field, self.admin_site, labels)
                widget.is_required = field.required
                widget.choices = field.choices
                field.widget = widget
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TalkInline(
    events_admin.CappedInlineMixin,
    SpeakersFieldMixin,
    KeepOthersRecordsInlineMixin,
    VisibleRecordsMixin,
    admin.StackedInline,
):
    model = Talk
    extra = 0
    layout = [
        "title",
        "kind",
        "speakers",
        ("date", "start_time", "end_time"),
        "room",
        ("rating", "is_mine", "attended"),
        "tags",
    ]
    show_change_link = True
    radio_fields = {"rating": admin.HORIZONTAL}

    def get_fields(self, request, obj=None):
        return self.layout

    def get_queryset(self, request):
        # Each row's speakers in order (with the speaker, for the autocomplete's chosen
        # options), its speakers (the form's initial data) and tags: four queries in all.
        links = TalkSpeaker.objects.select_related("speaker").order_by("position", "id")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("talk_speakers", queryset=links), "speakers", "tags")
            # The talks attended first: the inline shows the first 30 of a programme.
            .order_by(F("attended").desc(), *Talk._meta.ordering)
        )


class PaperInline(
    events_admin.CappedInlineMixin,
    EventChildInlineMixin,
    KeepOthersRecordsInlineMixin,
    VisibleRecordsMixin,
    admin.StackedInline,
):
    model = Paper
    extra = 0
    fields = ["title", "authors", "presentation", "session", "url", "is_mine", "talk", "tags"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")  # not a query per row


class OwnNotesFormSet(BaseInlineFormSet):
    """Rows may name only the notes the formset shows (the user's own).

    Django's formset takes the id of any note in a posted row and then
    quietly leaves that row out; here another user's note id is a form error.
    """

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # Every row it may name, not only the first ones a capped inline shows.
        form.fields[self._pk_field.name].queryset = getattr(self, "all_rows", self.get_queryset())


class NoteInline(
    events_admin.CappedInlineMixin,
    EventChildInlineMixin,
    VisibleRecordsMixin,
    admin.StackedInline,
):
    model = Note
    formset = OwnNotesFormSet
    extra = 0
    fields = ["title", "body", ("talk", "paper", "booth"), "visibility", "tags"]
    show_change_link = True

    def get_queryset(self, request):
        notes = super().get_queryset(request).prefetch_related("tags")  # not a query per row
        if request.user.is_superuser:
            return notes
        return notes.filter(owner=request.user)


@admin.register(Speaker)
class SpeakerAdmin(MissingIs404Mixin, admin.ModelAdmin):
    list_display = ["name", "aliases", "affiliation"]
    search_fields = ["name", "aliases", "affiliation"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return speakers_for(request.user)


class RatingFilter(admin.SimpleListFilter):
    """The ratings 1 to 5, without reading every talk to find which occur."""

    title = _("my rating")
    parameter_name = "rating"

    def lookups(self, request, model_admin):
        return [(str(n), str(n)) for n in range(1, 6)]

    def queryset(self, request, queryset):
        if self.value() in {str(n) for n in range(1, 6)}:
            return queryset.filter(rating=int(self.value()))
        return queryset


class DateBarUnderAnEventMixin:
    """The date bar (date_hierarchy) only on a list filtered to one event.

    Drawing it reads the year of every row through a Python function on SQLite: cheap
    for one event's programme, which is where it is used (ticking an imported
    programme one day at a time), not for every talk of the journal.
    """

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        scoped = any(name.startswith("event__") for name in request.GET)

        class DateBarChangeList(changelist):
            def __init__(self, request, model, list_display, links, filters, date_bar, *rest):
                date_bar = date_bar if scoped else None
                super().__init__(request, model, list_display, links, filters, date_bar, *rest)

        return DateBarChangeList


@admin.register(Talk)
class TalkAdmin(
    RowLimitMixin,
    DateBarUnderAnEventMixin,
    SpeakersFieldMixin,
    KeepOthersRecordsMixin,
    VisibleRecordsMixin,
    events_admin.TagListMixin,
    admin.ModelAdmin,
):
    list_display = [
        "title",
        "event",
        "date",
        "start_time",
        "kind",
        "speaker_names",
        "room",
        "attended",
        "rating",
        "tag_list",
    ]
    list_select_related = ["event"]
    list_filter = ["kind", "attended", "is_mine", RatingFilter]
    # An imported programme is ticked here: the event's "Programme" link
    # filters this list to its talks, one day at a time by the date bar.
    list_editable = ["attended"]
    actions = ["mark_attended", "mark_not_attended"]
    search_fields = [
        "title",
        "abstract",
        "room",
        "speakers__name",
        "speakers__aliases",
        "event__name",
    ]
    date_hierarchy = "date"
    autocomplete_fields = ["event", "photos"]
    radio_fields = {"rating": admin.HORIZONTAL}
    layout = [
        (None, {"fields": ["event", "title", "kind", "speakers"]}),
        (_("When and where"), {"fields": [("date", "start_time", "end_time"), "room"]}),
        (_("Content"), {"fields": ["abstract", "slides_url", "video_url", "tags", "photos"]}),
        (_("Me"), {"fields": ["rating", "is_mine", "attended"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        return self.layout

    def get_queryset(self, request):
        return super().get_queryset(request).with_speakers()

    @admin.display(description=_("speakers"))
    def speaker_names(self, obj):
        return ", ".join(speaker.name for speaker in obj.speaker_list)

    @admin.action(description=_("Mark the selected talks attended"), permissions=["change"])
    def mark_attended(self, request, queryset):
        self._set_attended(request, queryset, True)

    @admin.action(description=_("Mark the selected talks not attended"), permissions=["change"])
    def mark_not_attended(self, request, queryset):
        self._set_attended(request, queryset, False)

    def _set_attended(self, request, queryset, attended):
        count = queryset.update(attended=attended)
        message = (
            ngettext("%(n)d talk marked attended.", "%(n)d talks marked attended.", count)
            if attended
            else ngettext(
                "%(n)d talk marked not attended.", "%(n)d talks marked not attended.", count
            )
        )
        self.message_user(request, message % {"n": count}, messages.SUCCESS)


@admin.register(Paper)
class PaperAdmin(
    DateBarUnderAnEventMixin,
    KeepOthersRecordsMixin,
    VisibleRecordsMixin,
    events_admin.TagListMixin,
    admin.ModelAdmin,
):
    list_display = ["title", "event", "presentation", "session", "is_mine", "tag_list"]
    list_select_related = ["event"]
    list_filter = ["presentation", "is_mine"]
    search_fields = ["title", "authors", "abstract", "arxiv_id", "doi", "event__name"]
    date_hierarchy = "event__start_date"
    autocomplete_fields = ["event", "talk", "photos"]


@admin.register(Note)
class NoteAdmin(
    events_admin.OwnerFromRequestMixin,
    VisibleRecordsMixin,
    events_admin.TagListMixin,
    admin.ModelAdmin,
):
    list_display = ["__str__", "event", "subject", "owner", "visibility", "updated_at", "tag_list"]
    list_select_related = ["event", "talk", "paper", "booth", "owner"]
    # "Today / past 7 days / this month / this year" by when the note was written: no
    # query to draw, where a date hierarchy reads the date of every note.
    list_filter = ["visibility", "created_at"]
    search_fields = ["title", "body", "event__name"]
    show_full_result_count = False  # a search does not count all 100,000 notes as well
    autocomplete_fields = ["event", "talk", "paper", "booth", "photos"]
    readonly_fields = ["owner", "created_at", "updated_at"]
    fields = [
        "event",
        ("talk", "paper", "booth"),
        "title",
        "body",
        "visibility",
        "tags",
        "photos",
        "owner",
        ("created_at", "updated_at"),
    ]

    def get_queryset(self, request):
        # Notes are not shared records: staff see their own, even public ones
        # of others are not theirs to edit (VisibleRecordsMixin 404s the rest).
        notes = super().get_queryset(request)
        if request.user.is_superuser:
            return notes
        return notes.filter(owner=request.user)
