import os

import pytest

from tests.factories import StaffFactory, StaffMemberFactory, UserFactory

# The two-server tests need the servers `make cluster-test` starts (scripts/cluster-test).
collect_ignore = [] if os.environ.get("CONFJOURNAL_CLUSTER") == "1" else ["cluster"]


def require_or_skip(reason):
    """Skip a test whose input or service is missing here; fail it in CI.

    CI sets CONFJOURNAL_REQUIRE_ALL=1, where nothing may be skipped for want
    of a file or a service.
    """
    if os.environ.get("CONFJOURNAL_REQUIRE_ALL") == "1":
        pytest.fail(f"required but missing: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _empty_caches():
    """Every test starts with empty caches: the journal version starts over with each
    test's rolled-back database, so an entry an earlier test kept under a version
    (a topic count, the timeline's filter choices) would be read as current."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture
def fresh_cache(django_db_blocker):
    """An empty cache, and the journal version triggers in place, before and after."""
    from django.core.cache import cache

    from confjournal.web import pagecache

    with django_db_blocker.unblock():
        pagecache.ensure_triggers(using="default")
    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def user(db):
    return UserFactory(username="reader")


@pytest.fixture
def admin_user(db):
    return StaffFactory(username="editor")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def contributor(db):
    """A second staff user: in the Contributors group, not a superuser."""
    return StaffMemberFactory(username="colleague", group="Contributors")


@pytest.fixture
def editor(db):
    """A staff user in the Editors group, not a superuser."""
    return StaffMemberFactory(username="keeper", group="Editors")


@pytest.fixture
def view(client, django_capture_on_commit_callbacks):
    """GET a page as a server runs it (autocommit: what the page keeps, `pagecache.Section`,
    is stored at once) and return its HTML; `status` is the one expected."""

    def get(url, status=200, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(url, **kwargs)
        assert response.status_code == status
        return response.content.decode()

    return get


def pytest_collection_modifyitems(config, items):
    """Tests marked `database("sqlite")` run only in the SQLite leg, and so on.

    They are deselected, not skipped, in the other leg: make test runs both
    legs, so each of them runs once, and CI sees no skip.
    """
    from django.db import connection

    keep, other_database = [], []
    for item in items:
        marker = item.get_closest_marker("database")
        (other_database if marker and marker.args[0] != connection.vendor else keep).append(item)
    if other_database:
        config.hook.pytest_deselected(items=other_database)
        items[:] = keep


@pytest.fixture(autouse=True)
def _no_language_left_over():
    """Each test starts in the default language: a request in Korean leaves its
    translation active in the thread, and commands' output would follow it."""
    from django.utils import translation

    yield
    translation.deactivate()
