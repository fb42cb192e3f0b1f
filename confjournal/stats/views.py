"""The /stats/ page: the journal counted in the database, drawn as SVG on the server.

Every number comes from a GROUP BY over a `visible_to(user)` queryset, so a
private record never adds to a count the viewer may not see, and the page
costs the same queries whatever the size of the journal: one read of the tables'
versions (the cache keys), and five GROUP BYs (one a UNION ALL over the five tagged
models) for the parts the cache does not have. The charts are plain SVG made
by templates (templates/includes/svg_*.html) from the geometry computed here; each has a
title, a description and the table of its numbers, for screen readers and
for anyone who wants the figures.

It sits beside `events` and `talks` because it counts both apps' records, and `events`
never imports `talks`.
"""

import unicodedata
from dataclasses import dataclass, field

from django.db.models import Count, F, Min
from django.db.models.functions import Coalesce, Lower, Trim
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_countries import countries

from confjournal.core.listing import YearOf
from confjournal.stats.counts import topics_by_year
from confjournal.web.pagecache import (
    Section,
    counted_part,
    table_versions,
    viewer_key,
    viewer_scope,
)
from events.models import Event, Tag, taggings_of
from talks.models import TAGGED_MODELS, Speaker, Talk, TalkSpeaker

TOP = 10  # rows in a bar chart
TOP_TOPICS = 8  # rows of the topics-over-time chart
TOPIC_YEARS = 8  # its most recent years

# SVG geometry, in user units of a viewBox about as wide as a phone in CSS pixels.
WIDTH = 360
LABEL_WIDTH = 132  # the labels' column in bar charts and the heat map
FONT = 12
ROW = 24
BAR = 16


def em_width(text):
    """The width of `text` in ems, roughly: Hangul and other wide characters are 1, Latin ~0.6."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text)


def fit(text, width=LABEL_WIDTH - 8, font=FONT):
    """`text` cut with an ellipsis to fit `width` units at `font` size."""
    room = width / font
    if em_width(text) <= room:
        return text
    cut = ""
    for char in text:
        if em_width(cut + char) > room - 1:
            break
        cut += char
    return cut.rstrip() + "…"


class Drawn:
    """Drawn a quarter larger than its viewBox, and scaled down to fit a phone by CSS."""

    @property
    def display_width(self):
        return round(self.width * 1.25)

    @property
    def display_height(self):
        return round(self.height * 1.25)


@dataclass
class Row:
    label: str
    value: int
    url: str = ""


@dataclass
class BarChart(Drawn):
    """Horizontal bars, the longest the largest value; `rows` in the order shown."""

    key: str
    title: str
    description: str
    label_heading: str
    rows: list[Row]
    kind: str = "bars"

    @property
    def height(self):
        return len(self.rows) * ROW + 4

    @property
    def bars(self):
        top = max((row.value for row in self.rows), default=0) or 1
        room = WIDTH - LABEL_WIDTH - 40  # leaves space for the value after the bar
        for i, row in enumerate(self.rows):
            length = max(round(row.value / top * room, 1), 1)
            y = i * ROW + 2
            yield {
                "row": row,
                "short": fit(row.label),
                "y": y,
                "text_y": y + BAR - 3,
                "width": length,
                "value_x": LABEL_WIDTH + length + 4,
            }

    @property
    def label_x(self):
        return LABEL_WIDTH - 6

    @property
    def bar_x(self):
        return LABEL_WIDTH

    width = WIDTH


@dataclass
class ColumnChart(BarChart):
    """Vertical columns along a time axis (events per year)."""

    kind: str = "columns"
    column: int = 36
    plot_height: int = 120

    @property
    def width(self):
        return max(WIDTH, len(self.rows) * self.column + 8)

    @property
    def height(self):
        return self.plot_height + 44

    @property
    def baseline(self):
        return self.plot_height + 20

    @property
    def columns(self):
        top = max((row.value for row in self.rows), default=0) or 1
        offset = (self.width - len(self.rows) * self.column) / 2
        for i, row in enumerate(self.rows):
            height = max(round(row.value / top * self.plot_height, 1), 1)
            x = offset + i * self.column
            yield {
                "row": row,
                "x": x + 6,
                "width": self.column - 12,
                "y": self.baseline - height,
                "height": height,
                "center": x + self.column / 2,
                "value_y": self.baseline - height - 4,
                "label_y": self.baseline + 16,
            }


@dataclass
class HeatMap(Drawn):
    """Topics (rows) by year (columns); a darker cell is a larger count."""

    key: str
    title: str
    description: str
    label_heading: str
    years: list[int]
    rows: list[tuple[Row, list[int]]]  # (topic, counts per year)
    kind: str = "heatmap"
    cell: int = 34
    header: int = 20
    levels: int = field(default=5)

    @property
    def width(self):
        return max(WIDTH, LABEL_WIDTH + len(self.years) * self.cell + 4)

    @property
    def height(self):
        return self.header + len(self.rows) * ROW + 4

    @property
    def year_labels(self):
        for j, year in enumerate(self.years):
            yield {"year": year, "x": LABEL_WIDTH + j * self.cell + self.cell / 2}

    @property
    def grid(self):
        top = max((n for _row, counts in self.rows for n in counts), default=0) or 1
        for i, (row, counts) in enumerate(self.rows):
            y = self.header + i * ROW
            cells = []
            for j, n in enumerate(counts):
                level = 0 if n == 0 else 1 + round((n / top) * (self.levels - 1))
                cells.append(
                    {
                        "n": n,
                        "level": level,
                        "x": LABEL_WIDTH + j * self.cell + 1,
                        "center": LABEL_WIDTH + j * self.cell + self.cell / 2,
                    }
                )
            yield {
                "row": row,
                "short": fit(row.label),
                "y": y + 1,
                "text_y": y + BAR - 1,
                "cells": cells,
            }

    @property
    def table(self):
        return [(row, counts) for row, counts in self.rows]

    label_x = LABEL_WIDTH - 6


def country_label(code):
    """The country's name in the active language (no emoji flag: it needs a font)."""
    return countries.name(code) or code


def city_label(city, code):
    """The city and its country's name in the active language: "Seoul, 대한민국" in Korean."""
    if not code:
        return city
    return f"{city}, {countries.name(code) or code}"


def timeline_url(**filters):
    """The timeline filtered to one row of a chart: its year, country or kind."""
    return f"{reverse('events:timeline')}?{urlencode(filters)}"


def topic_url(slug):
    return reverse("topics:detail", args=[slug])


def event_counts(user):
    """Events per (year, kind), and the most frequent countries and cities."""
    events = Event.objects.visible_to(user)
    # A conference whose days were in two cities counts once in each city, not per day.
    family = Count(Coalesce(F("parent"), F("id")), distinct=True)
    per_year_kind = events.roots().values("kind", year=YearOf("start_date")).annotate(n=Count("pk"))
    by_country = (
        events.exclude(country="")
        .values("country")
        .annotate(n=family)
        .order_by("-n", "country")[:TOP]
    )
    # "Seoul", "seoul " and "SEOUL" are one city, shown as one of its spellings.
    by_city = (
        events.exclude(city="")
        .values("country", place=Lower(Trim("city")))
        .annotate(n=family, city=Min("city"))  # capitals sort first
        .order_by("-n", "place", "country")[:TOP]
    )
    return list(per_year_kind.order_by()), list(by_country), list(by_city)


def speaker_counts(user):
    """The speakers of the most talks attended."""
    return list(
        Talk.objects.visible_to(user)
        .attended()
        .filter(speakers__isnull=False)
        .values("speakers__name", "speakers__slug")
        .annotate(n=Count("pk"))
        .order_by("-n", "speakers__name", "speakers__slug")[:TOP]
    )


# What the speakers' counts read: the talks and their speakers, and of their events only
# who sees them.
SPEAKER_TABLES = [counted_part(Event), Talk, TalkSpeaker, Speaker]


def journal_stats(user, versions):
    """The charts of the stats page, for what `user` may see.

    Its counts are kept in the cache in parts, each until a table it reads is written
    (`pagecache.Section`; `versions` are `table_versions()`): the events' counts, the
    speakers', and the topics' per kind of record (`topics_by_year`).
    """
    scope = viewer_scope(user)
    per_year_kind, by_country, by_city = Section(f"stats-events:{scope}", [Event], versions).cached(
        lambda: event_counts(user)
    )
    speakers = Section(f"stats-speakers:{scope}", SPEAKER_TABLES, versions).cached(
        lambda: speaker_counts(user)
    )
    usage, papers = topics_by_year(user, versions=versions)
    kind_labels = dict(Event.Kind.choices)

    years, kinds = {}, {}
    for row in per_year_kind:
        years[row["year"]] = years.get(row["year"], 0) + row["n"]
        kinds[row["kind"]] = kinds.get(row["kind"], 0) + row["n"]
    per_year = [{"year": year, "n": n} for year, n in sorted(years.items())]
    by_kind = [
        {"kind": kind, "n": n} for kind, n in sorted(kinds.items(), key=lambda i: (-i[1], i[0]))
    ]
    paper_topics = [
        {"tags__name": name, "tags__slug": slug, "n": n}
        for (name, slug), n in sorted(papers.items(), key=lambda i: (-i[1], i[0][0]))[:TOP]
    ]

    total_events = sum(row["n"] for row in per_year)
    charts = []
    if per_year:
        first, last = per_year[0]["year"], per_year[-1]["year"]
        counts = {row["year"]: row["n"] for row in per_year}
        charts.append(
            ColumnChart(
                "years",
                _("Events per year"),
                _("%(total)d events from %(first)d to %(last)d; the most in one year: %(top)d.")
                % {
                    "total": total_events,
                    "first": first,
                    "last": last,
                    "top": max(counts.values()),
                },
                _("Year"),
                # Every year in the range, so a year without events shows as a gap.
                [
                    Row(
                        str(year),
                        counts.get(year, 0),
                        timeline_url(year=year) if year in counts else "",
                    )
                    for year in range(first, last + 1)
                ],
            )
        )
    if by_country:
        rows = [
            Row(country_label(r["country"]), r["n"], timeline_url(country=r["country"]))
            for r in by_country
        ]
        charts.append(
            BarChart(
                "countries",
                _("Countries"),
                _("Events by country, most first: %(list)s.") % {"list": summary(rows)},
                _("Country"),
                rows,
            )
        )
    if by_city:
        rows = [Row(city_label(r["city"], r["country"]), r["n"]) for r in by_city]
        charts.append(
            BarChart(
                "cities",
                _("Cities"),
                _("Events by city, most first: %(list)s.") % {"list": summary(rows)},
                _("City"),
                rows,
            )
        )
    if by_kind:
        rows = [
            Row(str(kind_labels.get(r["kind"], r["kind"])), r["n"], timeline_url(kind=r["kind"]))
            for r in by_kind
        ]
        charts.append(
            BarChart(
                "kinds",
                _("Kinds of events"),
                _("Events by kind, most first: %(list)s.") % {"list": summary(rows)},
                _("Kind"),
                rows,
            )
        )
    if usage:
        charts.append(topics_chart(usage))
    if speakers:
        rows = [
            Row(
                r["speakers__name"],
                r["n"],
                reverse("talks:speaker_detail", args=[r["speakers__slug"]]),
            )
            for r in speakers
        ]
        charts.append(
            BarChart(
                "speakers",
                _("Speakers heard most"),
                _("Talks attended per speaker, most first: %(list)s.") % {"list": summary(rows)},
                _("Speaker"),
                rows,
            )
        )
    if paper_topics:
        rows = [Row(r["tags__name"], r["n"], topic_url(r["tags__slug"])) for r in paper_topics]
        charts.append(
            BarChart(
                "paper-topics",
                _("Papers seen per topic"),
                _("Papers per topic, most first: %(list)s.") % {"list": summary(rows)},
                _("Topic"),
                rows,
            )
        )
    years = sorted((row["year"] for row in per_year), reverse=True)
    return {"charts": charts, "total_events": total_events, "years": years}


def summary(rows, limit=5):
    """The first rows as text for a chart's description: "Seoul, KR (4), …"."""
    text = ", ".join(f"{row.label} ({row.value})" for row in rows[:limit])
    return f"{text}, …" if len(rows) > limit else text


def topics_chart(usage):
    totals = sorted(usage.items(), key=lambda item: (-sum(item[1].values()), item[0][1]))
    top = totals[:TOP_TOPICS]
    all_years = sorted({year for _key, years in top for year in years})
    years = list(range(all_years[0], all_years[-1] + 1))[-TOPIC_YEARS:]
    rows = [
        (Row(name, sum(counts.values()), topic_url(slug)), [counts.get(y, 0) for y in years])
        for (_pk, name, slug), counts in top
    ]
    return HeatMap(
        "topics",
        _("Most frequent topics over time"),
        _("The %(n)d most used topics, counted per year from %(first)d to %(last)d: %(list)s.")
        % {
            "n": len(rows),
            "first": years[0],
            "last": years[-1],
            "list": summary([row for row, _counts in rows]),
        },
        _("Topic"),
        years,
        rows,
    )


def stats(request):
    """Events per year, places, kinds, topics, speakers and papers, as charts.

    Counting reads every record of the journal, so the counts are kept in the cache
    per viewer (`journal_stats`): database triggers set a table's
    version on every write to it, `QuerySet.update()` and raw SQL included, so a change,
    such as a record made private, shows on the next request.
    """
    user, versions = request.user, table_versions()
    # The charts themselves are kept too, in the viewer's language, until any table
    # their counts read is written; then only the parts written are counted again.
    tables = [*SPEAKER_TABLES, Tag, *TAGGED_MODELS, *map(taggings_of, TAGGED_MODELS)]
    charts = Section(f"stats:{viewer_key(user)}", tables, versions)
    context = charts.cached(lambda: journal_stats(user, versions))
    return render(request, "stats/stats.html", context)
