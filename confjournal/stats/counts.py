"""Counts the stats page and the year in review share: topics per year, read for one
viewer in one query."""

import datetime

from django.db.models import Count, F, Value

from confjournal.core.listing import YearOf
from events.models import Event
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
                tag_name=F("tags__name"),
                tag_slug=F("tags__slug"),
                year=YearOf(date),
            )
            .annotate(n=Count("pk"))
            .order_by()
        )
    usage, papers = {}, {}
    for row in groups[0].union(*groups[1:], all=True):
        key = (row["tag_id"], row["tag_name"], row["tag_slug"])
        years = usage.setdefault(key, {})
        years[row["year"]] = years.get(row["year"], 0) + row["n"]
        if row["model_name"] == Paper._meta.model_name:
            papers[key[1:]] = papers.get(key[1:], 0) + row["n"]
    return usage, papers
