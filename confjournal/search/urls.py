from django.urls import path

from confjournal.search import suggest, views

app_name = "search"
urlpatterns = [
    path("search/", views.search, name="results"),
    path("search/speakers/", suggest.speaker_suggestions, name="speakers"),
]
