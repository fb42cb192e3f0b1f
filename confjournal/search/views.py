"""The search page: the people and topics a query names, then notes, talks, papers, booths
and events holding every word, newest event first."""

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from confjournal.search import engine
from confjournal.search import results as found
from confjournal.search.forms import SearchForm
from events.models import Event
from talks.models import Speaker, listed_topics

PAGE_SIZE = 20


def _filters(form, user):
    """The speaker, topic and event filters as records the viewer may see (None: not given);
    a name nobody may see is a form error."""
    # Built only for a filter that is given: listed_topics() takes milliseconds to build.
    lookups = {
        "speaker": lambda: Speaker.objects.visible_to(user),
        "topic": lambda: listed_topics(user),
        "event": lambda: Event.objects.visible_to(user).select_related("parent"),
    }
    chosen = {}
    for name, queryset in lookups.items():
        slug = form.cleaned_data[name]
        chosen[name] = queryset().filter(slug=slug).first() if slug else None
        if slug and chosen[name] is None:
            form.add_error(name, _("There is nothing by that name to filter on."))
    return chosen


def search(request):
    user = request.user
    form = SearchForm(request.GET, user=user)
    context = {"form": form, "groups": [], "page_obj": None, "criteria": None}
    if not form.is_valid():
        return render(request, "search/search.html", context, status=400)
    query, capped = engine.clean_query(form.cleaned_data["q"])
    context["query"] = query
    if capped:
        context["notice"] = _("Your search was cut to its first %(n)d characters.") % {
            "n": engine.MAX_QUERY_LENGTH
        }
    filters = _filters(form, user)
    if form.errors:
        return render(request, "search/search.html", context, status=400)
    terms = engine.parse_terms(query)
    people, topics = found.named(user, terms, query)
    criteria = found.Criteria(
        terms=terms,
        year=form.cleaned_data["year"],
        kind=form.cleaned_data["type"],
        people=people,
        topics=topics,
        **filters,
    )
    context["criteria"] = criteria
    if criteria.empty:
        return render(request, "search/search.html", context)

    search = found.Search(user, criteria)
    if criteria.kind:
        count = search.counts([criteria.kind])[criteria.kind]
        paginator = Paginator(range(min(count, found.count_cap())), PAGE_SIZE)
        try:
            page = paginator.page(request.GET.get("page") or 1)
        except InvalidPage as error:
            raise Http404(str(error)) from error
        start, stop = page.start_index() - 1, page.end_index()
        results = search.page(criteria.kind, count, start, stop) if count else []
        context["page_obj"] = page
        context["groups"] = [found.Group(criteria.kind, count, results)] if count else []
    else:
        counts = search.counts(found.kinds())
        context["people"] = search.people()
        context["topics"] = search.topics()
        context["groups"] = [
            found.Group(kind, counts[kind], search.page(kind, counts[kind], 0, found.GROUP_SIZE))
            for kind in found.kinds()
            if counts[kind]
        ]
    for group in context["groups"]:
        found.with_snippets(group.kind, group.results, criteria.terms)
    context["total"] = sum(group.count for group in context["groups"])
    context["capped"] = any(group.capped for group in context["groups"])
    context["count_cap"] = found.count_cap()
    return render(request, "search/search.html", context)
