"""Old event addresses keep working: `/events/<former slug>/…` redirects to the event's
address now, for anyone who may see the event (a private one stays a 404, its new
address unsaid).

An event's slug changes when it is edited in the admin, and days and side events made
before their slugs held their conference's were given new ones (migration 0011); each
old slug is a `FormerSlug`. Only a request that found nothing is looked up, so the
pages pay nothing.
"""

import re

from django.http import HttpResponsePermanentRedirect
from django.urls import get_script_prefix
from django.utils.cache import patch_cache_control
from django.utils.encoding import escape_uri_path

from events.models import Event

EVENT_PATH = re.compile(r"^/events/(?P<slug>[^/]+)/(?P<rest>.*)$")


class FormerSlugRedirectMiddleware:
    """A 404 under /events/<slug>/ where <slug> is an event's former slug: a 301 to it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        match = EVENT_PATH.match(request.path_info)
        if match is None:
            return response
        old = match["slug"]
        event = (
            Event.objects.visible_to(request.user)
            .filter(former_slugs__slug=old)
            .exclude(slug=old)  # renamed back: this is its address again, and it has no such page
            .only("slug")
            .first()
        )
        # An old slug that another event has taken since is that event's address now.
        if event is None or Event.objects.filter(slug=old).exists():
            return response
        rest = escape_uri_path(match["rest"])
        target = f"{get_script_prefix()}events/{escape_uri_path(event.slug)}/{rest}"
        if request.META.get("QUERY_STRING"):
            target += "?" + request.META["QUERY_STRING"]
        redirect = HttpResponsePermanentRedirect(target)
        # Only for whoever may see the event: never kept by a shared cache.
        patch_cache_control(redirect, private=True)
        return redirect
