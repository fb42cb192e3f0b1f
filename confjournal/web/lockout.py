"""The page shown to a login that django-axes has locked out."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.timesince import timeuntil


def locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the lockout page, in the site's look, as a 429."""
    now = timezone.now()
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "wait": timeuntil(now + settings.AXES_COOLOFF_TIME, now),
    }
    return render(request, "registration/locked_out.html", context, status=429)
