"""Admin inputs: what a crafted post holds is a form error, never a 500; what a phone can
enter is accepted; a form says what it will do and goes back where it was opened from.

Django's autocomplete widgets and many-to-many choice fields look posted ids
up in the database before checking them; these versions check first. Dates and
times are the browser's own inputs (a phone shows its date and time pickers), and a
typed date may be written year first as Koreans write it: 2023.07.13, 2023. 7. 13.
"""

import copy
import datetime
import re

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import BadRequest, ValidationError
from django.db import connections, models, router
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

# Year, month, day in that order, with -, /, . or 년 월 일 between (and spaces).
YEAR_FIRST = re.compile(r"(\d{4})\s*(?:[-/.]|년)\s*(\d{1,2})\s*(?:[-/.]|월)\s*(\d{1,2})\s*[.일]?")


class YearFirstDateField(forms.DateField):
    """A date typed year first: 2023-07-13, 2023.07.13, 2023. 7. 13., 2023/7/13, 2023년 7월 13일."""

    default_error_messages = {
        "invalid": _("Enter a date as 2023-07-13 (2023.07.13 and 2023. 7. 13. work too)."),
    }

    def to_python(self, value):
        if isinstance(value, str):
            match = YEAR_FIRST.fullmatch(value.strip())
            if match:
                try:
                    return datetime.date(*map(int, match.groups()))
                except ValueError:
                    raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(value)


class NativeDateInput(forms.DateInput):
    """The browser's date input: a phone opens its date picker."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class NativeTimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class NativeDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class PhoneInputsMixin:
    """A ModelAdmin or inline whose dates and times use the browser's own inputs."""

    formfield_overrides = {
        models.DateField: {"form_class": YearFirstDateField, "widget": NativeDateInput},
        models.TimeField: {"widget": NativeTimeInput},
        models.DateTimeField: {"form_class": forms.DateTimeField, "widget": NativeDateTimeInput},
    }


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


class RowLimitMixin:
    """A ModelAdmin that refuses a post announcing more rows than a form can hold.

    A formset builds and checks as many forms as its posted TOTAL_FORMS says (Django
    caps it at 2,000 per formset): a crafted post made the event page run for minutes
    inside its transaction, holding SQLite's write lock. Here such a post is a 400
    before anything is read or written.
    """

    max_rows = 500

    def _refuse_too_many_rows(self, request):
        if request.method != "POST":
            return
        for key, value in request.POST.items():
            if key.endswith("-TOTAL_FORMS") and not (
                value.isdigit() and int(value) <= self.max_rows
            ):
                raise BadRequest(f"{key} must be a number of rows up to {self.max_rows}.")

    def changeform_view(self, request, *args, **kwargs):
        self._refuse_too_many_rows(request)
        return super().changeform_view(request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        self._refuse_too_many_rows(request)
        return super().changelist_view(request, *args, **kwargs)


class ReturnToNextMixin:
    """A ModelAdmin whose add and change forms, opened with ?next=<page of this site>,
    go back to that page when saved (a note written from the event page returns there).

    The form posts to its own address, so `next` is in the query string of the post too.
    "Save and add another" and "Save and continue" keep their usual ways.
    """

    def _next_page(self, request):
        target = request.GET.get("next", "")
        chosen_other = {"_addanother", "_continue", "_saveasnew", "_popup"} & set(request.POST)
        safe = url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return target if target and safe and not chosen_other else None

    def response_add(self, request, obj, post_url_continue=None):
        target = self._next_page(request)
        if target:
            self.message_user(request, _("Saved “%(record)s”.") % {"record": obj}, messages.SUCCESS)
            return HttpResponseRedirect(target)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        target = self._next_page(request)
        if target:
            self.message_user(request, _("Saved “%(record)s”.") % {"record": obj}, messages.SUCCESS)
            return HttpResponseRedirect(target)
        return super().response_change(request, obj)


def remember_visibilities(request, event_id, models):
    """Read the user's last choice at the event for each of `models` (notes, photos) in
    one query, for the `suggest_visibility` calls of the request (None: there is none,
    or `event_id` names no event)."""
    known = request.__dict__.setdefault("remembered_visibility", {})
    event_id = str(event_id or "")
    row = {}
    if event_id.isdigit() and len(event_id) <= 18:
        events = models[0]._meta.get_field("event").related_model.objects
        last = {
            f"last_{model._meta.model_name}": Subquery(
                model.objects.filter(owner=request.user.pk, event=OuterRef("pk"))
                .order_by("-created_at", "-pk")
                .values("visibility")[:1]
            )
            for model in models
        }
        row = events.filter(pk=int(event_id)).values(**last).first() or {}
    for model in models:
        known[model, event_id] = row.get(f"last_{model._meta.model_name}")


def suggest_visibility(form_class, name, model, request, event_id):
    """Start a new record's visibility field (`name` of `form_class`) as the user's last
    choice at the event (else as the field's default, private) and say so under it,
    before anything is saved. Read once a request for each model and event (the event
    page's rows all ask).

    The field is copied first: a field declared on a form class (a talk's note
    visibility) is shared by every form class made from it, in every request.
    """
    if name not in form_class.base_fields:
        return
    field = form_class.base_fields[name] = copy.deepcopy(form_class.base_fields[name])
    known = request.__dict__.setdefault("remembered_visibility", {})
    if (model, str(event_id or "")) not in known:
        remember_visibilities(request, event_id, [model])
    remembered = known[model, str(event_id or "")]
    if remembered is not None:
        field.initial = remembered
        field.help_text = (
            _("Public, like your last one at this event: anyone can read it.")
            if remembered == "public"
            else _("Private, like your last one at this event: only you can see it.")
        )
    elif field.initial == "private":
        field.help_text = _("Private until you choose Public: only you can see it.")


class SuggestingInput(forms.TextInput):
    """A text input offering the values typed before (an HTML datalist): the same city is
    spelled the same way the next time. `suggestions` is read when the form is drawn."""

    template_name = "confjournal/widgets/suggesting_input.html"

    def __init__(self, suggestions, attrs=None):
        super().__init__(attrs)
        self.suggestions = suggestions

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_id = context["widget"]["attrs"].get("id") or name
        context["widget"]["attrs"]["list"] = f"{widget_id}_typed"
        context["widget"]["suggestions"] = self.suggestions()
        return context
