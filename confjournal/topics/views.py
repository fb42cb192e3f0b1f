"""Topic pages: every topic in use, and everything under one topic, across the journal.

A topic (events.Tag) labels events, talks, papers, booths and notes alike, so its pages
read both apps' records; everything goes through `visible_to`.
"""

import hashlib

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView

from confjournal.core.listing import (
    FilteredListView,
    NoFilterForm,
    first,
)
from confjournal.web.pagecache import (
    Section,
    table_versions,
    version_cached,
    viewer_key,
    viewer_scope,
)
from events.models import Booth, Event, Tag, TaggedItem, attach_topics
from talks.models import Note, Paper, Speaker, Talk, TalkSpeaker, listed_topics, topic_usage

# What a topic's lists read: every kind of record and its event, the talks' speakers,
# the notes' authors, and every record's topics.
TOPIC_RECORD_TABLES = [
    Event,
    Talk,
    TalkSpeaker,
    Speaker,
    Paper,
    Booth,
    Note,
    get_user_model(),
    TaggedItem,
    Tag,
]


class TopicListView(FilteredListView):
    """Every topic in use, by name, each with the number of records under it.

    Only the page's topics are counted (`topic_usage`): counting all of them to
    sort by use goes through every tagging of the journal, so the list has no
    "most used" order; /stats/ charts the most used topics. Even a page's counts
    read every tagging of its topics (50,000 in a large journal), so they are kept
    under the journal version, per viewer, as /stats/ keeps its own; so are the ids of
    the topics in use (PostgreSQL turns each topic's EXISTS into a join over every
    tagging: 90 ms for a page of 100).
    """

    template_name = "topics/topic_list.html"
    context_object_name = "topics"
    paginate_by = 100
    filter_form_class = NoFilterForm
    sort_options = {"name": (gettext_lazy("Name"), ())}  # ?sort=name of old links

    def base_queryset(self):
        user = self.request.user
        listed = version_cached(
            f"listed-topics:{viewer_scope(user)}",
            lambda: list(listed_topics(user).values_list("pk", flat=True)),
        )
        return Tag.objects.filter(pk__in=listed).order_by("name", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, topics = self.request.user, list(context["topics"])
        context["topics"] = topics
        page = ",".join(str(topic.pk) for topic in topics)
        page = hashlib.sha1(page.encode(), usedforsecurity=False).hexdigest()
        usage = version_cached(
            f"topic-usage:{viewer_scope(user)}:{page}", lambda: topic_usage(user, topics)
        )
        for topic in topics:
            topic.usage = usage.get(topic.pk, 0)
        return context


class TopicDetailView(DetailView):
    """Everything under one topic: events, talks, papers, booths and notes."""

    template_name = "topics/topic_detail.html"
    context_object_name = "topic"

    def get_object(self, queryset=None):
        # A topic is shown when the viewer sees a record under it: its count is that test,
        # kept with the lists (building its query over five kinds took ~4 ms).
        user, topic = self.request.user, get_object_or_404(Tag, slug=self.kwargs["slug"])
        self.versions = table_versions()
        usage = Section(
            f"topic-usage:{viewer_scope(user)}:{topic.pk}", TOPIC_RECORD_TABLES, self.versions
        ).cached(lambda: topic_usage(user, [topic]))
        topic.usage = usage.get(topic.pk, 0)
        if not topic.usage:
            raise Http404("No record the viewer may see is under this topic.")
        return topic

    # The newest of each kind, then a link to all of them in search (a busy topic
    # gathers hundreds of records over the years).
    records_shown = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, topic = self.request.user, self.object
        # The lists are kept until a record, its event, speakers, author or topics change.
        section = Section(
            f"topic-records:{topic.pk}:{viewer_key(user)}",
            TOPIC_RECORD_TABLES,
            self.versions,
        )
        context["topic_records"] = section.cached(
            lambda: render_to_string(
                "topics/topic_records.html", self.records(user, topic), self.request
            )
        )
        return context

    def records(self, user, topic):
        shown = self.records_shown
        lists = {
            "events": Event.objects.visible_to(user)
            .filter(tags=topic)
            .with_counts(user)
            .order_by("-start_date", "name"),
            "talks": Talk.objects.visible_to(user)
            .attended()
            .filter(tags=topic)
            .select_related("event__parent")
            .with_speakers()
            .order_by("-event__start_date", *Talk._meta.ordering),
            "papers": Paper.objects.visible_to(user)
            .filter(tags=topic)
            .select_related("event__parent")
            .order_by("-event__start_date", "title", "id"),
            "booths": Booth.objects.visible_to(user)
            .filter(tags=topic)
            .select_related("event__parent")
            .order_by("-event__start_date", "organization", "id"),
            "notes": Note.objects.visible_to(user)
            .filter(tags=topic)
            .for_display()
            .prefetch_related(None),
        }
        context = {"topic": topic}
        for name, queryset in lists.items():
            context[name], context[f"more_{name}"] = first(queryset, shown)
        attach_topics(*(context[name] for name in lists))
        return context
