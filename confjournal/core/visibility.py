"""The one visibility rule of the journal, as Q objects.

Every `visible_to(user)` QuerySet method is built from these functions, so
the rule ("public, or yours; anything under a private event is private")
lives in one place. `prefix` lets a query reach an event through a relation,
e.g. `event_visible_q(user, "event__")` for talks.
"""

from django.db import models
from django.db.models import Exists, Q
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private")


def sees_everything(user):
    return bool(user and user.is_authenticated and user.is_superuser)


def owned_q(user, prefix=""):
    if user is not None and user.is_authenticated:
        return Q(**{f"{prefix}owner": user.pk})
    return Q(pk__in=[])


def event_visible_q(user, prefix=""):
    """An event is visible when it and its parent are public, or it is yours.

    Events nest one level (days and side events under a conference), so the
    parent is the only ancestor to check.
    """
    public = Q(**{f"{prefix}visibility": Visibility.PUBLIC}) & (
        Q(**{f"{prefix}parent__isnull": True})
        | Q(**{f"{prefix}parent__visibility": Visibility.PUBLIC})
    )
    return public | owned_q(user, prefix)


def record_visible_q(user, prefix=""):
    """For records with a visibility of their own under an event (notes, photos)."""
    public = Q(**{f"{prefix}visibility": Visibility.PUBLIC}) & event_visible_q(
        None, f"{prefix}event__"
    )
    return public | owned_q(user, prefix)


class VisibleQuerySet(models.QuerySet):
    """Base for the journal's QuerySets: `visible_to` built from one rule."""

    def visibility_q(self, user):
        raise NotImplementedError

    def visible_to(self, user):
        if sees_everything(user):
            return self.all()
        return self.filter(self.visibility_q(user))


class ExistsPerRow(Exists):
    """EXISTS that PostgreSQL tests for each outer row, as SQLite does.

    PostgreSQL turns a plain EXISTS into a semi-join that first reads every row of the
    subquery's tables: for a page or a lookahead count that stops early, testing row by
    row is far cheaper (the speaker list's count: 44,000 talks read in 62 ms, against
    551 speakers tested in 6.5 ms). `OFFSET 0` is what keeps PostgreSQL from flattening
    it; it changes nothing else.
    """

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "EXISTS(%(subquery)s OFFSET 0)"
        return self.as_sql(compiler, connection, template=template, **extra_context)
