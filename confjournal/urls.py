from django.contrib import admin
from django.urls import include, path

from confjournal.exchange import welcome
from confjournal.web import language

urlpatterns = [
    path("admin/", admin.site.urls),
    # Django's set_language, CSRF-exempt (confjournal/web/language.py says why):
    # the header's language switcher posts here.
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("demo/remove/", welcome.remove_demo_view, name="remove_demo"),
    path("", include("events.urls")),
    path("", include("talks.urls")),
    path("", include("confjournal.search.urls")),
    path("", include("confjournal.topics.urls")),
    path("", include("confjournal.stats.urls")),
    path("", include("confjournal.years.urls")),
    path("", include("confjournal.syndication.urls")),
]
