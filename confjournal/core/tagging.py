"""Tags are the journal's topics: one tag vocabulary shared by every model."""

from django import forms
from django.db.models import Prefetch
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagField
from taggit.managers import TaggableManager, _TaggableManager
from taggit.utils import _parse_tags

from confjournal.core.text import nfc

TAG_MAX_LENGTH = 100


def parse_tags(tagstring):
    """taggit's parser, on NFC text (the TAGGIT_TAGS_FROM_STRING hook)."""
    return [nfc(name) for name in _parse_tags(nfc(tagstring or ""))]


class BoundedTagField(TagField):
    """A tag field that refuses names longer than the tag table holds."""

    def clean(self, value):
        names = super().clean(value)
        too_long = [name for name in names if len(name) > TAG_MAX_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("A tag can be at most %(limit)d characters long."),
                code="tag_too_long",
                params={"limit": TAG_MAX_LENGTH},
            )
        return names


class NFCTagManager(_TaggableManager):
    """Tag names given as strings (obj.tags.add("프루닝")) are looked up as NFC."""

    def _to_tag_model_instances(self, tags, tag_kwargs):
        tags = [nfc(tag) if isinstance(tag, str) else tag for tag in tags]
        return super()._to_tag_model_instances(tags, tag_kwargs)


class Tags(TaggableManager):
    """TaggableManager with the journal's tag model and bounded form field."""

    def __init__(self, **kwargs):
        kwargs.setdefault("through", "events.TaggedItem")
        kwargs.setdefault("manager", NFCTagManager)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("verbose_name", _("tags"))
        kwargs.setdefault(
            "help_text", _("Topics, separated by commas, e.g. pruning, 트랜스포머, LLM.")
        )
        super().__init__(**kwargs)

    def formfield(self, form_class=BoundedTagField, **kwargs):
        return super().formfield(form_class=form_class, **kwargs)

    def value_from_object(self, obj):
        # A form's initial tags from what a prefetch loaded (an admin inline's rows, or
        # the record of an admin page whose list prefetches `topics`): not a query per row.
        if obj.pk is None:
            return super().value_from_object(obj)
        loaded = obj.__dict__.get("topics")
        return list(loaded if loaded is not None else getattr(obj, self.name).all())

    def save_form_data(self, instance, value):
        super().save_form_data(instance, value)
        instance.__dict__.pop("topics", None)  # read again, not as they were before the form


class TopicsMixin:
    """A tagged record's `topics`: its tags as a list, what includes/tags.html shows.

    A list loads them with `prefetch_related(prefetch_topics())`; a page listing several
    kinds of record sets them for all of them at once (`events.models.attach_topics`);
    otherwise they are read through the manager.
    """

    @cached_property
    def topics(self):
        return list(self.tags.all())


def prefetch_topics():
    """A list's topics, prefetched straight into each record's `topics`.

    `prefetch_related("tags")` hands each record taggit's manager a queryset of its own
    to cache, a third of a 20-talk list's time; a list attribute needs none.
    """
    return Prefetch("tags", to_attr="topics")
