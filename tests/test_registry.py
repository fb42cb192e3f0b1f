"""One registry of the journal's models: the page cache and the archive read it, so an
app that says it is part of the journal is watched and kept without touching either."""

import pytest
from axes.models import AccessAttempt
from django.apps import apps

from confjournal.core import registry
from confjournal.exchange import archive
from confjournal.web import pagecache


def models_of(*labels):
    return [
        model
        for label in labels
        for model in apps.get_app_config(label).get_models()
        if model._meta.managed and not model._meta.proxy
    ]


def test_the_journal_is_the_events_and_talks_apps():
    assert [config.label for config in registry.journal_apps()] == ["events", "talks"]
    assert registry.journal_models() == models_of("events", "talks")


@pytest.fixture
def axes_in_the_journal(monkeypatch):
    """An app that joins the journal by its AppConfig flag alone (django-axes here)."""
    monkeypatch.setattr(apps.get_app_config("axes"), "journal", True, raising=False)


def test_a_new_journal_app_is_watched_by_the_page_cache(axes_in_the_journal):
    tables = pagecache.journal_tables()
    assert AccessAttempt._meta.db_table in tables
    assert {
        "events_event",
        "talks_note",
        "talks_talkspeaker",
        "events_taggeditem",
        "auth_user",
    } <= set(tables)


def test_a_new_journal_app_is_kept_by_the_archive(axes_in_the_journal):
    models = archive.journal_models()
    assert AccessAttempt in models
    assert models[:2] == [apps.get_model("auth.Group"), apps.get_model("auth.User")]


def test_other_apps_stay_out():
    assert AccessAttempt not in registry.journal_models()
    assert AccessAttempt._meta.db_table not in pagecache.journal_tables()
