"""The journal-wide admin: its name, the event page with everything under it, the topics,
and Django's own Group admin with the journal's guard on its permission choices.

Autodiscovered after events/admin.py and talks/admin.py: confjournal comes after both
apps in INSTALLED_APPS.
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from confjournal.core.admin_inputs import BoundedModelMultipleChoiceField
from confjournal.entry import admin as entry_admin  # noqa: F401 - registers the Event admin
from confjournal.topics import admin as topics_admin  # noqa: F401 - registers the Tag admin

admin.site.site_header = "ConfJournal"
admin.site.site_title = "ConfJournal"
admin.site.index_title = _("Your journal")


class JournalGroupAdmin(GroupAdmin):
    """Groups (Editors, Contributors): an out-of-range permission id is a form error."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        kwargs.setdefault("form_class", BoundedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request=request, **kwargs)


admin.site.unregister(Group)
admin.site.register(Group, JournalGroupAdmin)
