"""Requests the journal refuses before any view sees them."""

from django.core.exceptions import BadRequest


class RejectNullCharactersMiddleware:
    """A NUL character in the path or query string is a 400, not a database error.

    PostgreSQL cannot hold NUL in text, so a lookup with one would fail as a
    500 there. Forms refuse NUL in posted fields themselves (Django's
    ProhibitNullCharactersValidator); this covers what views read from the URL.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadRequest("NUL character in the address")
        return self.get_response(request)
