"""Admin forms that take any input: what a crafted post holds is a form error, never a 500.

Django's autocomplete widgets and many-to-many choice fields look posted ids
up in the database before checking them; these versions check first.
"""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import connections, router


def usable_id(field, value, using):
    """Whether `value` could be a value of `field` in the database, without asking it.

    Not when `field` cannot read it ("abc" for a number), when it holds a NUL
    (PostgreSQL refuses those), or when it is an integer out of the column's
    range (SQLite raises OverflowError on `__in` with one).
    """
    if "\x00" in str(value):
        return False
    try:
        value = field.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return False
    ops = connections[using].ops
    if isinstance(value, int) and field.get_internal_type() in ops.integer_field_ranges:
        low, high = ops.integer_field_range(field.get_internal_type())
        return low <= value <= high
    return True


class TolerantAutocompleteWidgetMixin:
    """An autocomplete widget that can show a form again whose posted value is no id.

    To show the chosen records, Django's widget looks the posted values up
    with `__in`; a value like "abc", "1\x00" or 2**64 for a numeric id raises
    there, and what should be a form error becomes a 500. Such values are
    left out of the display; the field itself reports them as invalid.

    It also names the widget after its field's label for screen readers
    (static/js/autocomplete-labels.js).
    """

    @property
    def media(self):
        # Naming autocomplete.js first tells Media's merge to put the labels after it.
        labels = forms.Media(js=["admin/js/autocomplete.js", "js/autocomplete-labels.js"])
        return super().media + labels

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        to_field = getattr(remote, "field_name", None) or remote.model._meta.pk.name
        target = remote.model._meta.get_field(to_field)
        using = self.db or router.db_for_read(remote.model)
        usable = [item for item in value if usable_id(target, item, using)]
        return super().optgroups(name, usable, attr)


class TolerantAutocompleteSelect(TolerantAutocompleteWidgetMixin, AutocompleteSelect):
    pass


class TolerantAutocompleteSelectMultiple(
    TolerantAutocompleteWidgetMixin, AutocompleteSelectMultiple
):
    pass


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several records that refuses ids no database column can hold.

    Django checks the chosen ids with `pk__in`, which on SQLite raises
    OverflowError for an integer beyond 64 bits: a 500 instead of an
    "invalid value" form error.
    """

    def clean(self, value):
        model = self.queryset.model
        field = model._meta.get_field(self.to_field_name) if self.to_field_name else model._meta.pk
        for item in value if isinstance(value, list | tuple) else []:
            if not usable_id(field, item, self.queryset.db):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super().clean(value)


class TolerantAutocompleteMixin:
    """A ModelAdmin or inline whose autocomplete widgets and multiple choices take any input.

    Its autocomplete fields use the tolerant widgets, and its many-to-many
    fields the bounded choice field, so that no posted value is a 500.
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = TolerantAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = TolerantAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", BoundedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
