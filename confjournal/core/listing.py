"""The one shared list view: a ListView whose GET parameters go through a form."""

import contextlib
import datetime

from django import forms
from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView


class LookaheadPaginator(Paginator):
    """A paginator that counts no further than a few pages past the one asked for.

    Counting every row of a long list (100,000 notes) costs more than showing a
    page of it: the count reads the whole filtered set, the page only its first
    rows along an index. So the count stops `lookahead` pages past the page
    asked for; when it stops there, `capped` is true and the page reads
    "Page 1 of 11+". Going further along moves the horizon with you.
    """

    lookahead = 10

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.asked = 1
        self.capped = False

    def page(self, number):
        with contextlib.suppress(TypeError, ValueError):
            self.asked = min(max(int(number), 1), MAX_PAGE)
        return super().page(number)

    @cached_property
    def count(self):
        limit = (self.asked + self.lookahead) * self.per_page
        if hasattr(self.object_list, "count") and hasattr(self.object_list, "query"):
            # Only the ids, in no order: a page's annotations (talk counts) are not computed,
            # and the database stops at the limit instead of sorting every row first.
            counted = self.object_list.values("pk").order_by()[: limit + 1].count()
        else:
            counted = len(self.object_list[: limit + 1])
        self.capped = counted > limit
        return min(counted, limit)


# No list has this many pages; a larger ?page= is a 404 before any SQL is built.
MAX_PAGE = 10**6


class PageNotFound(Exception):
    """A ?page= that is not a page of the list: 404, or 400 when it is not a number."""

    def __init__(self, message, status=404):
        super().__init__(message)
        self.status = status


class FilteredListView(ListView):
    """ListView filtered by a form over the query string.

    Values that do not validate (an unknown kind, year=abc) answer 400 with
    the page and the form's errors, instead of being silently ignored.
    """

    filter_form_class = None
    paginate_by = settings.PAGINATE_BY
    paginator_class = LookaheadPaginator
    # Sort value in the URL -> (label, ordering); the first is the base queryset's own
    # order. A `sort` field joins the filter form, so ?sort=nonsense is a 400 too.
    sort_options = {}

    page_error = None

    def get(self, request, *args, **kwargs):
        self.filters = self.get_filter_form(request.GET)
        if self.filters is not None and not self.filters.is_valid():
            self.object_list = self.get_queryset().none()
            try:
                context = self.get_context_data(object_list=self.object_list)
            except PageNotFound as error:  # a bad ?page= as well: both are said
                self.page_error = str(error)
                context = self.get_context_data(object_list=self.object_list)
            return self.render_to_response(context, status=400)
        try:
            return super().get(request, *args, **kwargs)
        except PageNotFound as error:
            # The list's own page, empty, saying what was wrong with ?page=.
            self.page_error = str(error)
            self.object_list = self.get_queryset().none()
            context = self.get_context_data(object_list=self.object_list)
            return self.render_to_response(context, status=error.status)

    def paginate_queryset(self, queryset, page_size):
        if self.page_error is not None:  # rendering the error: the (empty) first page
            paginator = self.get_paginator(queryset, page_size)
            page = paginator.page(1)
            return paginator, page, page.object_list, page.has_other_pages()
        given = self.request.GET.get(self.page_kwarg) or "1"
        shown = given if len(given) <= 20 else given[:20] + "…"
        if given != "last":
            try:
                number = int(given)
            except ValueError:
                raise PageNotFound(
                    _("“%(page)s” is not a page number.") % {"page": shown}, status=400
                ) from None
            # Checked before the paginator turns it into a LIMIT: a number past SQLite's
            # 64-bit integers made the count query fail ("datatype mismatch").
            if not 1 <= number <= MAX_PAGE:
                raise PageNotFound(_("There is no page %(page)s of this list.") % {"page": shown})
        try:
            return super().paginate_queryset(queryset, page_size)
        except (Http404, InvalidPage):
            raise PageNotFound(
                _("There is no page %(page)s of this list.") % {"page": shown}
            ) from None

    def get_filter_form(self, data):
        if self.filter_form_class is None:
            return None
        form = self.filter_form_class(data)
        if self.sort_options:
            choices = [(value, label) for value, (label, _ordering) in self.sort_options.items()]
            form.fields["sort"] = forms.ChoiceField(
                label=_("Sort"), choices=choices, required=False
            )
        return form

    def get_queryset(self):
        queryset = self.base_queryset()
        if self.filters is not None and self.filters.is_bound and self.filters.is_valid():
            queryset = self.filter_queryset(queryset, self.filters.cleaned_data)
            sort = self.filters.cleaned_data.get("sort")
            if sort and sort != next(iter(self.sort_options)):
                queryset = queryset.order_by(*self.sort_options[sort][1])
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
        valid = self.filters is not None and self.filters.is_bound and self.filters.is_valid()
        context["filtering"] = valid and any(
            value for name, value in self.filters.cleaned_data.items() if name != "sort"
        )
        if self.sort_options:
            sort = (valid and self.filters.cleaned_data.get("sort")) or ""
            current = sort or next(iter(self.sort_options))
            context["sort"] = sort  # as given in the URL, for the filter form to keep
            context["sort_links"] = [
                (value, label, value == current)
                for value, (label, _ordering) in self.sort_options.items()
            ]
        return context


class NoFilterForm(forms.Form):
    """The form of a list with sorting and no filters."""


# The lookups of TagYearFilterForm for records that belong to an event.
EVENT_RECORD_LOOKUPS = {"year": "event__start_date__year", "tag": "tags__slug"}


class TagYearFilterForm(forms.Form):
    """Filters every list shares: a topic (tag slug) and a year."""

    tag = forms.SlugField(label=_("Topic"), allow_unicode=True, max_length=100, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200, required=False)


class YearOf(ExtractYear):
    """A date's year, as ExtractYear; on SQLite read off the stored ISO text.

    Django's SQLite year is a Python function called per row; the date's first four
    characters are the same number, computed by SQLite itself.
    """

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"CAST(substr({sql}, 1, 4) AS integer)", params


def newest_events_first(queryset, *then):
    """Records of events (talks, papers, booths) by their event's date, newest first.

    The range on the event's date holds for every row; it is there for SQLite, which
    without table statistics scans every record for a logged-in viewer's "public … or
    yours" and sorts them, while with a range on the indexed date it walks the events
    newest first and stops at the page (docs/benchmarks.md, the owner's lists).
    """
    return queryset.filter(event__start_date__gte=datetime.date.min).order_by(
        "-event__start_date", *then
    )


def first(queryset, n):
    """The first `n` rows of `queryset`, and whether there are more."""
    rows = list(queryset[: n + 1])
    return rows[:n], len(rows) > n


def options(choices, selected):
    """A filter's `<select>` as (value, label, chosen) rows: `{% options %}` prints them.

    Compared here, once per option, not with template filters: the timeline's topic
    filter has hundreds of options.
    """
    selected = "" if selected is None else str(selected)
    return [(value, label, str(value) == selected) for value, label in choices]
