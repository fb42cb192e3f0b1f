from django.urls import path

from talks import views

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
    # Take it with you: BibTeX and the recap (public records only).
    path("papers.bib", views.papers_bib, name="papers_bib"),
    path("papers/<int:pk>.bib", views.paper_bib, name="paper_bib"),
    path("events/<str:slug>/papers.bib", views.event_papers_bib, name="event_papers_bib"),
    path("events/<str:slug>/recap.md", views.event_recap, name="event_recap"),
    path("topics/<str:slug>/papers.bib", views.topic_papers_bib, name="topic_papers_bib"),
]
