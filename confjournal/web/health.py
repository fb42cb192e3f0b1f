"""`/health/` for load balancers and monitors: can this app server answer?

200 when the database and the cache both answer, 503 when either does not, with a
small JSON body naming which ("ok" or "unavailable", never the error itself, which
goes to the log). It sits first among the middleware, so a balancer that asks by
the server's address over plain HTTP is answered as well: no host check, no HTTPS
redirect, no session, no page cache. A check costs one `SELECT 1` and one cache read.
"""

import json
import logging

from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse

PATH = "/health/"
logger = logging.getLogger(__name__)


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache():
    # A read of a key nobody writes: a round trip to a shared cache, nothing stored.
    caches["default"].get("confjournal:health")


CHECKS = {"database": _database, "cache": _cache}


def report():
    """Each check's answer, "ok" or "unavailable"."""
    answers = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:
            logger.warning("health: the %s does not answer", name, exc_info=True)
            answers[name] = "unavailable"
        else:
            answers[name] = "ok"
    return answers


class HealthMiddleware:
    """Answers `/health/` before anything else runs; every other request passes on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        answers = report()
        healthy = all(answer == "ok" for answer in answers.values())
        body = {"status": "ok" if healthy else "unavailable", **answers}
        response = HttpResponse(
            json.dumps(body), content_type="application/json", status=200 if healthy else 503
        )
        response["Cache-Control"] = "no-store"
        return response
