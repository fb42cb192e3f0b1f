"""Search across notes, talks, papers, booths and events, for one viewer.

The backend (FTS5 on SQLite, pg_trgm on PostgreSQL) is `confjournal.search.engine`;
this module adds what the journal means by a speaker or a topic filter.
Every record comes through its model's `visible_to(user)`.
"""

import functools
from dataclasses import dataclass, field, replace
from functools import partial

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q

from confjournal.core.html import format_html, format_html_join
from confjournal.search import engine as backend
from events.models import TaggedItem

GROUP_SIZE = 5


def count_cap():
    """Counting every match of a very common word costs as much as reading them all;
    past this many (setting SEARCH_COUNT_CAP) the page says "1,000+" and lets you
    browse that many."""
    return settings.SEARCH_COUNT_CAP


@dataclass
class Criteria:
    terms: list
    speaker: object = None  # a Speaker the viewer may see
    topic: object = None  # a Tag the viewer may see
    event: object = None  # an Event the viewer may see
    year: int | None = None
    kind: str = ""  # one of the searchable kinds, or "" for all

    @property
    def empty(self):
        return not (self.terms or self.speaker or self.topic or self.event or self.year)


@dataclass
class Group:
    kind: str
    count: int
    results: list = field(default_factory=list)

    @property
    def capped(self):
        return self.count > count_cap()


def _tagged_ids(model, tag):
    content_type = ContentType.objects.get_for_model(model)
    return TaggedItem.objects.filter(tag=tag, content_type=content_type).values("object_id")


def _event_field(kind):
    return "" if kind == "event" else "event__"


def results_queryset(kind, user, criteria):
    """The records of one kind that `user` may see and that meet `criteria`."""
    from talks.models import Talk

    searchable = backend.BY_KIND[kind]
    model = searchable.model
    on_event = _event_field(kind)
    visible = backend.prepared(searchable, model.objects.visible_to(user))
    queryset = backend.containing_all(searchable, visible, criteria.terms)

    if criteria.event is not None:
        if kind == "event":
            queryset = queryset.filter(Q(pk=criteria.event.pk) | Q(parent=criteria.event.pk))
        else:
            queryset = queryset.filter(
                Q(event=criteria.event.pk) | Q(event__parent=criteria.event.pk)
            )
    if criteria.year:
        queryset = queryset.filter(**{f"{on_event}start_date__year": criteria.year})

    def mentioning(phrases):
        return [
            backend.phrase_ids_sql(searchable, visible, phrase)
            for phrase in sorted({backend.fold(p).strip() for p in phrases if p and p.strip()})
        ]

    def related(**lookup):
        return backend.ids_sql(visible.filter(**lookup))

    if criteria.speaker is not None:
        speaker = criteria.speaker
        branches = mentioning([speaker.name, *speaker.alias_list])
        talks = speaker.talks.all().values("pk")
        if kind == "note":
            branches += [related(talk__in=talks), related(paper__talk__in=talks)]
        elif kind == "talk":
            branches.append(related(pk__in=talks))
        elif kind == "paper":
            branches.append(related(talk__in=talks))
        queryset = queryset.filter(backend.any_of_q(branches)) if branches else queryset.none()

    if criteria.topic is not None:
        tag = criteria.topic
        branches = [*mentioning([tag.name]), related(pk__in=_tagged_ids(model, tag))]
        if kind != "event":
            event_model = model._meta.get_field("event").related_model
            branches.append(related(event__in=_tagged_ids(event_model, tag)))
        if kind == "note":
            from events.models import Booth
            from talks.models import Paper

            branches.append(related(talk__in=_tagged_ids(Talk, tag)))
            branches.append(related(paper__in=_tagged_ids(Paper, tag)))
            branches.append(related(booth__in=_tagged_ids(Booth, tag)))
        queryset = queryset.filter(backend.any_of_q(branches))

    return queryset.order_by(f"-{on_event}start_date", "-pk")


def _filtered(criteria):
    return any(
        value is not None and value != ""
        for value in (criteria.speaker, criteria.topic, criteria.event, criteria.year)
    )


def capped_ids_sql(kind, user, criteria):
    """(sql, params) selecting up to the cap + 1 result ids, in no particular order.

    Words alone: the index drives (it stops at the cap). With a filter the
    filter is usually the narrower side, so the database plans it as usual.
    """
    limit = count_cap() + 1
    if criteria.terms and not _filtered(criteria):
        driven = backend.index_driven_ids_sql(
            backend.BY_KIND[kind], gate(kind, user, criteria), criteria.terms, limit
        )
        if driven is not None:
            return driven
    queryset = results_queryset(kind, user, criteria).order_by().values("pk")[:limit]
    return queryset.query.sql_with_params()


def spans(kinds, user, criteria):
    """{kind: (count, lowest id, highest id)} of each kind's results, counted up to the
    cap + 1, in one query. Past the cap the lowest and highest ids tell the walk how
    common the words are (see `walk_for`)."""
    parts, params = [], []
    for kind in kinds:
        sql, query_params = capped_ids_sql(kind, user, criteria)
        parts.append(f"SELECT %s, COUNT(*), MIN(pk), MAX(pk) FROM ({sql}) AS {kind}_results")
        params.extend([kind, *query_params])
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return {kind: (count, low, high) for kind, count, low, high in cursor.fetchall()}


def count(kind, user, criteria):
    (found, _low, _high) = spans([kind], user, criteria)[kind]
    return found


def result_ids(kind, user, criteria):
    """Up to the cap + 1 result ids of one kind, unordered, in one query.

    Their number is the page's count; when it is within the cap they are all
    the results, and `fetch_results` sorts them without searching again.
    """
    sql, params = capped_ids_sql(kind, user, criteria)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def fetch_results(kind, user, criteria, ids, start, stop):
    """Results `start` to `stop` of a search whose `result_ids` were `ids`."""
    if len(ids) <= count_cap():
        # All the results: sort these ids (through visible_to again) rather than
        # evaluate the words, speaker or topic a second time.
        model = backend.BY_KIND[kind].model
        on_event = _event_field(kind)
        queryset = (
            model.objects.visible_to(user)
            .filter(pk__in=ids)
            .order_by(f"-{on_event}start_date", "-pk")
        )
        return fetch(kind, user, queryset, start, stop)
    # Built only if the walk cannot be used (building it costs ~1 ms).
    queryset = partial(results_queryset, kind, user, criteria)
    span = (len(ids), min(ids), max(ids))
    return fetch(kind, user, queryset, start, stop, walk_for(kind, user, criteria, span))


def fetch(kind, user, queryset, start, stop, walk=None):
    """Records `start` to `stop` of a results queryset (or a function making it), ready to display.

    The ids are sorted on a narrow query first, so the wide rows of the
    related records are read only for the page shown (through `visible_to`
    again: the display query is a public query like any other). `walk` is given when a
    search has more results than the count cap: (terms, gate, filtered, span), where
    `gate` is the same search without the terms (visible_to and the filters) and
    `span` the capped count's (count, lowest id, highest id) or None. The
    backend then walks the index newest event first within the gate, so the
    order is the same and the privacy gate is the same.
    """
    ids = None
    if walk:
        terms, gate, filtered, span = walk
        # With a filter, walking the newest events may pass many records the
        # filter turns away: only the index's list of matches is worth it then.
        scan = False if filtered else None
        ids = backend.newest_first_ids(
            backend.BY_KIND[kind], gate, terms, stop, scan=scan, span=span
        )
    if ids is None:
        if callable(queryset):
            queryset = queryset()
        ids = list(queryset.values_list("pk", flat=True)[start:stop])
    else:
        ids = ids[start:stop]
    shown = backend.BY_KIND[kind].model.objects.visible_to(user).filter(pk__in=ids)
    records = _with_display(kind, shown).in_bulk()
    return [records[pk] for pk in ids if pk in records]


def walk_for(kind, user, criteria, span):
    """The `walk` argument of `fetch` for a search whose capped count came out as
    `span`: (count, lowest id, highest id), as `spans` gives it."""
    if span[0] <= count_cap() or not criteria.terms:
        return None
    return criteria.terms, gate(kind, user, criteria), _filtered(criteria), span


def gate(kind, user, criteria):
    """The search without its words (visible_to and the filters): what `fetch` walks.

    For an anonymous visitor without filters on SQLite it is the same SQL every
    time, so it is compiled once per process (`_anonymous_gate`): building and
    compiling it cost ~1 ms, twice per search. Anyone else gets a fresh queryset.
    """
    if (
        connection.vendor == "sqlite"
        and not getattr(user, "is_authenticated", False)
        and not _filtered(criteria)
    ):
        return _anonymous_gate(kind, connection.alias)
    return results_queryset(kind, user, replace(criteria, terms=[]))


@functools.cache
def _anonymous_gate(kind, alias):
    queryset = results_queryset(kind, AnonymousUser(), Criteria(terms=[]))
    return backend.compiled_ids(queryset.using(alias))


def capped_count(queryset):
    """Any queryset's count up to the cap + 1 (the benchmark's baseline counts this way)."""
    return queryset.order_by().values("pk")[: count_cap() + 1].count()


def _with_display(kind, queryset):
    if kind == "note":
        # Only what templates/talks/search.html shows of a note: building 20
        # notes with every column of their event, talk, paper, booth and owner
        # took longer than finding them (3 ms against 1 ms at size L).
        return queryset.select_related("event", "owner").only(
            "title", "body", "event__name", "event__slug", "event__start_date",
            "owner__username", "owner__first_name", "owner__last_name",
        )  # fmt: skip
    if kind == "talk":
        return queryset.select_related("event").with_speakers()
    if kind in ("paper", "booth"):
        return queryset.select_related("event")
    return queryset.select_related("parent")


def document_text(kind, record):
    searchable = backend.BY_KIND[kind]
    return "\n".join(getattr(record, name) or "" for name in searchable.fields)


def with_snippets(kind, records, terms):
    """Give each record its `snippet`: (text, is_match) parts, and the same as HTML.

    The HTML is built here, each part escaped (a match inside `<script>` text shows
    as text): a template loop over the parts cost ~0.1 ms a result.
    """
    for record in records:
        record.snippet = backend.snippet(document_text(kind, record), terms)
        record.snippet_html = format_html_join(
            "",
            "{}",
            (
                (format_html("<mark>{}</mark>", text) if is_match else text,)
                for text, is_match in record.snippet
            ),
        )
    return records
