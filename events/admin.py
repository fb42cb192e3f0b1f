import datetime
import functools

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag as TaggitTag

from confjournal.core.admin_access import (
    KeepOthersRecordsInlineMixin,
    KeepOthersRecordsMixin,
    VisibleRecordsMixin,
)
from confjournal.core.admin_inputs import RowLimitMixin, SuggestingInput, suggest_visibility
from confjournal.core.tagging import prefetch_topics
from events.models import Booth, Event, FormerSlug, Photo, Tag
from events.photo_forms import OwnPhotosFormSet, PhotoForm, save_photo_form

# The journal uses its own tag model (events.Tag); taggit's stays empty.
admin.site.unregister(TaggitTag)


class TagListMixin:
    """A changelist column of tags, read from the prefetched `topics`."""

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(prefetch_topics())

    @admin.display(description=_("topics"))
    def tag_list(self, obj):
        return ", ".join(tag.name for tag in obj.topics)


class OwnerFromRequestMixin:
    """The owner of a new record is whoever is logged in, never a form field."""

    def save_model(self, request, obj, form, change):
        if not change or not obj.owner_id:
            obj.owner = request.user
        super().save_model(request, obj, form, change)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "aliases", "slug"]
    search_fields = ["name", "aliases", "slug"]
    fields = ["name", "aliases", "slug"]
    prepopulated_fields = {"slug": ["name"]}


def choices_once(field, request):
    """Read a choice field's options now, once for the page, instead of once per inline row.

    A ModelChoiceField runs its queryset each time a form renders it; every
    form of a formset has its own copy, so 300 rows ran it 300 times. With the
    choices made a list here, the copies share it, and so do the page's other
    inlines choosing among the same event's records. Posted values are still
    checked against the field's queryset.
    """
    if field is None or not hasattr(field, "queryset"):
        return field
    read = request.__dict__.setdefault("event_choices", {})
    key = field.queryset.model
    if key not in read:
        # A comprehension, not list(): list() asks the iterator's length first, a COUNT.
        read[key] = [choice for choice in field.choices]  # noqa: C416
    field.choices = read[key]
    return field


class CappedInlineMixin:
    """An inline that shows an event's first `shown` rows, and links to the rest.

    A conference with an imported programme has hundreds of talks (and a busy one
    hundreds of papers and notes): every one as a stacked form made the change page
    megabytes long and seconds slow. The first rows stay editable here, "add another" still
    adds rows, and the rest are a click away in the model's list, filtered by the
    event. Posted rows are checked against the same first rows.
    """

    shown = 5
    template = "admin/edit_inline/capped_stacked.html"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        shown = self.shown

        class CappedFormSet(formset):
            def get_queryset(self):
                # A list of the first rows (formsets only index, count and iterate it);
                # one row more is read to know whether there are others, not counted.
                if not hasattr(self, "_queryset"):
                    self.all_rows = super().get_queryset()
                    rows = list(self.all_rows[: shown + 1])
                    self.more_rows = len(rows) > shown
                    self._queryset = rows[:shown]
                return self._queryset

        return CappedFormSet


class BoothInline(
    CappedInlineMixin, KeepOthersRecordsInlineMixin, VisibleRecordsMixin, admin.StackedInline
):
    model = Booth
    extra = 0
    fields = ["organization", "kind", "location", "showcase", "swag", "website", "tags"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")  # not a query per row


def typed_places(user, most=500):
    """{"city": [...], "venue": [...]}: what `user` typed before, read in one query."""
    rows = (
        Event.objects.visible_to(user)
        .exclude(city="", venue="")
        .values_list("city", "venue")
        .distinct()
        .order_by()[: most * 4]
    )
    cities, venues = set(), set()
    for city, venue in rows:
        cities.add(city)
        venues.add(venue)
    return {"city": sorted(cities - {""})[:most], "venue": sorted(venues - {""})[:most]}


@admin.register(Event)
class EventAdmin(
    RowLimitMixin,
    OwnerFromRequestMixin,
    KeepOthersRecordsMixin,
    VisibleRecordsMixin,
    TagListMixin,
    admin.ModelAdmin,
):
    list_display = ["full_name", "start_date", "kind", "visibility"]
    list_filter = ["kind", "visibility", "attendance", "role", "country"]
    search_fields = ["name", "series", "slug", "city", "venue", "organizer"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["owner", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "kind",
                    "parent",
                    ("start_date", "end_date"),
                    "visibility",
                    "tags",
                ]
            },
        ),
        (_("Place"), {"fields": ["venue", "city", "country"]}),
        (
            _("More about it"),
            {
                "classes": ["collapse"],
                "fields": [
                    "summary",
                    "series",
                    "organizer",
                    "website",
                    "attendance",
                    "role",
                    "time_zone",
                    "slug",
                    "cover_photo",
                ],
            },
        ),
        (_("Record"), {"classes": ["collapse"], "fields": ["owner", "created_at", "updated_at"]}),
    ]
    inlines = [BoothInline]
    save_on_top = True
    # What a day or side event takes from its parent when added from it (?parent=<pk>).
    inherited = [
        "kind", "series", "venue", "city", "country", "time_zone", "attendance", "role",
        "organizer", "visibility",
    ]  # fmt: skip

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        old = form.initial.get("slug")
        if change and old and "slug" in form.changed_data:
            # The old address keeps working: it redirects to the new one (events/slugs.py).
            FormerSlug.objects.update_or_create(slug=old, defaults={"event": obj})

    def get_queryset(self, request):
        # The parent names a day in the list; the owner is shown on the event's page. (A
        # queryset that selects related rows already is taken as is by the list.)
        return super().get_queryset(request).select_related("parent", "owner")

    @admin.display(description=_("name"), ordering="name")
    def full_name(self, event):
        """A day with its conference's name before it (`Event.full_name`)."""
        return event.full_name

    def get_fieldsets(self, request, obj=None):
        """On an event already saved, what was logged at it comes first (the template puts
        the rows above) and the event's own fields are folded under its name."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [
            (name or _("Event details"), {**options, "classes": ["collapse"]})
            for name, options in fieldsets
        ]

    def get_changeform_initial_data(self, request):
        """Django's GET prefill; with ?parent=<pk> of an event the user may see, the form
        starts as a day or side event of it, on the first of its days without one."""
        initial = super().get_changeform_initial_data(request)
        parent = self._parent_from(request)
        if parent is None:
            initial.pop("parent", None)
            return initial
        for name in self.inherited:
            initial.setdefault(name, getattr(parent, name))
        taken = set(parent.children.values_list("start_date", flat=True))
        day = parent.start_date
        while day in taken and day < parent.end_date:
            day += datetime.timedelta(days=1)
        initial.setdefault("start_date", day)
        initial.setdefault("end_date", day)
        return initial

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            # A new event offers the cities and venues typed before.
            places = functools.cache(lambda: typed_places(request.user))
            for name in ("city", "venue"):
                form.base_fields[name].widget = SuggestingInput(
                    lambda name=name: places()[name], form.base_fields[name].widget.attrs
                )
        parent = obj.parent if obj is not None else self._parent_from(request)
        if parent is not None:
            # A phone's date picker opens on the parent's days and offers only those.
            for name in ("start_date", "end_date"):
                if name in form.base_fields:
                    form.base_fields[name].widget.attrs.update(
                        min=parent.start_date.isoformat(), max=parent.end_date.isoformat()
                    )
        return form

    def _parent_from(self, request):
        pk = request.GET.get("parent", "")
        if not pk.isdigit() or len(pk) > 18:
            return None
        events = Event.objects.visible_to(request.user).filter(parent__isnull=True)
        return events.filter(pk=int(pk)).first()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "cover_photo":
            object_id = request.resolver_match.kwargs.get("object_id")
            photos = Photo.objects.visible_to(request.user)
            kwargs["queryset"] = photos.filter(event_id=object_id) if object_id else photos.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Photo:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for photo in formset.deleted_objects:
            photo.delete()
        for photo_form in formset.forms:
            if photo_form.has_changed() and photo_form not in formset.deleted_forms:
                save_photo_form(photo_form, request.user)
        formset.save_m2m()
        return None


@admin.register(Booth)
class BoothAdmin(KeepOthersRecordsMixin, VisibleRecordsMixin, TagListMixin, admin.ModelAdmin):
    list_display = ["organization", "event", "kind", "location", "tag_list"]
    list_select_related = ["event__parent"]
    list_filter = ["kind"]
    search_fields = ["organization", "showcase", "swag", "location", "event__name"]
    date_hierarchy = "event__start_date"
    autocomplete_fields = ["event"]


@admin.display(description=_("photo"))
def photo_preview(photo):
    """The narrowest thumbnail, for lists and forms."""
    if photo is None or not photo.image:
        return "-"
    url, width, height = photo.small
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}" class="photo-preview">',
        url,
        min(width, 160),
        round(height * min(width, 160) / width),
        photo.alt_text,
    )


class OwnPhotosMixin:
    """Photos are personal, like notes: staff see and edit their own; superusers all."""

    def get_queryset(self, request):
        photos = super().get_queryset(request)
        if request.user.is_superuser:
            return photos
        return photos.filter(owner=request.user)


class PhotoInline(OwnPhotosMixin, VisibleRecordsMixin, admin.StackedInline):
    model = Photo
    form = PhotoForm
    formset = OwnPhotosFormSet
    extra = 0
    fields = ["preview", "upload", "alt_text", "caption", "booth", "taken_at", "visibility"]
    readonly_fields = ["preview"]
    show_change_link = True

    @admin.display(description=_("photo"))
    def preview(self, obj):
        return photo_preview(obj if obj and obj.pk else None)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        suggest_visibility(formset.form, "visibility", Photo, request, obj.pk if obj else None)
        return formset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "booth":
            object_id = request.resolver_match.kwargs.get("object_id")
            booths = Booth.objects.visible_to(request.user)
            kwargs["queryset"] = booths.filter(event_id=object_id) if object_id else booths.none()
            return choices_once(
                super().formfield_for_foreignkey(db_field, request, **kwargs), request
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Photo)
class PhotoAdmin(OwnPhotosMixin, VisibleRecordsMixin, admin.ModelAdmin):
    form = PhotoForm
    list_display = ["preview", "alt_text", "event", "booth", "taken_at", "visibility", "owner"]
    list_display_links = ["preview", "alt_text"]
    list_select_related = ["event__parent", "booth", "owner"]
    list_filter = ["visibility"]
    search_fields = ["alt_text", "caption", "event__name", "booth__organization"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["event", "booth"]
    readonly_fields = ["preview", "owner", "created_at"]
    fields = [
        "event",
        "booth",
        "upload",
        "preview",
        "alt_text",
        "caption",
        "taken_at",
        "visibility",
        ("owner", "created_at"),
    ]

    @admin.display(description=_("photo"))
    def preview(self, obj):
        return photo_preview(obj if obj and obj.pk else None)

    def save_model(self, request, obj, form, change):
        save_photo_form(form, request.user)
