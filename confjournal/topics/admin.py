"""The topics' admin: topics on records the user may see, and unused ones."""

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q

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
