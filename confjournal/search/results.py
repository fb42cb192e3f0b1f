"""What the journal means by a search: the people and topics a query names, the filters,
the groups of results, newest event first.

A term is found in a record when its text holds the term or, when the term names a
speaker (any spelling) or a topic (any name), when the record is about that person or
topic: it mentions another spelling, is one of their talks or hangs on one, or is
tagged with the topic or hangs on a tagged talk, paper, booth or event. Every term must
be found. Every record comes through its model's `visible_to(user)`.
"""

import functools
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q, Value
from django.utils.html import format_html, format_html_join

from confjournal.core.markup import plain_text
from confjournal.core.registry import searchable_models
from confjournal.search import engine
from events.models import Event, Tag, TaggedItem, joined_name
from talks.models import Speaker, listed_topics

GROUP_SIZE = 5
# Results come grouped in this order; a kind not named here comes last.
KIND_ORDER = ("note", "talk", "paper", "booth", "event")
# A term that fits more speakers than this names nobody in particular.
PEOPLE_LIMIT = 10
# What the counting query calls its rows of the named topics the viewer sees.
LISTED = "listed-topic"


def kinds():
    order = {kind: position for position, kind in enumerate(KIND_ORDER)}
    names = [model._meta.model_name for model in searchable_models()]
    return sorted(names, key=lambda kind: order.get(kind, len(order)))


def model_of(kind):
    return next(m for m in searchable_models() if m._meta.model_name == kind)


def count_cap():
    """Counting every match of a very common word costs as much as reading them all;
    past this many (setting SEARCH_COUNT_CAP) the page says "1,000+" and lets you
    browse that many."""
    return settings.SEARCH_COUNT_CAP


@dataclass
class Criteria:
    terms: list
    speaker: object = None  # a Speaker the viewer may see (the speaker filter)
    topic: object = None  # a Tag the viewer may see (the topic filter)
    event: object = None  # an Event the viewer may see
    year: int | None = None
    kind: str = ""  # one of the searchable kinds, or "" for all
    # What the terms name: {term: [Speaker, ...]} and {term: [Tag, ...]}.
    people: dict = field(default_factory=dict)
    topics: dict = field(default_factory=dict)

    @property
    def empty(self):
        return not (self.terms or self.speaker or self.topic or self.event or self.year)

    @property
    def plain(self):
        """Only words, and none of them names anyone or anything."""
        named = any(self.people.values()) or any(self.topics.values())
        return not (named or self.speaker or self.topic or self.event or self.year)


@dataclass
class Group:
    kind: str
    count: int
    results: list = field(default_factory=list)

    @property
    def capped(self):
        return self.count > count_cap()


# --------------------------------------------------------------------------- names


def narrowed(names, *lookups):
    """The rows whose fields (`lookups`) may hold one of `names`, to compare folded here:
    the database narrows as far as its LIKE folds case (ASCII letters, Hangul); a name
    with other cased letters (é, Ü) leaves every row."""
    if any(engine.folds_beyond_ascii(name) for name in names):
        return Q()
    query = Q()
    for name in names:
        for lookup in lookups:
            query |= Q(**{lookup: name})
    return query


def spellings(speaker):
    return [speaker.name, *speaker.alias_list]


def topic_names(tag):
    return [tag.name, *tag.alias_list]


def _spaced(name):
    return " ".join(engine.fold(name).split())


def named(user, terms, query):
    """({term: speakers}, {term: topics}): what the query names, read in one query.

    A term of 2+ characters names the speakers whose spellings hold it: when some
    speakers hold every such term (`Kyunghyun Cho`), they are the person meant, for
    every term; otherwise each term names the speakers that hold it, unless it fits too
    many to mean anyone. A term names the topics it is a whole name of; a query that is
    one whole name (`Bayesian deep learning`) names that topic for all its terms.

    Only speakers the viewer may see are named. Topics are named by name alone: a record
    is found through one only when the viewer sees the record, and the records a note,
    paper or talk hangs on are under its own event, so they are seen with it. Which
    topics the viewer sees, to show them, `Search.counts` asks.
    """
    if not terms:
        return {}, {}
    long_terms = [term for term in terms if len(term) >= 2]
    phrase = _spaced(query)
    columns = ("pk", "slug", "name", "aliases")
    tags = Tag.objects.filter(_may_be_named(terms, phrase)).order_by()
    names = tags.values_list(Value("topic"), *columns)
    if long_terms:
        speakers = Speaker.objects.visible_to(user).filter(
            narrowed(long_terms, "name__icontains", "aliases__icontains")
        )
        names = names.union(speakers.order_by().values_list(Value("speaker"), *columns), all=True)
    candidates = {"speaker": [], "topic": []}
    for kind, pk, slug, name, aliases in names:
        model = Speaker if kind == "speaker" else Tag
        candidates[kind].append(model(pk=pk, slug=slug, name=name, aliases=aliases))
    return (
        _people(candidates["speaker"], long_terms),
        _topics(candidates["topic"], terms, phrase),
    )


def _may_be_named(terms, phrase):
    """The topics that may have one of `terms`, or `phrase`, as a name, to compare folded
    in `_topics`: a one-word name is the word, ignoring ASCII case; a longer one, or
    another name, holds each of its words (a stored name may space them otherwise: two
    spaces, a no-break space)."""
    if any(engine.folds_beyond_ascii(name) for name in [*terms, phrase]):
        return Q()
    query = Q()
    for name in {*terms, phrase}:
        words = name.split()
        if len(words) == 1:
            query |= Q(name__iexact=name)
        else:
            query |= Q(*[Q(name__icontains=word) for word in words])
        query |= Q(*[Q(aliases__icontains=word) for word in words])
    return query


def _people(candidates, terms):
    candidates.sort(key=lambda speaker: (speaker.name, speaker.pk))
    holders = {
        term: [s for s in candidates if any(term in engine.fold(x) for x in spellings(s))]
        for term in terms
    }
    everywhere = [s for s in candidates if all(s in holders[term] for term in terms)]
    if everywhere:
        return dict.fromkeys(terms, everywhere[:PEOPLE_LIMIT])
    return {term: found for term, found in holders.items() if 0 < len(found) <= PEOPLE_LIMIT}


def _topics(candidates, terms, phrase):
    named = {}
    for tag in sorted(candidates, key=lambda tag: tag.name):
        folded = {_spaced(name) for name in topic_names(tag)}
        for term in terms if phrase in folded else [t for t in terms if t in folded]:
            named.setdefault(term, []).append(tag)
    return named


# --------------------------------------------------------------------------- queries


def _tagged(model, tag):
    content_type = ContentType.objects.get_for_model(model)
    return TaggedItem.objects.filter(tag=tag, content_type=content_type).values("object_id")


def about_speaker(model, speaker):
    """The ids of the records about `speaker`: mentioning any spelling, or on their talks."""
    ids = engine.mentioning(model, spellings(speaker))
    talks = speaker.talks.all().values("pk")
    records = model.objects.order_by().values("pk")
    kind = model._meta.model_name
    if kind == "note":
        return ids.union(records.filter(talk__in=talks), records.filter(paper__talk__in=talks))
    if kind == "talk":
        return ids.union(records.filter(pk__in=talks))
    if kind == "paper":
        return ids.union(records.filter(talk__in=talks))
    return ids


def about_topic(model, tag):
    """The ids of the records tagged with `tag`, or hanging on a tagged talk, paper,
    booth or event."""
    records = model.objects.order_by().values("pk")
    ids = records.filter(pk__in=_tagged(model, tag))
    if model is not Event:
        ids = ids.union(records.filter(event__in=_tagged(Event, tag)))
    if model._meta.model_name == "note":
        for name in ("talk", "paper", "booth"):
            related = model._meta.get_field(name).related_model
            ids = ids.union(records.filter(**{f"{name}__in": _tagged(related, tag)}))
    return ids


class Search:
    """One search for one viewer: its counts and pages, kind by kind."""

    def __init__(self, user, criteria):
        self.user, self.criteria = user, criteria

    def speakers(self):
        named = {s.pk: s for found in self.criteria.people.values() for s in found}
        if self.criteria.speaker is not None:
            named[self.criteria.speaker.pk] = self.criteria.speaker
        return list(named.values())

    @functools.cache  # noqa: B019 - a Search lives for one request
    def gate(self, kind):
        """The records of one kind the viewer may see that meet the filters, newest first."""
        criteria, model = self.criteria, model_of(kind)
        on_event = "" if kind == "event" else "event__"
        queryset = model.objects.visible_to(self.user)
        if criteria.event is not None:
            event = criteria.event.pk
            if kind == "event":
                queryset = queryset.filter(Q(pk=event) | Q(parent=event))
            else:
                queryset = queryset.filter(Q(event=event) | Q(event__parent=event))
        if criteria.year:
            queryset = queryset.filter(**{f"{on_event}start_date__year": criteria.year})
        if criteria.speaker is not None:
            queryset = queryset.filter(pk__in=about_speaker(model, criteria.speaker))
        if criteria.topic is not None:
            tag = criteria.topic
            mentioning = engine.mentioning(model, [tag.name])
            queryset = queryset.filter(pk__in=mentioning.union(about_topic(model, tag)))
        return queryset.order_by(f"-{on_event}start_date", "-pk")

    def results(self, kind):
        """Every result of one kind, newest first.

        Terms that name the same people and topics go together: each is found when the
        record holds it or is about them, so together they are found when the record
        holds them all or is about them (`Daniel Hooker` asks about Daniel Hooker once).
        """
        criteria, model = self.criteria, model_of(kind)
        if criteria.plain:
            return engine.matching(self.gate(kind), criteria.terms)
        together = {}
        for term in criteria.terms:
            people = tuple(criteria.people.get(term, []))
            topics = tuple(criteria.topics.get(term, []))
            together.setdefault((people, topics), []).append(term)
        queryset = self.gate(kind)
        for (people, topics), terms in together.items():
            named = [about_speaker(model, speaker) for speaker in people]
            named += [about_topic(model, tag) for tag in topics]
            if named:
                holding = engine.matching(model.objects.order_by().values("pk"), terms)
                queryset = queryset.filter(pk__in=holding.union(*named))
            else:
                queryset = engine.matching(queryset, terms)
        return queryset

    def counts(self, kinds):
        """{kind: number of results}, each counted up to the cap + 1, in one query. Within
        the cap these ids are all the results, and `page` sorts them without searching again.
        The same query says which of the named topics the viewer sees (`topics`)."""
        limit = count_cap() + 1
        parts, params = [], []
        named = {tag.pk for found in self.criteria.topics.values() for tag in found}
        if named:
            listed = listed_topics(self.user).filter(pk__in=named).order_by().values("pk")
            sql, found = listed.query.sql_with_params()
            parts.append(f"SELECT %s, found.* FROM ({sql}) AS found")
            params += [LISTED, *found]
        for kind in kinds:
            if self.criteria.plain:
                gate = self.gate(kind)
                sql, found = engine.capped_ids_sql(gate, self.criteria.terms, limit)
            else:
                found_ids = self.results(kind).order_by().values("pk")[:limit]
                try:
                    sql, found = found_ids.query.sql_with_params()
                except EmptyResultSet:  # a word nothing of this kind holds: no ids
                    continue
            parts.append(f"SELECT %s, found.* FROM ({sql}) AS found")
            params += [kind, *found]
        self.ids = {kind: [] for kind in [*kinds, LISTED]}
        if parts:
            with connection.cursor() as cursor:
                cursor.execute(" UNION ALL ".join(parts), params)
                for kind, pk in cursor.fetchall():
                    self.ids[kind].append(pk)
        self.listed = set(self.ids.pop(LISTED))
        return {kind: len(ids) for kind, ids in self.ids.items()}

    def page(self, kind, count, start, stop):
        """Results `start` to `stop` of one kind (after `counts`), newest first, ready to
        show. Past the cap (words alone) the newest are found by testing each record's
        text in date order."""
        gate = _with_display(kind, self.gate(kind))
        if count <= count_cap():
            return list(gate.filter(pk__in=self.ids[kind])[start:stop])
        if self.criteria.plain:
            return list(engine.newest(gate, self.criteria.terms, start, stop))
        return list(_with_display(kind, self.results(kind))[start:stop])

    def people(self):
        """The speakers the query names, each with the events where the viewer heard them."""
        people = {s.pk: s for found in self.criteria.people.values() for s in found}
        if not people:
            return []
        heard = (
            Event.objects.visible_to(self.user)
            .filter(talks__speakers__in=list(people), talks__attended=True)
            .values_list("talks__speakers", "name", "parent__name", "slug", "start_date")
            .order_by("-start_date", "name")
            .distinct()
        )
        for speaker in people.values():
            speaker.heard_at = []
        for speaker_id, name, parent, slug, start_date in heard:
            shown = joined_name(parent, name) if parent else name
            people[speaker_id].heard_at.append(
                {"name": shown, "slug": slug, "year": start_date.year}
            )
        return list(people.values())

    def topics(self):
        """The topics the query names that the viewer sees (after `counts`)."""
        named = {tag.pk: tag for found in self.criteria.topics.values() for tag in found}
        listed = [tag for pk, tag in named.items() if pk in self.listed]
        return sorted(listed, key=lambda tag: tag.name)


def _with_display(kind, queryset):
    if kind == "note":
        return queryset.select_related("event", "event__parent", "owner")
    if kind == "talk":
        return queryset.select_related("event", "event__parent").with_speakers()
    if kind in ("paper", "booth"):
        return queryset.select_related("event", "event__parent")
    return queryset.select_related("parent")


# --------------------------------------------------------------------------- display


def document_text(kind, record):
    model = model_of(kind)
    markdown = {"body", "abstract", "summary"}
    return "\n".join(
        plain_text(getattr(record, name) or "") if name in markdown else getattr(record, name) or ""
        for name in model.search_fields
    )


def with_snippets(kind, records, terms):
    """Give each record its `snippet_html`: a window of its text (Markdown read as plain
    text) around the first match, each part escaped, the matches marked."""
    for record in records:
        parts = engine.snippet(document_text(kind, record), terms)
        record.snippet_html = format_html_join(
            "",
            "{}",
            (
                (format_html("<mark>{}</mark>", part) if is_match else part,)
                for part, is_match in parts
            ),
        )
    return records
