"""sitemap.xml and robots.txt: what a search engine may index, public records only.

Like the feeds and the calendar, the sitemap is made for an anonymous visitor
whoever asks, so a logged-in owner fetching it sees no private address either.
Each section is paginated by Django (`?p=2`) and listed in the sitemap index.
"""

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import HttpResponse
from django.urls import reverse

from confjournal.web.pagecache import version_cached
from confjournal.years.review import review_years
from events.models import Booth, Event
from talks.models import Note, Paper, Speaker, Talk, listed_topics

PUBLIC = AnonymousUser()


class JournalSitemap(Sitemap):
    # Smaller than the protocol's 50,000 so that one page renders quickly
    # on a journal with 100,000 public notes; the index lists every page.
    limit = 5000

    def __init__(self, known=None):
        # (number of items, latest lastmod) from the index's cache, or None to ask the database.
        self.known = known

    @property
    def paginator(self):
        if self.known is None:
            return super().paginator
        pages = Paginator((), self.limit)
        pages.count = self.known[0]  # a cached_property: set, it is never computed
        return pages

    def get_latest_lastmod(self):
        if self.known is None:
            return self.newest_change()
        return self.known[1]

    def newest_change(self):
        return None


class PageSitemap(JournalSitemap):
    """The list pages, which exist whatever the journal holds."""

    changefreq = "daily"
    names = [
        "events:home",
        "talks:list",
        "talks:paper_list",
        "events:booth_list",
        "talks:note_list",
        "talks:speaker_list",
        "topics:list",
        "stats:overview",
    ]

    def items(self):
        return self.names

    def location(self, item):
        return reverse(item)


class UpdatedSitemap(JournalSitemap):
    """Records with an `updated_at`: it is their lastmod, and the index's is one MAX()."""

    def lastmod(self, item):
        return item.updated_at

    def newest_change(self):
        # Django's default calls lastmod() on every item of every page.
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class EventSitemap(UpdatedSitemap):
    def items(self):
        return Event.objects.visible_to(PUBLIC).only("slug", "updated_at").order_by("pk")


class NoteSitemap(UpdatedSitemap):
    def items(self):
        return Note.objects.visible_to(PUBLIC).only("pk", "updated_at").order_by("pk")


class TalkSitemap(JournalSitemap):
    def items(self):
        # Programme entries nobody attended are not part of the journal.
        return Talk.objects.visible_to(PUBLIC).attended().only("pk").order_by("pk")


class PaperSitemap(JournalSitemap):
    def items(self):
        return Paper.objects.visible_to(PUBLIC).only("pk").order_by("pk")


class BoothSitemap(JournalSitemap):
    def items(self):
        return Booth.objects.visible_to(PUBLIC).only("pk").order_by("pk")


class SpeakerSitemap(JournalSitemap):
    def items(self):
        # As on the speaker list: someone heard only in unattended programme talks is not
        # listed. EXISTS stops at a speaker's first attended talk; a count would read them all.
        return Speaker.objects.visible_to(PUBLIC, heard=True).only("slug").order_by("pk")


class TopicSitemap(JournalSitemap):
    def items(self):
        # What /topics/ lists: EXISTS into each kind of record, not a count of every
        # tagging through the gate. Slugs only: selecting the annotation would have
        # SQLite evaluate every EXISTS a second time for each topic.
        return listed_topics(PUBLIC).values_list("slug", flat=True).order_by("pk")

    def location(self, slug):
        return reverse("topics:detail", args=[slug])


class YearSitemap(JournalSitemap):
    """Each year in review with an event a visitor may see."""

    def items(self):
        return review_years(PUBLIC)

    def location(self, year):
        return reverse("years:detail", args=[year])


SITEMAPS = {
    "pages": PageSitemap,
    "years": YearSitemap,
    "events": EventSitemap,
    "talks": TalkSitemap,
    "papers": PaperSitemap,
    "booths": BoothSitemap,
    "notes": NoteSitemap,
    "speakers": SpeakerSitemap,
    "topics": TopicSitemap,
}


def section_facts():
    """{section: (number of items, latest lastmod)}: what the index needs of each section."""
    facts = {}
    for name, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        facts[name] = (sitemap.paginator.count, sitemap.newest_change())
    return facts


def index(request):
    """The sitemap index, from each section's count and lastmod kept under the journal version.

    Counting every public note, talk and speaker and finding the latest change reads
    the whole journal; the answer changes only when the journal does, which the
    version tells in one query (as for /stats/).
    """
    facts = version_cached("sitemap-index", section_facts)
    known = {name: sitemap_class(facts[name]) for name, sitemap_class in SITEMAPS.items()}
    return sitemap_views.index(request, known, sitemap_url_name="syndication:sitemap_section")


def robots_txt(request):
    """Everything public may be crawled but the admin; the sitemap says where it is."""
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Sitemap: {request.build_absolute_uri(reverse('syndication:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
