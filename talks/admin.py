"""Entry forms for talks, papers, speakers and notes.

The event's admin page is where a day is logged, with talks, papers, booths
and notes as inlines under it. Its inlines for talks-side models are added
here, not in `events.admin`, so that `events` never imports `talks`.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from events import admin as events_admin
from events.models import Event
from talks.models import Note, Paper, Speaker, Talk


class OrderedAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    """Autocomplete that renders the chosen options in the order they were chosen.

    Django's widget lists selected options in database order; for speakers
    the order is the talk's order of speakers.
    """

    def optgroups(self, name, value, attr=None):
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
            self.initial["speakers"] = [
                link.speaker_id for link in self.instance.talk_speakers.all()
            ]

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
            return forms.ModelMultipleChoiceField(
                queryset=Speaker.objects.all(),
                required=False,
                label=db_field.verbose_name.capitalize(),
                help_text=_("Type to search; the order you pick is the order shown."),
                **kwargs,
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class EventChildInlineMixin:
    """Limits an inline's talk/paper/booth choices to the event being edited."""

    event_scoped_fields = ("talk", "paper", "booth")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.event_scoped_fields:
            object_id = request.resolver_match.kwargs.get("object_id")
            related = db_field.remote_field.model._default_manager
            kwargs["queryset"] = related.filter(event_id=object_id) if object_id else related.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TalkInline(SpeakersFieldMixin, admin.StackedInline):
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

    def get_fields(self, request, obj=None):
        return self.layout

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("talk_speakers", "speakers", "tags")


class PaperInline(EventChildInlineMixin, admin.StackedInline):
    model = Paper
    extra = 0
    fields = ["title", "authors", "presentation", "session", "url", "is_mine", "talk", "tags"]
    show_change_link = True


class NoteInline(EventChildInlineMixin, admin.StackedInline):
    model = Note
    extra = 0
    fields = ["title", "body", ("talk", "paper", "booth"), "visibility", "tags"]
    show_change_link = True

    def get_queryset(self, request):
        notes = super().get_queryset(request)
        if request.user.is_superuser:
            return notes
        return notes.filter(owner=request.user)


admin.site.unregister(Event)


@admin.register(Event)
class JournalEventAdmin(events_admin.EventAdmin):
    inlines = [TalkInline, PaperInline, events_admin.BoothInline, NoteInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Note:
            return super().save_formset(request, form, formset, change)
        notes = formset.save(commit=False)
        for note in formset.deleted_objects:
            note.delete()
        for note in notes:
            if note.owner_id is None:
                note.owner = request.user
            note.save()
        formset.save_m2m()
        return None


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "aliases", "affiliation"]
    search_fields = ["name", "aliases", "affiliation"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Talk)
class TalkAdmin(SpeakersFieldMixin, events_admin.TagListMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "event",
        "date",
        "start_time",
        "kind",
        "speaker_names",
        "attended",
        "rating",
        "tag_list",
    ]
    list_select_related = ["event"]
    list_filter = ["kind", "attended", "is_mine", "rating"]
    search_fields = [
        "title",
        "abstract",
        "room",
        "speakers__name",
        "speakers__aliases",
        "event__name",
    ]
    date_hierarchy = "date"
    autocomplete_fields = ["event"]
    layout = [
        (None, {"fields": ["event", "title", "kind", "speakers"]}),
        (_("When and where"), {"fields": [("date", "start_time", "end_time"), "room"]}),
        (_("Content"), {"fields": ["abstract", "slides_url", "video_url", "tags"]}),
        (_("Me"), {"fields": ["rating", "is_mine", "attended"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        return self.layout

    def get_queryset(self, request):
        return super().get_queryset(request).with_speakers()

    @admin.display(description=_("speakers"))
    def speaker_names(self, obj):
        return ", ".join(speaker.name for speaker in obj.speaker_list)


@admin.register(Paper)
class PaperAdmin(events_admin.TagListMixin, admin.ModelAdmin):
    list_display = ["title", "event", "presentation", "session", "is_mine", "tag_list"]
    list_select_related = ["event"]
    list_filter = ["presentation", "is_mine"]
    search_fields = ["title", "authors", "abstract", "arxiv_id", "doi", "event__name"]
    date_hierarchy = "event__start_date"
    autocomplete_fields = ["event", "talk"]


@admin.register(Note)
class NoteAdmin(events_admin.OwnerFromRequestMixin, events_admin.TagListMixin, admin.ModelAdmin):
    list_display = ["__str__", "event", "subject", "owner", "visibility", "updated_at", "tag_list"]
    list_select_related = ["event", "talk", "paper", "booth", "owner"]
    list_filter = ["visibility"]
    search_fields = ["title", "body", "event__name"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["event", "talk", "paper", "booth"]
    readonly_fields = ["owner", "created_at", "updated_at"]
    fields = [
        "event",
        ("talk", "paper", "booth"),
        "title",
        "body",
        "visibility",
        "tags",
        "owner",
        ("created_at", "updated_at"),
    ]

    def get_queryset(self, request):
        notes = super().get_queryset(request)
        if request.user.is_superuser:
            return notes
        return notes.filter(owner=request.user)

    def get_object(self, request, object_id, from_field=None):
        note = super().get_object(request, object_id, from_field)
        if note is None and object_id:
            # Another user's note is not there at all, rather than "not allowed".
            raise Http404
        return note
