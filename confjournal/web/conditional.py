"""Conditional GET for the whole-journal exports (BibTeX, calendars, the recap).

A calendar app or reference manager fetches the same file again and again; the
file changes only when the journal does. Its ETag is the journal version
(`confjournal.web.pagecache`: database triggers bump it on every write to the
journal's tables), with who is asking, the language and the address: when
nothing was written since, the answer is a 304 with no body, for the cost of
reading one row.

Who is asking is part of the tag, so a logged-in user's copy never validates an
anonymous one's or another user's, should an export ever show private records.
"""

import hashlib

from django.utils import translation
from django.views.decorators.http import condition

from confjournal.web.pagecache import request_version


def journal_etag(request, *args, **kwargs):
    version = request_version()
    if version is None:  # no counter (a database not migrated yet): no ETag
        return None
    user = getattr(request, "user", None)
    who = f"user-{user.pk}" if user is not None and user.is_authenticated else "anonymous"
    parts = [
        str(version),
        who,
        translation.get_language() or "",
        request.get_host(),
        request.get_full_path(),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def journal_conditional(view):
    """`view` answers 304 Not Modified while the journal is unchanged (If-None-Match)."""
    return condition(etag_func=journal_etag)(view)
