"""Atom feeds of public notes and public events: for the site, a topic or a speaker.

A feed is read by feed readers, not by the logged-in owner: every feed is
made for an anonymous visitor, whoever asks for it, so nothing private ever
goes into one.
"""

import re

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from confjournal.core.markup import render_markdown
from confjournal.core.tagging import prefetch_topics
from events.models import Event
from talks.models import Note, Speaker, Talk, visible_topics

FEED_SIZE = 50
PUBLIC = AnonymousUser()
# Characters XML 1.0 cannot hold at all, not even escaped (most C0 controls).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text):
    return _NOT_XML.sub("", str(text))


class JournalFeed(Feed):
    """What every journal feed shares: Atom, the newest `FEED_SIZE` entries."""

    feed_type = Atom1Feed
    kind = ""  # "notes" or "events"

    def get_object(self, request, slug=None):
        return None

    def title(self, obj):
        names = {"notes": _("Notes"), "events": _("Events")}
        if obj is None:
            return _("%(what)s · ConfJournal") % {"what": names[self.kind]}
        return xml_text(
            _("%(what)s: %(name)s · ConfJournal") % {"what": names[self.kind], "name": obj}
        )

    def link(self, obj):
        if obj is not None:
            return obj.get_absolute_url()
        return reverse("talks:note_list" if self.kind == "notes" else "events:timeline")

    def subtitle(self, obj):
        return _("The public part of a conference journal.")

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [xml_text(tag.name) for tag in item.topics]


class NoteFeed(JournalFeed):
    kind = "notes"

    def notes(self, obj):
        return Note.objects.visible_to(PUBLIC)

    def items(self, obj):
        return self.notes(obj).for_display().order_by("-created_at", "-id")[:FEED_SIZE]

    def item_title(self, item):
        return xml_text(item)

    def item_description(self, item):
        # Sanitised HTML; the feed writer escapes it again as Atom's type="html".
        return xml_text(render_markdown(item.body))

    def item_author_name(self, item):
        return xml_text(item.owner.get_full_name() or item.owner.get_username())


class EventFeed(JournalFeed):
    kind = "events"

    def events(self, obj):
        return Event.objects.visible_to(PUBLIC)

    def items(self, obj):
        return (
            self.events(obj)
            .select_related("parent")
            .prefetch_related(prefetch_topics())
            .order_by("-start_date", "-end_date", "-id")[:FEED_SIZE]
        )

    def item_title(self, item):
        return xml_text(item.full_name)

    def item_description(self, item):
        place = ", ".join(part for part in (item.venue, item.city, item.country.name) if part)
        dates = str(item.start_date)
        if item.end_date != item.start_date:
            dates += f" \N{EN DASH} {item.end_date}"
        heading = render_markdown(" · ".join(part for part in (dates, place) if part))
        return xml_text(heading + render_markdown(item.summary))


class TopicMixin:
    def get_object(self, request, slug=None):
        return get_object_or_404(visible_topics(PUBLIC, one=True), slug=slug)


class SpeakerMixin:
    def get_object(self, request, slug=None):
        return get_object_or_404(Speaker.objects.visible_to(PUBLIC), slug=slug)

    def talks(self, speaker):
        return Talk.objects.visible_to(PUBLIC).attended().filter(speakers=speaker)


class TopicNoteFeed(TopicMixin, NoteFeed):
    def notes(self, obj):
        return super().notes(obj).filter(tags=obj)


class TopicEventFeed(TopicMixin, EventFeed):
    def events(self, obj):
        return super().events(obj).filter(tags=obj)


class SpeakerNoteFeed(SpeakerMixin, NoteFeed):
    """Notes on the speaker's talks."""

    def notes(self, obj):
        return super().notes(obj).filter(talk__in=self.talks(obj))


class SpeakerEventFeed(SpeakerMixin, EventFeed):
    """The events at which the speaker gave a talk that was attended."""

    def events(self, obj):
        return super().events(obj).filter(pk__in=self.talks(obj).values("event"))
