"""The journal's own settings with the benchmark commands installed."""

from confjournal.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
