from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag as TaggitTag

from confjournal.admin_access import (
    KeepOthersRecordsInlineMixin,
    KeepOthersRecordsMixin,
    VisibleRecordsMixin,
)
from events.models import Booth, Event, Tag

# The journal uses its own tag model (events.Tag); taggit's stays empty.
admin.site.unregister(TaggitTag)


class TagListMixin:
    """A changelist column of tags, read from the prefetched `tags`."""

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description=_("topics"))
    def tag_list(self, obj):
        return ", ".join(tag.name for tag in obj.tags.all())


class OwnerFromRequestMixin:
    """The owner of a new record is whoever is logged in, never a form field."""

    def save_model(self, request, obj, form, change):
        if not change or not obj.owner_id:
            obj.owner = request.user
        super().save_model(request, obj, form, change)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class BoothInline(KeepOthersRecordsInlineMixin, VisibleRecordsMixin, admin.StackedInline):
    model = Booth
    extra = 0
    fields = ["organization", "kind", "location", "showcase", "swag", "website", "tags"]
    show_change_link = True


@admin.register(Event)
class EventAdmin(
    OwnerFromRequestMixin,
    KeepOthersRecordsMixin,
    VisibleRecordsMixin,
    TagListMixin,
    admin.ModelAdmin,
):
    list_display = [
        "name",
        "start_date",
        "end_date",
        "kind",
        "city",
        "country",
        "parent",
        "visibility",
        "owner",
        "tag_list",
    ]
    list_select_related = ["parent", "owner"]
    list_filter = ["kind", "visibility", "attendance", "role", "country"]
    search_fields = ["name", "series", "slug", "city", "venue", "organizer"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["owner", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {"fields": ["name", "slug", "kind", "parent", "series", "start_date", "end_date"]},
        ),
        (_("Place"), {"fields": ["venue", "city", "country", "time_zone", "attendance"]}),
        (
            _("My part"),
            {"fields": ["role", "organizer", "website", "summary", "tags", "visibility"]},
        ),
        (_("Record"), {"fields": ["owner", "created_at", "updated_at"]}),
    ]
    inlines = [BoothInline]
    save_on_top = True


@admin.register(Booth)
class BoothAdmin(KeepOthersRecordsMixin, VisibleRecordsMixin, TagListMixin, admin.ModelAdmin):
    list_display = ["organization", "event", "kind", "location", "tag_list"]
    list_select_related = ["event"]
    list_filter = ["kind"]
    search_fields = ["organization", "showcase", "swag", "location", "event__name"]
    date_hierarchy = "event__start_date"
    autocomplete_fields = ["event"]
