"""Entry forms for talks, papers, speakers and notes.

The inlines for an event's page are defined here too; confjournal/entry puts them
under the event, beside the booths and photos, so that `events` never imports `talks`.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.forms.models import BaseInlineFormSet
from django.utils.timezone import localdate
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
    ReturnToNextMixin,
    RowLimitMixin,
    TolerantAutocompleteSelect,
    TolerantAutocompleteSelectMultiple,
    suggest_visibility,
)
from confjournal.core.text import nfc
from confjournal.core.visibility import Visibility, sees_everything
from events import admin as events_admin
from events.models import Event
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


class NoteAboutItForm(forms.ModelForm):
    """A talk, paper or booth form with a note about it, saved with it in the same post:
    no saving first to have something to point the note at.

    The admin calls `save_note(user)` once the record is saved; an empty note is none.
    """

    note = forms.CharField(
        label=_("My note about it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Saved as a note of yours about this; Markdown."),
    )
    note_visibility = forms.ChoiceField(
        label=_("note visibility"),
        choices=Visibility.choices,
        initial=Visibility.PRIVATE,
        required=False,  # a post without it: the initial choice
    )

    def save_note(self, user):
        body = (self.cleaned_data.get("note") or "").strip()
        if not body or self.instance.pk is None:
            return None
        about = self._meta.model._meta.model_name
        visibility = (
            self.cleaned_data.get("note_visibility") or self.fields["note_visibility"].initial
        )
        return Note.objects.create(
            event_id=self.instance.event_id,
            owner=user,
            body=body,
            visibility=visibility,
            **{about: self.instance},
        )


class NoteAboutItAdminMixin:
    """An admin (or inline) whose form is a NoteAboutItForm: the form learns who is
    writing, the note's visibility starts as the user's last choice at the event, and
    the note is saved once the record is (`save_related`; inlines: the event's
    `save_formset`)."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        event = obj.event_id if obj is not None else request.GET.get("event")
        return self._for_writer(form, request, event)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        self._for_writer(formset.form, request, obj.pk if obj is not None else None)
        return formset

    def _for_writer(self, form, request, event):
        form.user = request.user
        suggest_visibility(form, "note_visibility", Note, request, event)
        return form

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if isinstance(form, NoteAboutItForm):  # not the list's tick boxes
            form.save_note(request.user)


def speaker_called(name, user):
    """The speaker `user` may pick whose name or other spelling is `name` (NFC, case and
    spaces folded), or a new one."""
    name = " ".join(nfc(name).split())[: Speaker._meta.get_field("name").max_length]
    folded = name.casefold()
    for speaker in speakers_for(user).filter(Q(name__icontains=name) | Q(aliases__icontains=name)):
        if folded in {" ".join(s.split()).casefold() for s in [speaker.name, *speaker.alias_list]}:
            return speaker
    speaker = Speaker(name=name)
    speaker.clean()  # its slug
    speaker.save()
    return speaker


class TalkForm(NoteAboutItForm):
    """A talk with its speakers in order (the order in which they were picked, then the
    new ones typed by name) and a note about it."""

    user = None  # who is writing: set by the admin (NoteAboutItAdminMixin)
    new_speakers = forms.CharField(
        label=_("New speakers"),
        required=False,
        max_length=1000,
        help_text=_(
            "Names not in the list yet, separated by commas: each becomes a speaker "
            "(or is found, if already there under that name or another spelling)."
        ),
    )

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

    def _new_speakers(self):
        typed = self.cleaned_data.get("new_speakers") or ""
        names = [name.strip() for name in typed.replace("、", ",").split(",") if name.strip()]
        return [speaker_called(name, self.user) for name in dict.fromkeys(names)]

    def save(self, commit=True):
        # Speakers go through TalkSpeaker with a position, once the talk is saved: taken
        # out of cleaned_data, Django's many-to-many saving leaves them alone.
        picked = self._ordered_speakers() if "speakers" in self.cleaned_data else None
        self.cleaned_data.pop("speakers", None)
        talk = super().save(commit=commit)
        if commit:
            self._save_speakers(picked)
        else:  # the admin saves the many-to-many fields later, through save_m2m()
            save_m2m = self.save_m2m

            def save_m2m_and_speakers():
                save_m2m()
                self._save_speakers(picked)

            self.save_m2m = save_m2m_and_speakers
        return talk

    def _save_speakers(self, picked):
        # `picked` is None when the form has no speaker picker (the typed names then add
        # to the speakers the talk has); an empty pick means none of them.
        speakers, new = picked, self._new_speakers()
        if new:
            kept = picked if picked is not None else list(self.instance.speakers.all())
            speakers = [*kept, *new]
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
            field = events_admin.choices_once(field, request)
            if field is not None and len(field.choices) > self.select_limit + 1:
                labels = {str(value): label for value, label in field.choices if value != ""}
                widget = ChosenOnlyAutocompleteSelect(db_field, self.admin_site, labels)
                widget.is_required = field.required
                widget.choices = field.choices
                field.widget = widget
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TalkInline(
    NoteAboutItAdminMixin,
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
        "new_speakers",
        ("date", "start_time", "end_time"),
        "room",
        ("rating", "is_mine", "attended"),
        "tags",
        ("note", "note_visibility"),
    ]
    show_change_link = True

    def get_fields(self, request, obj=None):
        return self.layout

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and "date" in formset.form.base_fields:
            formset.form.base_fields["date"].initial = obj.start_date  # a new row's date
        return formset

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
    NoteAboutItAdminMixin,
    events_admin.CappedInlineMixin,
    EventChildInlineMixin,
    KeepOthersRecordsInlineMixin,
    VisibleRecordsMixin,
    admin.StackedInline,
):
    model = Paper
    extra = 0
    form = NoteAboutItForm
    fields = [
        "title", "authors", "presentation", "session", "url", "is_mine", "talk", "tags",
        ("note", "note_visibility"),
    ]  # fmt: skip
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

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        suggest_visibility(formset.form, "visibility", Note, request, obj.pk if obj else None)
        return formset

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


def on_one_event(request):
    """The talk list is filtered to one event: its programme, one day at a time."""
    return any(name.startswith("event__") for name in request.GET)


class DateBarUnderAnEventMixin:
    """The date bar (date_hierarchy) only on a list filtered to one event.

    Drawing it reads the year of every row through a Python function on SQLite: cheap
    for one event's programme, which is where it is used (ticking an imported
    programme one day at a time), not for every talk of the journal.
    """

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        scoped = on_one_event(request)

        class DateBarChangeList(changelist):
            def __init__(self, request, model, list_display, links, filters, date_bar, *rest):
                date_bar = date_bar if scoped else None
                super().__init__(request, model, list_display, links, filters, date_bar, *rest)

        return DateBarChangeList


@admin.register(Talk)
class TalkAdmin(
    NoteAboutItAdminMixin,
    ReturnToNextMixin,
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
    list_select_related = ["event__parent"]
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
    layout = [
        (None, {"fields": ["event", "title", "kind", "speakers", "new_speakers"]}),
        (_("When and where"), {"fields": [("date", "start_time", "end_time"), "room"]}),
        (_("Me"), {"fields": ["rating", "is_mine", "attended", "note", "note_visibility"]}),
        (_("Content"), {"fields": ["abstract", "slides_url", "video_url", "tags", "photos"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        return self.layout

    def get_changeform_initial_data(self, request):
        """?event=<pk> (the event page's "Add a talk") fills in the event and its first day."""
        initial = super().get_changeform_initial_data(request)
        pk = request.GET.get("event", "")
        if pk.isdigit() and len(pk) <= 18 and "date" not in initial:
            event = Event.objects.visible_to(request.user).filter(pk=int(pk))
            initial["date"] = event.values_list("start_date", flat=True).first()
        return initial

    def get_queryset(self, request):
        return super().get_queryset(request).with_speakers()

    def get_ordering(self, request):
        """One event's programme in its running order; otherwise the latest talks first.

        Undated and untimed talks come after the others on both databases, which read
        this order from an index rather than sort every talk (migration talks 0012). A
        session after midnight goes by its clock time here, not after its evening."""
        if on_one_event(request):
            return []
        return [F("date").desc(nulls_last=True), F("start_time").desc(nulls_last=True), "-id"]

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
    NoteAboutItAdminMixin,
    ReturnToNextMixin,
    DateBarUnderAnEventMixin,
    KeepOthersRecordsMixin,
    VisibleRecordsMixin,
    events_admin.TagListMixin,
    admin.ModelAdmin,
):
    form = NoteAboutItForm
    list_display = ["title", "event", "presentation", "session", "is_mine", "tag_list"]
    list_select_related = ["event__parent"]
    list_filter = ["presentation", "is_mine"]
    search_fields = ["title", "authors", "abstract", "arxiv_id", "doi", "event__name"]
    date_hierarchy = "event__start_date"
    autocomplete_fields = ["event", "talk", "photos"]


@admin.register(Note)
class NoteAdmin(
    ReturnToNextMixin,
    events_admin.OwnerFromRequestMixin,
    VisibleRecordsMixin,
    events_admin.TagListMixin,
    admin.ModelAdmin,
):
    list_display = ["__str__", "event", "subject", "owner", "visibility", "updated_at", "tag_list"]
    list_select_related = ["event__parent", "talk", "paper", "booth", "owner"]
    # "Today / past 7 days / this month / this year" by when the note was written: no
    # query to draw, where a date hierarchy reads the date of every note.
    list_filter = ["visibility", "highlight", "created_at"]
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
        "highlight",
        "tags",
        "photos",
        "owner",
        ("created_at", "updated_at"),
    ]

    def get_changeform_initial_data(self, request):
        """A quick note: ?event=, ?talk=, ?paper= or ?booth= fill it in; with none, the
        event is the one the user is at (or was at last)."""
        initial = super().get_changeform_initial_data(request)
        event = self._event_written_about(request)
        if event is not None:
            initial["event"] = event
        return initial

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            event = self._event_written_about(request)
            suggest_visibility(form, "visibility", Note, request, event)
        return form

    def _event_written_about(self, request):
        """The id of the event a new note is about, from the address or the calendar
        (read once a request: the initial data and the form both ask)."""
        if not hasattr(request, "note_event"):
            request.note_event = self._find_event_written_about(request)
        return request.note_event

    def _find_event_written_about(self, request):
        for name in ("talk", "paper", "booth"):
            pk = request.GET.get(name, "")
            if pk.isdigit() and len(pk) <= 18 and not request.GET.get("event"):
                related = Note._meta.get_field(name).related_model
                found = related.objects.visible_to(request.user).filter(pk=int(pk))
                return found.values_list("event_id", flat=True).first()
        if "event" in request.GET:
            return request.GET["event"]
        event = Event.objects.visible_to(request.user).latest_for(request.user, localdate())
        return event.pk if event else None

    def get_queryset(self, request):
        # Notes are not shared records: staff see their own, even public ones
        # of others are not theirs to edit (VisibleRecordsMixin 404s the rest).
        notes = super().get_queryset(request)
        if request.user.is_superuser:
            return notes
        return notes.filter(owner=request.user)
