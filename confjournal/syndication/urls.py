from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from confjournal.syndication import feeds, sitemaps

app_name = "syndication"
urlpatterns = [
    path("feeds/notes/", feeds.NoteFeed(), name="note_feed"),
    path("feeds/events/", feeds.EventFeed(), name="event_feed"),
    path("feeds/topics/<str:slug>/notes/", feeds.TopicNoteFeed(), name="topic_note_feed"),
    path("feeds/topics/<str:slug>/events/", feeds.TopicEventFeed(), name="topic_event_feed"),
    path("feeds/speakers/<str:slug>/notes/", feeds.SpeakerNoteFeed(), name="speaker_note_feed"),
    path("feeds/speakers/<str:slug>/events/", feeds.SpeakerEventFeed(), name="speaker_event_feed"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path(
        "sitemap-<str:section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps.SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
]
