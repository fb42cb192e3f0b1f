"""Strings the admin shows from a third-party app that ships no Korean translation.

django-axes (the failed-login lockout, under "Axes" in the admin) has no Korean
catalogue. Its strings are marked here with `gettext_noop` so that
`makemessages` copies them into ours (locale/ko/LC_MESSAGES/django.po), and
Django, which looks a message up in LOCALE_PATHS before any app's catalogue,
shows them in Korean. Nothing imports this module; the list follows
axes/models.py and axes/admin.py (the strings Django itself translates, such as
"Username", "Yes" and "No", are left to Django).
"""

from django.utils.translation import gettext_noop

AXES = [
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Attempt Time"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Locked Out"),
    gettext_noop("Logout Time"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
    gettext_noop("POST Data"),
    gettext_noop("Path"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"),
]
