from django.urls import path

from confjournal.topics import views

app_name = "topics"
urlpatterns = [
    path("topics/", views.TopicListView.as_view(), name="list"),
    path("topics/<str:slug>/", views.TopicDetailView.as_view(), name="detail"),
]
