"""Counts the stats page and the year in review share: topics per year, for one viewer.

Counting them reads every tagging of the journal, so each kind of record's counts are
kept apart (`pagecache.Section`): a note written counts the notes again, and the talks,
papers, booths and events come from the cache.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, F, Value

from confjournal.core.listing import YearOf
from confjournal.web.pagecache import Section, counted_part, viewer_scope
from events.models import Event, Tag, TaggedItem, taggings_of
from talks.models import TAGGED_MODELS, Paper, Talk

# Where each tagged model keeps the date its year comes from.
YEAR_OF = {Event: "start_date"}


def topics_by_year(user, years=None, versions=None):
    """{(tag id, name, slug): {year: count}} over every visible tagged record (of the
    years from min(`years`) to max(`years`) only, if given), and {(name, slug): count}
    of papers per topic.

    Given `versions` (`pagecache.table_versions()`), each kind's counts are kept in the
    cache, and only the kinds written since are counted.
    """
    span = "all" if years is None else f"{min(years)}-{max(years)}"
    sections, counted = {}, {}
    if versions is not None:
        for model in TAGGED_MODELS:
            name = f"topic-years:{model._meta.model_name}:{viewer_scope(user)}:{span}"
            # A record's visibility and year are its own and its event's (for records
            # under an event: only the event columns that decide them, `counted_part`).
            event = Event if model is Event else counted_part(Event)
            tables = [model, event, taggings_of(model), Tag]
            sections[model] = section = Section(name, tables, versions)
            counted[model] = section.get()
    missing = [model for model in TAGGED_MODELS if counted.get(model) is None]
    for model, found in _count(missing, user, years).items():
        counted[model] = sections[model].keep(found) if sections else found
    usage, papers = {}, {}
    for model, found in counted.items():
        for tag_id, (name, slug, per_year) in found.items():
            totals = usage.setdefault((tag_id, name, slug), {})
            for year, n in per_year.items():
                totals[year] = totals.get(year, 0) + n
            if model is Paper:
                papers[name, slug] = sum(per_year.values())
    return usage, papers


def _count(models, user, years):
    """{model: {tag id: (name, slug, {year: count})}} of `models`, in one query: GROUP BYs
    joined by UNION ALL, whose rows are (model, topic, year) triples, as many as topics
    times years, never one per record."""
    if not models:
        return {}
    groups = []
    for model in models:
        records = model.objects.visible_to(user)
        if model is Talk:
            records = records.attended()
        date = YEAR_OF.get(model, "event__start_date")
        name = Value(model._meta.model_name)
        if years is None:
            # Every tagging of the kind, with its record's year.
            grouped = records.filter(tags__isnull=False).values(
                model_name=name, tag_id=F("tags__id"), year=YearOf(date)
            )
            groups.append(grouped.annotate(n=Count("pk")).order_by())
            continue
        # A year at a time, the taggings of its records, found from its events by date
        # (an index) rather than by reading every tagging of the kind.
        kind = ContentType.objects.get_for_model(model)
        for year in range(min(years), max(years) + 1):
            span = (datetime.date(year, 1, 1), datetime.date(year, 12, 31))
            in_year = records.filter(**{f"{date}__range": span}).values("pk")
            grouped = TaggedItem.objects.filter(content_type=kind, object_id__in=in_year).values(
                "tag_id", model_name=name, year=Value(year)
            )
            groups.append(grouped.annotate(n=Count("pk")).order_by())
    # Grouped by the topic's id, its name and slug joined to the counts afterwards:
    # grouping on their text cost as much as the counting.
    sql, params = groups[0].union(*groups[1:], all=True).query.sql_with_params()
    columns = "counted.model_name, counted.tag_id, counted.year, counted.n, tag.name, tag.slug"
    joined = f"SELECT {columns} FROM ({sql}) counted JOIN {Tag._meta.db_table} tag"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"{joined} ON tag.id = counted.tag_id", params)
        rows = cursor.fetchall()
    by_name = {model._meta.model_name: model for model in models}
    counted = {model: {} for model in models}
    for model_name, tag_id, year, n, name, slug in rows:
        per_year = counted[by_name[model_name]].setdefault(tag_id, (name, slug, {}))[2]
        per_year[int(year)] = n  # PostgreSQL's EXTRACT is a numeric
    return counted
