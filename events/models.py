import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from taggit.models import GenericTaggedItemBase, TagBase

from confjournal.fields import NFCCharField, NFCTextField, URLField
from confjournal.tagging import TAG_MAX_LENGTH, Tags
from confjournal.text import make_slug, unique_slug
from confjournal.visibility import (
    Visibility,
    VisibleQuerySet,
    event_visible_q,
)


class Tag(TagBase):
    """A topic ("pruning", "트랜스포머") shared by events, talks, papers, booths and notes."""

    name = NFCCharField(_("name"), unique=True, max_length=TAG_MAX_LENGTH)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name

    def slugify(self, tag, i=None):
        # Keeps Hangul, and a name of only punctuation still gets a usable slug.
        slug = make_slug(tag, max_length=TAG_MAX_LENGTH - 6, fallback="topic")
        if i is not None:
            slug += f"_{i}"
        return slug

    def get_absolute_url(self):
        return reverse("talks:topic_detail", args=[self.slug])


class TaggedItem(GenericTaggedItemBase):
    """One tag on one journal record."""

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="items")

    class Meta:
        verbose_name = _("tagged item")
        verbose_name_plural = _("tagged items")
        ordering = ["id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.tag} · {self.content_type_id}:{self.object_id}"


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not a time zone name such as Asia/Seoul or America/Chicago."),
            params={"value": value},
        )


class EventQuerySet(VisibleQuerySet):
    def visibility_q(self, user):
        return event_visible_q(user)

    def roots(self):
        return self.filter(parent__isnull=True)

    def with_counts(self, user):
        """Annotate `talk_count`, `paper_count`, `booth_count`, `note_count`.

        Each count goes through the related model's own `visible_to`, so a
        private note is never counted for someone who may not read it. The
        related models are reached through Event's reverse relations, which
        keeps this app free of imports from `talks`.
        """
        annotations = {}
        for relation, name, only in [
            # Imported programme talks not attended are not part of the journal.
            ("talks", "talk_count", {"attended": True}),
            ("papers", "paper_count", {}),
            ("booths", "booth_count", {}),
            ("notes", "note_count", {}),
        ]:
            related = self.model._meta.get_field(relation).related_model
            subquery = (
                related.objects.visible_to(user)
                .filter(event=OuterRef("pk"), **only)
                .order_by()
                .values("event")
                .annotate(n=Count("pk"))
                .values("n")
            )
            annotations[name] = Coalesce(Subquery(subquery), 0)
        return self.annotate(**annotations)


class Event(models.Model):
    """Something attended: a conference, one of its days, a forum, a meetup, a visit."""

    class Kind(models.TextChoices):
        CONFERENCE = "conference", _("Conference")
        FORUM = "forum", _("Forum")
        WORKSHOP = "workshop", _("Workshop")
        SUMMIT = "summit", _("Summit")
        MEETUP = "meetup", _("Meetup")
        EXPO = "expo", _("Expo")
        SEMINAR = "seminar", _("Seminar")
        SCHOOL = "school", _("School")
        VISIT = "visit", _("Visit")
        OTHER = "other", _("Other")

    class Attendance(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid")

    class Role(models.TextChoices):
        ATTENDEE = "attendee", _("Attendee")
        PRESENTER = "presenter", _("Presenter")
        AUTHOR = "author", _("Author")
        SPEAKER = "speaker", _("Speaker")
        VOLUNTEER = "volunteer", _("Volunteer")
        EXHIBITOR = "exhibitor", _("Exhibitor")
        ORGANIZER = "organizer", _("Organizer")

    name = NFCCharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text=_("Part of the page address. Left empty, it is made from the name."),
    )
    series = NFCCharField(
        _("series"),
        max_length=100,
        blank=True,
        help_text=_('The same conference in other years, e.g. "NeurIPS".'),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.CONFERENCE)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("For a day or a side event of a larger event."),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    venue = NFCCharField(_("venue"), max_length=200, blank=True)
    city = NFCCharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Asia/Seoul",
        validators=[validate_time_zone],
        help_text=_("Where the event happened, e.g. America/Chicago; talk times are local."),
    )
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance, default=Attendance.IN_PERSON
    )
    organizer = NFCCharField(_("organizer"), max_length=200, blank=True)
    website = URLField(_("website"), max_length=500, blank=True)
    role = models.CharField(_("my role"), max_length=20, choices=Role, default=Role.ATTENDEE)
    summary = NFCTextField(_("summary"), blank=True, help_text=_("Markdown."))
    tags = Tags()
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility, default=Visibility.PUBLIC
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="event_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=~Q(slug=""),
                name="event_slug_not_empty",
                violation_error_message=_("The slug cannot be empty."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="event_not_own_parent",
                violation_error_message=_("An event cannot be part of itself."),
            ),
        ]
        indexes = [
            models.Index(fields=["parent", "start_date"]),
            # Newest first: the timeline, and search walking events by date.
            models.Index(fields=["start_date"], name="event_start_date_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("events:detail", args=[self.slug])

    def clean(self):
        super().clean()
        if not self.slug and self.name:
            self.slug = unique_slug(
                Event.objects.all(), self.name, max_length=120, fallback="event", exclude_pk=self.pk
            )
        if self.parent_id is not None:
            if self.pk is not None and self.parent_id == self.pk:
                raise ValidationError({"parent": _("An event cannot be part of itself.")})
            if self.parent.parent_id is not None:
                raise ValidationError(
                    {"parent": _("Pick a top-level event: days and side events nest one level.")}
                )
            if self.pk is not None and self.children.exists():
                raise ValidationError(
                    {
                        "parent": _(
                            "This event has days or side events of its own, "
                            "so it cannot be part of another."
                        )
                    }
                )

    def family_records(self, relation, user):
        """Visible talks/papers/booths/notes (by relation name) of this event and its days."""
        related = self._meta.get_field(relation).related_model
        return related.objects.visible_to(user).filter(Q(event=self) | Q(event__parent=self))

    @property
    def is_multi_day(self):
        return self.end_date != self.start_date


class BoothQuerySet(VisibleQuerySet):
    def visibility_q(self, user):
        return event_visible_q(user, "event__")


class Booth(models.Model):
    """A stand visited at an event's expo hall: who, what they showed, what they gave."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        STARTUP = "startup", _("Startup")
        UNIVERSITY = "university", _("University")
        GOVERNMENT = "government", _("Government")
        COMMUNITY = "community", _("Community")
        RECRUITING = "recruiting", _("Recruiting")
        OTHER = "other", _("Other")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="booths"
    )
    organization = NFCCharField(_("organization"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.COMPANY)
    location = NFCCharField(
        _("location"), max_length=200, blank=True, help_text=_("Hall, booth number.")
    )
    showcase = NFCTextField(_("what was shown"), blank=True, help_text=_("Demos, products."))
    swag = NFCTextField(_("swag"), blank=True)
    website = URLField(_("website"), max_length=500, blank=True)
    tags = Tags()

    objects = BoothQuerySet.as_manager()

    class Meta:
        ordering = ["organization", "id"]
        verbose_name = _("booth")
        verbose_name_plural = _("booths")

    def __str__(self):
        return self.organization

    def get_absolute_url(self):
        return reverse("events:booth_detail", args=[self.pk])
