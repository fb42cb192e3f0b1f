"""`visible_to` for the anonymous visitor: the gate's query is built once per process
(confjournal/core/visibility.py). It must be the rule built afresh, stay unchanged whatever
its users do with their copies, and never stand in for a signed-in user's gate."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from events.models import Booth, Event, Photo
from talks.models import Note, Paper, Speaker, Talk
from tests.factories import EventFactory, NoteFactory, UserFactory

MODELS = [Event, Booth, Photo, Note, Talk, Paper, Speaker]


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_kept_anonymous_gate_is_the_rule_built_afresh_and_stays_so(db, model):
    anonymous = AnonymousUser()
    manager_queryset = model.objects.get_queryset()
    fresh = str(manager_queryset.filter(manager_queryset.visibility_q(anonymous)).query)
    kept = model.objects.visible_to(anonymous)
    assert str(kept.query) == fresh
    # Callers narrow, order, slice and evaluate their copies, or even change the
    # query in place: the next visitor's gate is still the rule.
    list(kept.filter(pk__gt=0).order_by("-pk")[:3])
    kept.query.add_q(Q(pk=-1))
    again = model.objects.visible_to(anonymous)
    assert str(again.query) == fresh
    assert again.query is not kept.query


def test_kept_gate_is_used_only_for_a_fresh_queryset_and_an_anonymous_visitor(db):
    owner = UserFactory(username="keeper")
    event = EventFactory(owner=owner, start_date=datetime.date(2024, 5, 1))
    public = NoteFactory(event=event, owner=owner, body="공개 메모", visibility="public")
    private = NoteFactory(event=event, owner=owner, body="비공개 메모", visibility="private")
    anonymous = AnonymousUser()
    assert list(Note.objects.visible_to(anonymous)) == [public]
    # A signed-in owner after the visitor gets their own gate, not the kept one.
    assert set(Note.objects.visible_to(owner)) == {public, private}
    assert list(Note.objects.visible_to(anonymous)) == [public]
    # A queryset already narrowed is gated by filtering, the narrowing kept.
    narrowed = Note.objects.filter(body__contains="메모").exclude(pk=public.pk)
    assert list(narrowed.visible_to(anonymous)) == []
    assert list(narrowed.visible_to(owner)) == [private]
    # A related manager's queryset is narrowed to the event first.
    assert list(event.notes.visible_to(anonymous)) == [public]
