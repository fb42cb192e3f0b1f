"""What a year held: its events, places, counts, speakers, topics, best talks, photos
and highlighted notes, for one viewer.

A year's records are those of the events that began in it (conferences, forums…) and
of their days and side events, so a conference that runs over New Year counts in the
year it began. `year_in_review` reads them in a fixed number of queries, whatever the
journal's size; the page (views.py) and the Markdown (`review_markdown`) show the same.
"""

from dataclasses import dataclass

from django.db.models import Count, F, Q, Value
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries.fields import Country

from confjournal.core.visibility import Visibility
from confjournal.stats.counts import topics_by_year
from events.models import Booth, Event, Photo
from talks.models import Note, Paper, Talk
from talks.recap import event_dates, inline, link, note_block, talk_line

TOP = 10
RATED = 5
PHOTOS = 6


@dataclass
class Topic:
    name: str
    slug: str
    n: int
    before: int  # the same topic in the year before


@dataclass
class YearInReview:
    year: int
    year_events: list  # the year's conferences, forums…, each with `days`: its days and side events
    countries: list  # [{"country": Country, "n": events}]
    cities: list  # [{"city", "country": Country, "n"}]
    counts: dict  # {"events", "talks", "papers", "booths", "notes"}
    speakers: list  # [{"name", "slug", "n"}]
    topics: list  # [Topic]
    rated: list  # Talk, best first
    year_photos: list  # public Photo
    highlights: list  # Note
    years: list  # every year with an event the viewer may see, newest first

    @property
    def previous(self):
        earlier = [year for year in self.years if year < self.year]
        return max(earlier) if earlier else None

    @property
    def next(self):
        later = [year for year in self.years if year > self.year]
        return min(later) if later else None


def review_years(user):
    """The years with an event `user` may see, newest first."""
    return Event.objects.visible_to(user).years()


def year_in_review(year, user):
    """The year as `user` may see it, or None when it holds no event they may see."""
    visible = Event.objects.visible_to(user)
    begun = visible.roots().filter(start_date__year=year)
    # The year's events and their days (of a visible event only) in one query.
    family = list(
        visible.filter(Q(pk__in=begun) | Q(parent__in=begun)).order_by("start_date", "name", "pk")
    )
    roots = [event for event in family if event.parent_id is None]
    if not roots:
        return None
    for event in roots:
        event.days = [day for day in family if day.parent_id == event.pk]
    family_ids = [event.pk for event in family]
    countries, cities = _places(family)
    talks = Talk.objects.visible_to(user).attended().filter(event__in=family_ids)
    return YearInReview(
        year=year,
        year_events=roots,
        countries=countries,
        cities=cities,
        counts=_counts(roots, family_ids, user),
        speakers=list(
            talks.filter(speakers__isnull=False)
            .values(name=F("speakers__name"), slug=F("speakers__slug"))
            .annotate(n=Count("pk"))
            .order_by("-n", "name", "slug")[:TOP]
        ),
        topics=_topics(year, user),
        rated=list(
            talks.filter(rating__isnull=False)
            .select_related("event__parent")
            .with_speakers()
            .order_by("-rating", "date", "start_time", "pk")[:RATED]
        ),
        year_photos=list(
            Photo.objects.visible_to(user)
            .filter(event__in=family_ids, visibility=Visibility.PUBLIC)
            .order_by("taken_at", "pk")[:PHOTOS]
        ),
        highlights=list(
            Note.objects.visible_to(user)
            .filter(event__in=family_ids, highlight=True)
            .select_related("event__parent", "talk", "paper", "booth", "owner")
            .order_by("event__start_date", "talk__date", "talk__start_time", "created_at", "pk")
        ),
        years=review_years(user),
    )


def _places(events):
    """Countries and cities with how many events were there, most first.

    A conference whose days were in two cities counts once in each, not once per day;
    "Seoul", "seoul " and "SEOUL" are one city, shown in its first spelling.
    """
    countries, cities, spelling = {}, {}, {}
    for event in events:
        family = event.parent_id or event.pk
        if event.country:
            countries.setdefault(event.country.code, set()).add(family)
        if event.city.strip():
            place = (event.city.strip().lower(), event.country.code)
            cities.setdefault(place, set()).add(family)
            spelling[place] = min(spelling.get(place, event.city), event.city)
    return (
        [
            {"country": Country(code), "n": len(families)}
            for code, families in sorted(countries.items(), key=lambda i: (-len(i[1]), i[0]))
        ],
        [
            {"city": spelling[place], "country": Country(place[1]), "n": len(families)}
            for place, families in sorted(cities.items(), key=lambda i: (-len(i[1]), i[0]))
        ],
    )


def _counts(roots, family, user):
    """How many of each kind of record the year holds, for `user`: one query."""
    kinds = {
        "talks": Talk.objects.visible_to(user).attended(),
        "papers": Paper.objects.visible_to(user),
        "booths": Booth.objects.visible_to(user),
        "notes": Note.objects.visible_to(user),
    }
    groups = [
        records.filter(event__in=family)
        .values(records_of=Value(kind))
        .annotate(n=Count("pk"))
        .order_by()
        for kind, records in kinds.items()
    ]
    counts = {"events": len(roots), **dict.fromkeys(kinds, 0)}
    for row in groups[0].union(*groups[1:], all=True):
        counts[row["records_of"]] = row["n"]
    return counts


def _topics(year, user):
    """The year's topics, most used first, each with its count the year before.

    As on the stats page, a record counts in the year of its own event or day, so the
    January day of a conference begun in December counts its topics in January's year.
    """
    usage, _papers = topics_by_year(user, years=[year - 1, year])
    topics = [
        Topic(name, slug, years.get(year, 0), years.get(year - 1, 0))
        for (_pk, name, slug), years in usage.items()
        if years.get(year)
    ]
    return sorted(topics, key=lambda topic: (-topic.n, topic.name))[:TOP]


def review_markdown(review, absolute=lambda url: url):
    """The year in review as Markdown to paste into a blog, in the active language."""
    lines = [f"# {_('%(year)s in review') % {'year': review.year}}", "", summary(review), ""]
    lines += [f"## {_('Events')}", ""]
    for event in review.year_events:
        lines.append(f"- {_event_line(event, absolute)}")
        lines += [f"  - {_event_line(day, absolute)}" for day in event.days]
    lines.append("")
    if review.countries:
        lines += [f"## {_('Where')}", ""]
        lines += [
            f"- {inline(row['country'].name)}: {_n_events(row['n'])}" for row in review.countries
        ]
        lines += [
            f"- {inline(row['city'])} ({inline(row['country'].name)}): {_n_events(row['n'])}"
            if row["country"]
            else f"- {inline(row['city'])}: {_n_events(row['n'])}"
            for row in review.cities
        ]
        lines.append("")
    if review.speakers:
        lines += [f"## {_('Speakers heard most')}", ""]
        for row in review.speakers:
            url = absolute(reverse("talks:speaker_detail", args=[row["slug"]]))
            talks = ngettext("%(n)s talk", "%(n)s talks", row["n"]) % {"n": row["n"]}
            lines.append(f"- {link(row['name'], url)}: {talks}")
        lines.append("")
    if review.topics:
        lines += [f"## {_('Topics of the year')}", ""]
        for topic in review.topics:
            url = absolute(reverse("topics:detail", args=[topic.slug]))
            lines.append(f"- {link(topic.name, url)}: {topic.n} ({_topic_change(topic, review)})")
        lines.append("")
    if review.rated:
        lines += [f"## {_('Talks rated highest')}", ""]
        lines += [f"- {talk_line(talk, absolute)}" for talk in review.rated]
        lines.append("")
    if review.year_photos:
        lines += [f"## {_('Photos')}", ""]
        for photo in review.year_photos:
            image = f"![{inline(photo.alt_text)}](<{absolute(photo.small[0])}>)"
            lines += [f"[{image}](<{absolute(photo.get_absolute_url())}>)", ""]
    if review.highlights:
        lines += [f"## {_('Highlights')}", ""]
        for note in review.highlights:
            lines += note_block(note, absolute)
    return "\n".join(lines).rstrip() + "\n"


def summary(review):
    """ "3 events · 12 talks · 4 papers · 2 booths · 9 notes", leaving out the zeros."""
    counts = review.counts
    parts = [
        ngettext("%(n)s event", "%(n)s events", counts["events"]),
        ngettext("%(n)s talk", "%(n)s talks", counts["talks"]),
        ngettext("%(n)s paper", "%(n)s papers", counts["papers"]),
        ngettext("%(n)s booth", "%(n)s booths", counts["booths"]),
        ngettext("%(n)s note", "%(n)s notes", counts["notes"]),
    ]
    values = [counts[name] for name in ("events", "talks", "papers", "booths", "notes")]
    return " · ".join(part % {"n": n} for part, n in zip(parts, values, strict=True) if n)


def _n_events(n):
    return ngettext("%(n)s event", "%(n)s events", n) % {"n": n}


def _topic_change(topic, review):
    if not topic.before:
        return _("new this year")
    return _("%(n)s in %(year)s") % {"n": topic.before, "year": review.year - 1}


def _event_line(event, absolute):
    place = ", ".join(part for part in (event.city, event.country.name) if part)
    details = ", ".join(filter(None, [event_dates(event), place]))
    return f"{link(event.name, absolute(event.get_absolute_url()))} ({inline(details)})"
