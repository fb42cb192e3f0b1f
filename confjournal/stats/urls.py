from django.urls import path

from confjournal.stats import views

app_name = "stats"
urlpatterns = [
    path("stats/", views.stats, name="overview"),
]
