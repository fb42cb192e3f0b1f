"""Search across notes, talks, papers, booths and events, for one viewer.

The backend (FTS5 on SQLite, pg_trgm on PostgreSQL) is `confjournal.search`;
this module adds what the journal means by a speaker or a topic filter.
Every record comes through its model's `visible_to(user)`.
"""

from dataclasses import dataclass, field, replace

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q

from confjournal import search as backend
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
    queryset = backend.prepared(searchable, model.objects.visible_to(user))
    queryset = backend.containing_all(searchable, queryset, criteria.terms)

    if criteria.event is not None:
        if kind == "event":
            queryset = queryset.filter(Q(pk=criteria.event.pk) | Q(parent=criteria.event.pk))
        else:
            queryset = queryset.filter(
                Q(event=criteria.event.pk) | Q(event__parent=criteria.event.pk)
            )
    if criteria.year:
        queryset = queryset.filter(**{f"{on_event}start_date__year": criteria.year})

    if criteria.speaker is not None:
        speaker = criteria.speaker
        condition = backend.containing_any_q(
            searchable, queryset, [speaker.name, *speaker.alias_list]
        )
        if kind == "note":
            condition |= Q(talk__in=speaker.talks.all()) | Q(paper__talk__in=speaker.talks.all())
        elif kind == "talk":
            condition |= Q(pk__in=speaker.talks.all())
        elif kind == "paper":
            condition |= Q(talk__in=speaker.talks.all())
        queryset = queryset.filter(condition)

    if criteria.topic is not None:
        tag = criteria.topic
        condition = backend.containing_any_q(searchable, queryset, [tag.name])
        condition |= Q(pk__in=_tagged_ids(model, tag))
        if kind != "event":
            condition |= Q(event__in=_tagged_ids(model._meta.get_field("event").related_model, tag))
        if kind == "note":
            from events.models import Booth
            from talks.models import Paper

            condition |= Q(talk__in=_tagged_ids(Talk, tag))
            condition |= Q(paper__in=_tagged_ids(Paper, tag))
            condition |= Q(booth__in=_tagged_ids(Booth, tag))
        queryset = queryset.filter(condition)

    return queryset.order_by(f"-{on_event}start_date", "-pk")


def fetch(kind, user, queryset, start, stop, walk=None):
    """Records `start` to `stop` of a results queryset, ready to display.

    The ids are sorted on a narrow query first, so the wide rows of the
    related records are read only for the page shown (through `visible_to`
    again: the display query is a public query like any other). `walk` is given when a
    search has more results than the count cap: (terms, gate), where `gate`
    is the same search without the terms (visible_to and the filters). The
    backend then walks the index newest event first and the gate keeps its
    ids, so the order is the same and the privacy gate is the same.
    """
    ids = _walk(kind, stop, *walk) if walk else None
    if ids is None:
        ids = list(queryset.values_list("pk", flat=True)[start:stop])
    else:
        ids = ids[start:stop]
    shown = queryset.model.objects.visible_to(user).filter(pk__in=ids)
    records = _with_display(kind, shown).in_bulk()
    return [records[pk] for pk in ids if pk in records]


def _walk(kind, wanted, terms, gate):
    searchable = backend.BY_KIND[kind]
    ids, offset, batch = [], 0, max(200, 2 * wanted)
    while len(ids) < wanted:
        candidates = backend.newest_first_candidates(searchable, terms, offset, batch, gate.db)
        if candidates is None:
            return None
        if not candidates:
            break
        kept = set(gate.filter(pk__in=candidates).values_list("pk", flat=True))
        ids += [pk for pk in candidates if pk in kept]
        offset += batch
    return ids


def walk_for(kind, user, criteria, count):
    """The `walk` argument of `fetch` for a search with `count` results."""
    if count <= count_cap() or not criteria.terms:
        return None
    return criteria.terms, results_queryset(kind, user, replace(criteria, terms=[]))


def capped_count(queryset):
    return queryset.order_by().values("pk")[: count_cap() + 1].count()


def _with_display(kind, queryset):
    if kind == "note":
        return queryset.select_related("event", "owner", "talk", "paper", "booth")
    if kind == "talk":
        return queryset.select_related("event").with_speakers()
    if kind in ("paper", "booth"):
        return queryset.select_related("event")
    return queryset.select_related("parent")


def counts(querysets):
    """The number of results of each kind (up to the cap + 1), in one query."""
    parts, params = [], []
    for kind, queryset in querysets.items():
        limited = queryset.order_by().values("pk")[: count_cap() + 1]
        sql, query_params = limited.query.sql_with_params()
        parts.append(f"SELECT %s, COUNT(*) FROM ({sql}) AS {kind}_results")
        params.extend([kind, *query_params])
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return dict(cursor.fetchall())


def document_text(kind, record):
    searchable = backend.BY_KIND[kind]
    return "\n".join(getattr(record, name) or "" for name in searchable.fields)


def with_snippets(kind, records, terms):
    for record in records:
        record.snippet = backend.snippet(document_text(kind, record), terms)
    return records
