import functools
import zoneinfo
from collections import defaultdict

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from taggit.models import GenericTaggedItemBase, TagBase

from confjournal.core.fields import NFCCharField, NFCTextField, URLField
from confjournal.core.listing import YearOf
from confjournal.core.lists import url
from confjournal.core.tagging import TAG_MAX_LENGTH, Tags, TopicsMixin
from confjournal.core.text import make_slug, unique_slug
from confjournal.core.visibility import (
    Visibility,
    VisibleQuerySet,
    event_visible_q,
    record_visible_q,
)


class Tag(TagBase):
    """A topic ("pruning", "트랜스포머") shared by events, talks, papers, booths and notes."""

    name = NFCCharField(_("name"), unique=True, max_length=TAG_MAX_LENGTH)
    aliases = NFCTextField(
        _("other names"),
        blank=True,
        help_text=_(
            "One per line, e.g. 베이지안 for bayesian. Search finds the topic by any of them."
        ),
    )

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
        return url("topics:detail", self.slug)

    @property
    def alias_list(self):
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]


class TaggedItem(GenericTaggedItemBase):
    """One tag on one journal record."""

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="items")

    class Meta:
        verbose_name = _("tagged item")
        verbose_name_plural = _("tagged items")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            # A topic's taggings of one kind, without reading the rows: the topic list
            # counts a page of topics and checks each one is used.
            models.Index(
                fields=["tag", "content_type", "object_id"], name="taggeditem_tag_kind_idx"
            ),
        ]

    def __str__(self):
        return f"{self.tag} · {self.content_type_id}:{self.object_id}"


def attach_topics(*groups):
    """Set `topics` on every record in `groups` (lists of events, talks, notes…) at once.

    One query for a page that lists several kinds of record, where
    `prefetch_related(prefetch_topics())` asks once per kind.
    """
    records, kinds = defaultdict(list), {}
    for group in groups:
        for record in group:
            model = type(record)
            if model not in kinds:  # once a kind, not once a record
                kinds[model] = ContentType.objects.get_for_model(model).pk
            records[kinds[model], record.pk].append(record)
            record.topics = []
    if not records:
        return
    pks = defaultdict(list)
    for content_type_id, pk in records:
        pks[content_type_id].append(pk)
    query = Q()
    for content_type_id, ids in pks.items():
        query |= Q(content_type_id=content_type_id, object_id__in=ids)
    # Rows, not TaggedItem and Tag instances: an event page of 778 talks has thousands
    # of taggings but a few dozen topics, each made once (half the page's time before).
    # Sorted here, not by ORDER BY id: SQLite would then read the kind's every tagging
    # in id order rather than look up each record's (7 ms for 300 talks, not 0.4).
    taggings = TaggedItem.objects.filter(query).order_by()
    rows = taggings.values_list(
        "id", "content_type_id", "object_id", "tag_id", "tag__name", "tag__slug"
    )
    tags = {}
    for _tagging, content_type_id, object_id, tag_id, name, slug in sorted(rows):
        if tag_id not in tags:
            tags[tag_id] = Tag(id=tag_id, name=name, slug=slug)
        topic = tags[tag_id]
        for record in records[content_type_id, object_id]:
            record.topics.append(topic)


def taggings_of(model):
    """The taggings of one kind of record as a part of the page cache's versions
    (`confjournal.web.pagecache.Section`): a note's topics leave the talks' kept."""
    return f"{TaggedItem._meta.db_table}:{ContentType.objects.get_for_model(model).pk}"


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

    def years(self):
        """The distinct years of these top-level events, newest first: read off the date's
        text on SQLite, where `dates("start_date", "year")` calls Python once per row."""
        years = self.roots().order_by().values_list(YearOf("start_date"), flat=True).distinct()
        return sorted(years, reverse=True)

    def latest_for(self, user, today):
        """The event `user` is most likely writing about: the one of theirs in progress
        (a day before its conference), else the last one that began, else the newest."""
        own = self.filter(owner=user.pk)
        begun = own.filter(start_date__lte=today).order_by(
            "-start_date", F("parent").asc(nulls_last=True), "-pk"
        )
        return (
            begun.filter(end_date__gte=today).first()
            or begun.first()
            or own.order_by("-created_at", "-pk").first()
        )

    def with_counts(self, user):
        """Annotate `talk_count`, `paper_count`, `booth_count`, `note_count`.

        Each count goes through the related model's own `visible_to`, so a
        private note is never counted for someone who may not read it. The
        related models are reached through Event's reverse relations, which
        keeps this app free of imports from `talks`.
        """
        if user is None or not user.is_authenticated:
            return self.annotate(**_anonymous_counts(self.model))
        return self.annotate(**_counts(self.model, user))


def _counts(model, user):
    annotations = {}
    for relation, name, only in [
        # Imported programme talks not attended are not part of the journal.
        ("talks", "talk_count", {"attended": True}),
        ("papers", "paper_count", {}),
        ("booths", "booth_count", {}),
        ("notes", "note_count", {}),
    ]:
        related = model._meta.get_field(relation).related_model
        subquery = (
            related.objects.visible_to(user)
            .filter(event=OuterRef("pk"), **only)
            .order_by()
            .values("event")
            .annotate(n=Count("pk"))
            .values("n")
        )
        annotations[name] = Coalesce(Subquery(subquery), 0)
    return annotations


def joined_name(parent, name):
    """How a day or side event is named away from its conference's page."""
    return f"{parent} \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK} {name}"


@functools.cache
def _anonymous_counts(model):
    """The anonymous visitor's count expressions, built once per process: the same for
    every visitor, and `annotate` resolves a copy of each (building them cost more than
    running the timeline's queries)."""
    return _counts(model, AnonymousUser())


class Event(TopicsMixin, models.Model):
    """Something attended: a conference, one of its days, a forum, a meetup, a visit."""

    # What search reads, in this order (confjournal/search/).
    search_fields = ("name", "series", "venue", "city", "organizer", "summary")

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
    cover_photo = models.ForeignKey(
        "Photo",
        verbose_name=_("cover photo"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="covers",
        help_text=_("Shown on the timeline (when the photo is public)."),
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
        return self.full_name

    def get_absolute_url(self):
        return url("events:detail", self.slug)

    @property
    def full_name(self):
        """A day with its conference's name before it ("삼성 AI 포럼 2022", then "Day 1 ·
        코엑스", between them an angle quote); else the name.

        Reads the parent: lists select it with the event (`select_related("event__parent")`).
        """
        return joined_name(self.parent.name, self.name) if self.parent_id else self.name

    def name_within(self, around):
        """The name to show on the page of `around`: a day of it needs no parent's name."""
        if around is not None and self.parent_id == getattr(around, "pk", None):
            return self.name
        return self.full_name

    def clean(self):
        super().clean()
        if not self.slug and self.name and self.parent_id is None:
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
            parent = self.parent
            if (
                self.start_date
                and self.end_date
                and (self.start_date < parent.start_date or self.end_date > parent.end_date)
            ):
                raise ValidationError(
                    {
                        "start_date": _(
                            "A day or side event falls within %(parent)s: %(start)s to %(end)s."
                        )
                        % {
                            "parent": parent.name,
                            "start": parent.start_date.isoformat(),
                            "end": parent.end_date.isoformat(),
                        }
                    }
                )
            if not self.slug or (self.pk is None and not self.slug.startswith(f"{parent.slug}-")):
                # A new day or side event's address holds its conference's: next year's
                # forum has a "Day 1" too. The conference's part is cut to leave room.
                self.slug = unique_slug(
                    Event.objects.all(),
                    f"{parent.slug[:80]} {self.slug or self.name}",
                    max_length=120,
                    exclude_pk=self.pk,
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
        if self.cover_photo_id is not None and self.cover_photo.event_id != self.pk:
            raise ValidationError({"cover_photo": _("Pick one of this event's own photos.")})

    def family_records(self, relation, user):
        """Visible talks/papers/booths/notes (by relation name) of this event and its days."""
        related = self._meta.get_field(relation).related_model
        # event IN (this event and its days), not `event=self OR event__parent=self`:
        # the OR across a join reads every row of the table.
        family = Event.objects.filter(Q(pk=self.pk) | Q(parent=self.pk)).values("pk")
        return related.objects.visible_to(user).filter(event__in=family)

    @property
    def is_multi_day(self):
        return self.end_date != self.start_date


class FormerSlug(models.Model):
    """An address an event had before: `/events/<slug>/…` redirects to where it is now."""

    slug = models.SlugField(_("former slug"), max_length=120, unique=True, allow_unicode=True)
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="former_slugs"
    )

    class Meta:
        verbose_name = _("former slug")
        verbose_name_plural = _("former slugs")

    def __str__(self):
        return self.slug


class BoothQuerySet(VisibleQuerySet):
    def visibility_q(self, user):
        return event_visible_q(user, "event__")


class Booth(TopicsMixin, models.Model):
    """A stand or a poster seen at an event: who, what they showed, what they gave."""

    # What search reads, in this order (confjournal/search/).
    search_fields = ("organization", "location", "showcase", "swag")

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        STARTUP = "startup", _("Startup")
        UNIVERSITY = "university", _("University")
        GOVERNMENT = "government", _("Government")
        COMMUNITY = "community", _("Community")
        RECRUITING = "recruiting", _("Recruiting")
        POSTER = "poster", _("Poster")
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
        return url("events:booth_detail", self.pk)


class PhotoQuerySet(VisibleQuerySet):
    def visibility_q(self, user):
        return record_visible_q(user)

    def for_display(self):
        return self.select_related("event__parent", "booth").order_by(*Photo._meta.ordering)


class Photo(models.Model):
    """A picture taken at an event: the venue, a poster, slides, a booth, swag.

    The stored image is a re-encoded copy without EXIF, XMP or ICC metadata
    (`events.photos.process`); `image` and the `thumbnails` names are random,
    so neither reveals the uploaded file's name. Talks, papers and notes point
    at their photos (`Talk.photos`), so this app knows nothing of theirs.
    """

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="photos"
    )
    booth = models.ForeignKey(
        Booth,
        verbose_name=_("booth"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="photos",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="photos",
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=Visibility,
        default=Visibility.PRIVATE,
        help_text=_("Private photos are seen by you alone."),
    )
    alt_text = NFCCharField(
        _("alt text"),
        max_length=300,
        help_text=_('What the photo shows, for those who cannot see it: "Poster 42 on pruning".'),
    )
    caption = NFCTextField(_("caption"), blank=True)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    image = models.FileField(_("image"), max_length=200, editable=False)
    width = models.PositiveIntegerField(_("width"), editable=False)
    height = models.PositiveIntegerField(_("height"), editable=False)
    # [{"width": 320, "height": 240, "name": "photos/ab/abcd…-320.webp"}, …], narrowest first.
    thumbnails = models.JSONField(_("thumbnails"), default=list, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        ordering = ["taken_at", "created_at", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        indexes = [models.Index(fields=["event", "taken_at"])]

    def __str__(self):
        return self.alt_text

    def get_absolute_url(self):
        return url("events:photo_detail", self.pk)

    def clean(self):
        super().clean()
        if self.booth_id and self.event_id and self.booth.event_id != self.event_id:
            raise ValidationError({"booth": _("Pick one of this event's own booths.")})

    def file_names(self):
        """Every stored file of this photo: the image and its thumbnails."""
        names = [self.image.name] if self.image.name else []
        return names + [thumb["name"] for thumb in self.thumbnails]

    def file_url(self, name):
        return reverse("events:photo_file", args=[self.pk, name.rsplit("/", 1)[-1]])

    @property
    def url(self):
        return self.file_url(self.image.name)

    @property
    def thumbnail_urls(self):
        """(url, width, height) of each thumbnail, narrowest first."""
        return [(self.file_url(t["name"]), t["width"], t["height"]) for t in self.thumbnails]

    @property
    def srcset(self):
        return ", ".join(f"{url} {width}w" for url, width, _height in self.thumbnail_urls)

    @property
    def full_srcset(self):
        """`srcset` with the full-size image too, for the photo's own page."""
        widest = max((t["width"] for t in self.thumbnails), default=0)
        if self.width <= widest:
            return self.srcset
        return ", ".join(filter(None, [self.srcset, f"{self.url} {self.width}w"]))

    @property
    def small(self):
        """The narrowest thumbnail as (url, width, height): the `src` fallback."""
        return self.thumbnail_urls[0] if self.thumbnails else (self.url, self.width, self.height)


@receiver(post_delete, sender=Photo, dispatch_uid="events.photo.remove_files")
def remove_photo_files(sender, instance, **kwargs):
    # A signal, not Photo.delete(): deleting an event deletes its photos by
    # cascade, and the admin deletes in bulk; neither calls delete() per photo.
    # The files go once the deletion commits, so a rolled-back delete keeps them.
    storage, names = instance.image.storage, instance.file_names()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
