"""`/health/` (confjournal/web/health.py): what a load balancer asks, and what it is told."""

import json
import socket

import pytest
from django.test import Client

from confjournal.web import pagecache
from tests import factories as make


def closed_port():
    """A loopback port nothing listens on: a connection there is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_gone(settings):
    """The cache is a Redis server that does not answer (Django's own Redis backend)."""
    location = f"redis://127.0.0.1:{closed_port()}/0"
    backend = "django.core.cache.backends.redis.RedisCache"
    settings.CACHES = {
        "default": {"BACKEND": backend, "LOCATION": location},
        "large": {"BACKEND": backend, "LOCATION": location, "KEY_PREFIX": "large"},
    }


def test_health_is_ok_with_the_database_and_the_cache(client, db, django_assert_num_queries):
    make.NoteFactory(title="A private thought", visibility="private")
    with django_assert_num_queries(1):
        response = client.get("/health/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    # Nothing of the journal: only what answered.
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "cache": "ok"}


def test_health_answers_a_balancer_that_asks_by_address_over_plain_http(db, settings):
    """A balancer asks http://10.0.0.5:8000/health/: no host check, no HTTPS redirect."""
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/health/", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200
    assert json.loads(response.content)["status"] == "ok"
    # Every other address still gets both.
    assert Client().get("/", HTTP_HOST="10.0.0.5:8000").status_code == 400
    assert Client().get("/").status_code == 301


def test_health_is_503_when_the_cache_does_not_answer(client, db, redis_gone):
    response = client.get("/health/")
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "unavailable",
        "database": "ok",
        "cache": "unavailable",
    }
    assert "Connection" not in response.content.decode()  # the error goes to the log only


def test_pages_are_still_served_when_the_shared_cache_is_down(client, db, settings, redis_gone):
    """Redis restarting is slower pages for a while, never an error page."""
    settings.PAGE_CACHE = True
    pagecache.ensure_triggers(using="default")
    make.EventFactory(name="Still Here Summit", slug="still-here", visibility="public")
    for _ in range(2):
        response = client.get("/events/still-here/")
        assert response.status_code == 200
        assert "Still Here Summit" in response.content.decode()
        assert not getattr(response, "page_cache_hit", False)
    response = client.get("/stats/")  # its counts are kept in the same cache
    assert response.status_code == 200
    assert "1 event" in response.content.decode()
    pagecache.close_readers()


def test_only_get_and_head_are_health_checks(client, db):
    assert client.head("/health/").status_code == 200
    assert client.post("/health/").status_code == 404  # no such page: a check only reads
