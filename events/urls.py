from django.urls import path

from events import photo_views, views

app_name = "events"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("events/", views.TimelineView.as_view(), name="timeline"),
    path("events/<str:slug>/", views.EventDetailView.as_view(), name="detail"),
    path("calendar.ics", views.site_calendar, name="calendar"),
    path("events/<str:slug>/calendar.ics", views.event_calendar, name="event_calendar"),
    path("booths/", views.BoothListView.as_view(), name="booth_list"),
    path("booths/<int:pk>/", views.BoothDetailView.as_view(), name="booth_detail"),
    path("events/<str:slug>/photos/", photo_views.PhotoGalleryView.as_view(), name="photo_gallery"),
    path("photos/<int:pk>/", photo_views.PhotoDetailView.as_view(), name="photo_detail"),
    path("photos/<int:pk>/<str:name>", photo_views.photo_file, name="photo_file"),
]
