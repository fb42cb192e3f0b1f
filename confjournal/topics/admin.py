"""The topics' admin: topics on records the user may see, and unused ones; merging two
names for one topic into one."""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from confjournal.core.admin_access import MissingIs404Mixin
from confjournal.core.visibility import sees_everything
from events import admin as events_admin
from events.models import Tag, TaggedItem
from talks.models import visible_topics

admin.site.unregister(Tag)


@admin.register(Tag)
class JournalTagAdmin(MissingIs404Mixin, events_admin.TagAdmin):
    """Topics on records the user may see, and unused ones.

    A topic used only on other people's private records is not there.
    """

    def get_queryset(self, request):
        tags = super().get_queryset(request)
        if sees_everything(request.user):
            return tags
        unused = ~Exists(TaggedItem.objects.filter(tag=OuterRef("pk")))
        return tags.filter(Q(pk__in=visible_topics(request.user).values("pk")) | Q(unused))

    actions = ["merge_topics"]

    @admin.action(
        description=gettext_lazy("Merge the selected topics into the oldest one"),
        permissions=["change", "delete"],
    )
    def merge_topics(self, request, queryset):
        """One topic under several names (bayesian, 베이지안): every record tagged with any
        of them keeps the oldest, which takes the others' names as its other names."""
        topics = list(queryset.order_by("pk"))
        if len(topics) < 2:
            self.message_user(request, _("Pick two topics or more to merge."), messages.ERROR)
            return
        keep, others = topics[0], topics[1:]
        with transaction.atomic():
            for other in others:
                tagged = TaggedItem.objects.filter(tag=other)
                both = TaggedItem.objects.filter(
                    tag=keep,
                    content_type=OuterRef("content_type"),
                    object_id=OuterRef("object_id"),
                )
                tagged.filter(Exists(both)).delete()  # already tagged with the one kept
                tagged.update(tag=keep)
            names = [*keep.alias_list]
            for other in others:
                names += [other.name, *other.alias_list]
            aliases, seen = [], {keep.name.casefold()}
            for name in names:
                if name.casefold() not in seen:
                    seen.add(name.casefold())
                    aliases.append(name)
            keep.aliases = "\n".join(aliases)
            keep.save(update_fields=["aliases"])
            Tag.objects.filter(pk__in=[other.pk for other in others]).delete()
        self.message_user(
            request,
            _("Merged %(merged)s into %(kept)s.")
            % {"merged": ", ".join(other.name for other in others), "kept": keep.name},
            messages.SUCCESS,
        )
