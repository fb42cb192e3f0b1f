"""The project's addresses and one more whose view fails, for the 500 page's tests."""

from django.urls import path

from confjournal.urls import urlpatterns as project


def fail(request):
    raise RuntimeError("a view that fails, for the 500 page's tests")


urlpatterns = [path("__fail__/", fail), *project]
