"""The header's language switcher, without a CSRF token.

Choosing the interface language is not a state change worth CSRF protection:
a forged post can at worst switch a visitor's language, which the visitor
switches back with one click, and it touches no record, session or account.
Leaving the token out of the switcher keeps public pages free of per-visitor
tokens and cookies, so the anonymous page cache (confjournal/web/pagecache.py)
can serve one stored page to everyone. Django's set_language still does the
work: only a POST changes the cookie, `next` must stay on this site, and an
unknown language is ignored.
"""

from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language as django_set_language

set_language = csrf_exempt(django_set_language)
