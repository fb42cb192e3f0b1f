"""sitemap.xml and robots.txt: what a search engine may index, public records only.

Like the feeds and the calendar, the sitemap is made for an anonymous visitor
whoever asks, so a logged-in owner fetching it sees no private address either.
Each section is paginated by Django (`?p=2`) and listed in the sitemap index.
"""

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.http import HttpResponse
from django.urls import reverse

from events.models import Booth, Event
from talks.models import Note, Paper, Speaker, Talk, visible_topics

PUBLIC = AnonymousUser()


class JournalSitemap(Sitemap):
    # Smaller than the protocol's 50,000 so that one page renders quickly
    # on a journal with 100,000 public notes; the index lists every page.
    limit = 5000


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
        "talks:topic_list",
        "talks:stats",
    ]

    def items(self):
        return self.names

    def location(self, item):
        return reverse(item)


class UpdatedSitemap(JournalSitemap):
    """Records with an `updated_at`: it is their lastmod, and the index's is one MAX()."""

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
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
        # As on the speaker list: someone heard only in unattended programme talks is not listed.
        return (
            Speaker.objects.visible_to(PUBLIC)
            .with_talk_counts(PUBLIC)
            .filter(talk_count__gt=0)
            .only("slug")
            .order_by("pk")
        )


class TopicSitemap(JournalSitemap):
    def items(self):
        return visible_topics(PUBLIC).only("slug").order_by("pk")


SITEMAPS = {
    "pages": PageSitemap,
    "events": EventSitemap,
    "talks": TalkSitemap,
    "papers": PaperSitemap,
    "booths": BoothSitemap,
    "notes": NoteSitemap,
    "speakers": SpeakerSitemap,
    "topics": TopicSitemap,
}


def robots_txt(request):
    """Everything public may be crawled but the admin; the sitemap says where it is."""
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Sitemap: {request.build_absolute_uri(reverse('talks:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
