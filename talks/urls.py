from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from talks import feeds, search_views, sitemaps, stats, views

app_name = "talks"
urlpatterns = [
    path("talks/", views.TalkListView.as_view(), name="list"),
    path("talks/<int:pk>/", views.TalkDetailView.as_view(), name="detail"),
    path("papers/", views.PaperListView.as_view(), name="paper_list"),
    path("papers/<int:pk>/", views.PaperDetailView.as_view(), name="paper_detail"),
    path("notes/", views.NoteListView.as_view(), name="note_list"),
    path("notes/<int:pk>/", views.NoteDetailView.as_view(), name="note_detail"),
    path("speakers/", views.SpeakerListView.as_view(), name="speaker_list"),
    path("speakers/<str:slug>/", views.SpeakerDetailView.as_view(), name="speaker_detail"),
    path("search/", views.search, name="search"),
    path("search/speakers/", search_views.speaker_suggestions, name="speaker_suggestions"),
    path("topics/", views.TopicListView.as_view(), name="topic_list"),
    path("topics/<str:slug>/", views.TopicDetailView.as_view(), name="topic_detail"),
    # Take it with you: feeds, BibTeX, the recap (all public-only).
    path("feeds/notes/", feeds.NoteFeed(), name="note_feed"),
    path("feeds/events/", feeds.EventFeed(), name="event_feed"),
    path("feeds/topics/<str:slug>/notes/", feeds.TopicNoteFeed(), name="topic_note_feed"),
    path("feeds/topics/<str:slug>/events/", feeds.TopicEventFeed(), name="topic_event_feed"),
    path("feeds/speakers/<str:slug>/notes/", feeds.SpeakerNoteFeed(), name="speaker_note_feed"),
    path("feeds/speakers/<str:slug>/events/", feeds.SpeakerEventFeed(), name="speaker_event_feed"),
    path("papers.bib", views.papers_bib, name="papers_bib"),
    path("papers/<int:pk>.bib", views.paper_bib, name="paper_bib"),
    path("events/<str:slug>/papers.bib", views.event_papers_bib, name="event_papers_bib"),
    path("events/<str:slug>/recap.md", views.event_recap, name="event_recap"),
    path("topics/<str:slug>/papers.bib", views.topic_papers_bib, name="topic_papers_bib"),
    # Pages people like to look at (issue 8): the stats, and what search engines read.
    path("stats/", stats.stats, name="stats"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path(
        "sitemap-<str:section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps.SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
]
