"""Test settings: the real settings with a fixed key and fast password hashing."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("CONFJOURNAL_DATA_DIR", tempfile.mkdtemp(prefix="confjournal-tests-"))

from confjournal.settings import *  # noqa: F403

# The benchmark commands have tests of their own.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "en"
# Serve static files from the source folders: tests do not run collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The page cache is off so query-count and page tests measure the views;
# tests/test_pagecache.py turns it on.
PAGE_CACHE = False
