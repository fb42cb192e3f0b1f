"""A new owner's welcome: while the journal holds only the demo, the home page says so to
the journal's writers, with the way to log a first event and to take the demo out.

`demo_only` reaches templates through a context processor, read only by the page that
shows it (the home page) and only for a writer: a visitor, and the page cache, never
see it.
"""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from confjournal.exchange.demo import holds_only_the_demo, remove_demo


def demo_only(request):
    """Context processor: `demo_only`, true for a writer while the journal is the demo."""
    user = getattr(request, "user", None)
    return {
        "demo_only": SimpleLazyObject(
            lambda: bool(user and user.is_staff and holds_only_the_demo())
        )
    }


@staff_member_required
@require_http_methods(["GET", "POST"])
def remove_demo_view(request):
    """Confirm, then take the demo journal out (what `manage.py remove_demo` does)."""
    if not request.user.is_superuser:
        raise PermissionDenied
    if request.method == "POST":
        deleted, kept = remove_demo()
        messages.success(
            request,
            _("The demo journal is gone: %(n)d of its records removed.")
            % {"n": sum(deleted.values())},
        )
        for record in kept:
            messages.info(
                request,
                _("Kept “%(record)s”: something of yours hangs on it.") % {"record": record},
            )
        return redirect("events:home")
    return render(request, "welcome/remove_demo.html")
