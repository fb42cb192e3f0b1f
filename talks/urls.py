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
    path("search/", views.search, name="search"),
    path("topics/", views.TopicListView.as_view(), name="topic_list"),
    path("topics/<str:slug>/", views.TopicDetailView.as_view(), name="topic_detail"),
]
