from django.urls import path

from confjournal.years import views

app_name = "years"
urlpatterns = [
    path("years/<int:year>/", views.year_page, name="detail"),
    path("years/<int:year>/review.md", views.year_markdown, name="markdown"),
]
