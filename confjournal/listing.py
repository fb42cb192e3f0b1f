"""The one shared list view: a ListView whose GET parameters go through a form."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView


class FilteredListView(ListView):
    """ListView filtered by a form over the query string.

    Values that do not validate (an unknown kind, year=abc) answer 400 with
    the page and the form's errors, instead of being silently ignored.
    """

    filter_form_class = None
    paginate_by = settings.PAGINATE_BY

    def get(self, request, *args, **kwargs):
        self.filters = self.filter_form_class(request.GET) if self.filter_form_class else None
        if self.filters is not None and not self.filters.is_valid():
            self.object_list = self.get_queryset().none()
            context = self.get_context_data(object_list=self.object_list)
            return self.render_to_response(context, status=400)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        queryset = self.base_queryset()
        if self.filters is not None and self.filters.is_bound and self.filters.is_valid():
            queryset = self.filter_queryset(queryset, self.filters.cleaned_data)
        return queryset

    def base_queryset(self):
        raise NotImplementedError

    # Form field -> ORM lookup; each filter given in the query string narrows the list.
    filter_lookups = {}

    def filter_queryset(self, queryset, filters):
        for name, lookup in self.filter_lookups.items():
            if filters.get(name):
                queryset = queryset.filter(**{lookup: filters[name]})
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filters"] = self.filters
        context["filtering"] = bool(
            self.filters is not None
            and self.filters.is_bound
            and self.filters.is_valid()
            and any(self.filters.cleaned_data.values())
        )
        return context


# The lookups of TagYearFilterForm for records that belong to an event.
EVENT_RECORD_LOOKUPS = {"year": "event__start_date__year", "tag": "tags__slug"}


class TagYearFilterForm(forms.Form):
    """Filters every list shares: a topic (tag slug) and a year."""

    tag = forms.SlugField(label=_("Topic"), allow_unicode=True, max_length=100, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200, required=False)
