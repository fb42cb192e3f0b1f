"""Counts the stats page and the year in review share: topics per year, read for one
viewer in one query."""

import datetime

from django.db import connection
from django.db.models import Count, F, Value

from confjournal.core.listing import YearOf
from events.models import Event, Tag
from talks.models import TAGGED_MODELS, Paper, Talk

# Where each tagged model keeps the date its year comes from.
YEAR_OF = {Event: "start_date"}


def topics_by_year(user, years=None):
    """{(tag id, name, slug): {year: count}} over every visible tagged record (of the
    years from min(`years`) to max(`years`) only, if given), and {(name, slug): count}
    of papers per topic.

    One query: a GROUP BY per tagged model, joined by UNION ALL; the rows that
    come back are (model, topic, year) triples, as many as topics times years,
    never one per record.
    """
    groups = []
    for model in TAGGED_MODELS:
        records = model.objects.visible_to(user)
        if model is Talk:
            records = records.attended()
        date = YEAR_OF.get(model, "event__start_date")
        if years is not None:
            # A range of dates, which an index can serve, not the year of every row.
            first, last = datetime.date(min(years), 1, 1), datetime.date(max(years), 12, 31)
            records = records.filter(**{f"{date}__range": (first, last)})
        groups.append(
            records.filter(tags__isnull=False)
            .values(
                model_name=Value(model._meta.model_name),
                tag_id=F("tags__id"),
                year=YearOf(date),
            )
            .annotate(n=Count("pk"))
            .order_by()
        )
    # Grouped by the topic's id, its name and slug joined to the counts afterwards:
    # grouping on their text cost as much as the counting.
    sql, params = groups[0].union(*groups[1:], all=True).query.sql_with_params()
    # Django's SQL and the model's table; the values stay parameters.
    columns = "counted.model_name, counted.tag_id, counted.year, counted.n, tag.name, tag.slug"
    joined = f"SELECT {columns} FROM ({sql}) counted JOIN {Tag._meta.db_table} tag"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"{joined} ON tag.id = counted.tag_id", params)
        counted = cursor.fetchall()
    usage, papers = {}, {}
    paper = Paper._meta.model_name
    for model_name, tag_id, year, n, name, slug in counted:
        key, year = (tag_id, name, slug), int(year)  # PostgreSQL's EXTRACT is a numeric
        years = usage.setdefault(key, {})
        years[year] = years.get(year, 0) + n
        if model_name == paper:
            papers[key[1:]] = papers.get(key[1:], 0) + n
    return usage, papers
