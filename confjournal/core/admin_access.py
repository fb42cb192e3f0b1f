"""Who reaches which record in the admin: the site's visibility rule, and ownership.

Staff edit shared records by model permission, but through `visible_to(user)`
as the public pages do, and never take other people's records along when
they delete something.
"""

from django.contrib.admin.utils import NestedObjects
from django.core.exceptions import ValidationError
from django.db import router
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from confjournal.core.admin_inputs import PhoneInputsMixin, TolerantAutocompleteMixin


class MissingIs404Mixin:
    """A change, delete or history page of a record outside `get_queryset` is a 404.

    The admin's default, a redirect to the index saying the record was
    "perhaps deleted", is not what a record that is not yours should look like.
    """

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj


class VisibleRecordsMixin(MissingIs404Mixin, TolerantAutocompleteMixin, PhoneInputsMixin):
    """The admin reaches journal records as the site does: through `visible_to`.

    Staff edit shared records by model permission, but another user's private
    event, and everything under it, is not in their lists, not offered in
    their choices and autocompletes, and its pages are a 404 (superusers see
    everything, as `visible_to` says).
    """

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        manager = db_field.remote_field.model._default_manager
        if not hasattr(manager, "visible_to"):
            return queryset
        if queryset is None:
            queryset = manager.using(db).all()
        return queryset.visible_to(request.user)


def owned_by_others_in_cascade(objs, user):
    """Whether deleting `objs` would also delete records owned by someone other than `user`.

    Deleting an event, talk, paper or booth deletes the notes and days under
    it by cascade; other people's notes are theirs to delete.
    """
    if user.is_superuser:
        return False
    objs = list(objs)
    if not objs:
        return False
    collector = NestedObjects(using=router.db_for_write(type(objs[0])))
    collector.collect(objs)
    targets = {(type(obj), obj.pk) for obj in objs}
    for model, instances in collector.data.items():
        if not any(field.name == "owner" for field in model._meta.concrete_fields):
            continue
        for instance in instances:
            if (model, instance.pk) not in targets and instance.owner_id != user.pk:
                return True
    return False


OTHERS_RECORDS = _("notes or days written by other people (ask an administrator)")


class KeepOthersRecordsMixin:
    """A ModelAdmin whose delete page refuses to take other people's records along."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if owned_by_others_in_cascade(objs, request.user):
            perms_needed = {*perms_needed, OTHERS_RECORDS}
        return deleted, counts, perms_needed, protected


class KeepOthersRecordsInlineMixin:
    """An inline whose "delete" box refuses rows that would take other people's records along."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        user = request.user

        class GuardedFormSet(formset):
            def clean(self):
                super().clean()
                doomed = [
                    form.instance
                    for form in self.forms
                    if self._should_delete_form(form) and form.instance.pk is not None
                ]
                if owned_by_others_in_cascade(doomed, user):
                    raise ValidationError(
                        _("This cannot be deleted here: it holds %(what)s."),
                        code="others_records",
                        params={"what": OTHERS_RECORDS},
                    )

        return GuardedFormSet
