"""The search page: notes, talks, papers, booths and events matching every word."""

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from confjournal.search import engine as search_backend
from confjournal.search import results as journal_search
from confjournal.search.forms import SearchForm
from events.models import Event
from talks.models import Speaker, listed_topics


def search(request):
    """Search notes, talks, papers, booths and events; notes first."""
    user = request.user
    form = SearchForm(request.GET, user=user)
    context = {"form": form, "groups": [], "page_obj": None, "criteria": None}
    status = 200
    if not form.is_valid():
        return render(request, "search/search.html", context, status=400)
    data = form.cleaned_data
    query, capped = search_backend.clean_query(data["q"])
    context["query"] = query
    if capped:
        context["notice"] = _("Your search was cut to its first %(n)d characters.") % {
            "n": search_backend.MAX_QUERY_LENGTH
        }
    # Functions, called only for a filter that is given: building listed_topics'
    # queryset costs ~7 ms of Python even when it is never run.
    lookups = [
        ("speaker", lambda: Speaker.objects.visible_to(user)),
        # EXISTS stops at the first visible record (6 ms at size L, not 220: no counting).
        ("topic", lambda: listed_topics(user)),
        ("event", lambda: Event.objects.visible_to(user)),
    ]
    found = {}
    for name, queryset in lookups:
        if data[name]:
            found[name] = queryset().filter(slug=data[name]).first()
            if found[name] is None:
                form.add_error(name, _("There is nothing by that name to filter on."))
    if form.errors:
        return render(request, "search/search.html", context, status=400)
    criteria = journal_search.Criteria(
        terms=search_backend.parse_terms(query),
        year=data["year"],
        kind=data["type"],
        **found,
    )
    context["criteria"] = criteria
    if criteria.empty:
        return render(request, "search/search.html", context, status=status)

    kinds = [criteria.kind] if criteria.kind else [s.kind for s in search_backend.SEARCHABLES]
    if criteria.kind:
        kind = criteria.kind
        ids = journal_search.result_ids(kind, user, criteria)
        count = len(ids)
        paginator = Paginator(range(min(count, journal_search.count_cap())), 20)
        try:
            page = paginator.page(request.GET.get("page") or 1)
        except InvalidPage as error:
            raise Http404(str(error)) from error
        results = (
            journal_search.fetch_results(
                kind, user, criteria, ids, page.start_index() - 1, page.end_index()
            )
            if count
            else []
        )
        context["page_obj"] = page
        context["groups"] = [journal_search.Group(kind, count, results)] if count else []
    else:
        spans = journal_search.spans(kinds, user, criteria)
        context["groups"] = [
            journal_search.Group(
                kind,
                spans[kind][0],
                journal_search.fetch(
                    kind,
                    user,
                    # Built only when needed: past the cap the walk does without it.
                    lambda kind=kind: journal_search.results_queryset(kind, user, criteria),
                    0,
                    journal_search.GROUP_SIZE,
                    journal_search.walk_for(kind, user, criteria, spans[kind]),
                ),
            )
            for kind in kinds
            if spans[kind][0]
        ]
    for group in context["groups"]:
        journal_search.with_snippets(group.kind, group.results, criteria.terms)
    context["total"] = sum(group.count for group in context["groups"])
    context["capped"] = any(group.capped for group in context["groups"])
    context["count_cap"] = journal_search.count_cap()
    return render(request, "search/search.html", context, status=status)
