from django.urls import path

from events import views

app_name = "events"
urlpatterns = [
    path("", views.TimelineView.as_view(), name="home"),
    path("events/", views.TimelineView.as_view(), name="timeline"),
    path("events/<str:slug>/", views.EventDetailView.as_view(), name="detail"),
    path("calendar.ics", views.site_calendar, name="calendar"),
    path("events/<str:slug>/calendar.ics", views.event_calendar, name="event_calendar"),
    path("booths/", views.BoothListView.as_view(), name="booth_list"),
    path("booths/<int:pk>/", views.BoothDetailView.as_view(), name="booth_detail"),
]
