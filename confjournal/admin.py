"""Django's own Group admin, with the journal's guard on its permission choices."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group

from confjournal.admin_inputs import BoundedModelMultipleChoiceField


class JournalGroupAdmin(GroupAdmin):
    """Groups (Editors, Contributors): an out-of-range permission id is a form error."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        kwargs.setdefault("form_class", BoundedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request=request, **kwargs)


admin.site.unregister(Group)
admin.site.register(Group, JournalGroupAdmin)
