import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from confjournal.core.fields import NFCCharField, NFCTextField, URLField
from confjournal.core.lists import url
from confjournal.core.markup import plain_text
from confjournal.core.tagging import Tags, TopicsMixin, prefetch_topics
from confjournal.core.text import unique_slug
from confjournal.core.visibility import (
    ExistsPerRow,
    Visibility,
    VisibleQuerySet,
    event_visible_q,
    record_visible_q,
)
from events.models import Booth, Event, Photo, Tag


class SpeakerQuerySet(VisibleQuerySet):
    def visibility_q(self, user):
        # A speaker has no visibility of their own: they are public through a
        # talk someone may see, and otherwise not there at all.
        return Q(ExistsPerRow(Talk.objects.visible_to(user).filter(speakers=OuterRef("pk"))))

    def visible_to(self, user, *, heard=False):
        """The speakers `user` may see; with `heard`, only those of an attended talk.

        Speakers heard only in a programme's unattended talks are not in the journal
        yet (the speaker list, the sitemap). An attended talk `user` may see is one
        that makes its speaker visible, so `heard` is one EXISTS, not the gate's and
        a second: PostgreSQL planned the two as hash joins over every talk.
        """
        if not heard:
            return super().visible_to(user)
        talks = Talk.objects.visible_to(user).attended().filter(speakers=OuterRef("pk"))
        return self.filter(ExistsPerRow(talks))

    def with_talk_counts(self, user):
        talks = (
            Talk.objects.visible_to(user)
            .attended()
            .filter(speakers=OuterRef("pk"))
            .order_by()
            .values("speakers")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(talk_count=Coalesce(Subquery(talks), 0))


class Speaker(models.Model):
    """A person heard speaking, with every spelling of their name."""

    name = NFCCharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True, blank=True)
    aliases = NFCTextField(
        _("other spellings"),
        blank=True,
        help_text=_("One per line, e.g. 승현준 for Sebastian Seung."),
    )
    affiliation = NFCCharField(_("affiliation"), max_length=200, blank=True)
    homepage = URLField(_("homepage"), max_length=500, blank=True)

    objects = SpeakerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="speaker_slug_not_empty"),
        ]
        # The speaker list walks names in order and stops after a page.
        indexes = [models.Index(fields=["name", "id"], name="speaker_name_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return url("talks:speaker_detail", self.slug)

    def clean(self):
        super().clean()
        if not self.slug and self.name:
            self.slug = unique_slug(
                Speaker.objects.all(),
                self.name,
                max_length=120,
                fallback="speaker",
                exclude_pk=self.pk,
            )

    @property
    def alias_list(self):
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]


# A programme day runs from 04:00 to 03:59 the next morning, as pretalx's and frab's do:
# a talk at 00:30 on a day's date is in the night after that day.
DAY_CHANGE = datetime.time(4, 0)


def local_start(day, clock):
    """The calendar date and time of a start at `clock` on the programme day `day`."""
    start = datetime.datetime.combine(day, clock)
    return start + datetime.timedelta(days=1) if clock < DAY_CHANGE else start


# A talk's speakers in the order the talk gives them (TalkSpeaker.position).
SPEAKER_ORDER = ("talk_appearances__position", "talk_appearances__id")


class TalkQuerySet(VisibleQuerySet):
    def visibility_q(self, user):
        return event_visible_q(user, "event__")

    def attended(self):
        return self.filter(attended=True)

    def with_speakers(self):
        """Each talk's speakers in order, as `speaker_list` reads them.

        A list per talk (`to_attr`), not a related manager's queryset per talk, which on
        a programme of hundreds of talks cost more than the query.
        """
        ordered = Speaker.objects.order_by(*SPEAKER_ORDER)
        return self.prefetch_related(
            Prefetch("speakers", queryset=ordered, to_attr="speakers_in_order")
        )

    def list_with_speakers(self):
        """These talks as a list, their speakers read by `attach_speakers()`: for a
        programme of hundreds, where `with_speakers()` makes a speaker once per talk."""
        talks = list(self)
        attach_speakers(talks)
        return talks


class Talk(TopicsMixin, models.Model):
    """A talk, keynote, panel or demo heard at an event."""

    # What search reads, in this order (confjournal/search/).
    search_fields = ("title", "abstract")

    class Kind(models.TextChoices):
        KEYNOTE = "keynote", _("Keynote")
        INVITED = "invited", _("Invited talk")
        ORAL = "oral", _("Oral")
        SPOTLIGHT = "spotlight", _("Spotlight")
        PANEL = "panel", _("Panel")
        TUTORIAL = "tutorial", _("Tutorial")
        WORKSHOP = "workshop", _("Workshop")
        EXPO = "expo", _("Expo talk")
        DEMO = "demo", _("Demo")
        LIGHTNING = "lightning", _("Lightning talk")
        MEETUP = "meetup", _("Meetup talk")
        OTHER = "other", _("Other")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="talks"
    )
    title = NFCCharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.INVITED)
    speakers = models.ManyToManyField(
        Speaker,
        verbose_name=_("speakers"),
        through="TalkSpeaker",
        related_name="talks",
        blank=True,
    )
    date = models.DateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_("The programme day. A start before 04:00 is in the night after it."),
    )
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    room = NFCCharField(_("room"), max_length=200, blank=True)
    abstract = NFCTextField(_("abstract"), blank=True, help_text=_("Markdown."))
    slides_url = URLField(_("slides"), max_length=500, blank=True)
    video_url = URLField(_("video"), max_length=500, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("my rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        choices=[
            (1, _("1 · not for me")),
            (2, _("2 · so-so")),
            (3, _("3 · good")),
            (4, _("4 · very good")),
            (5, _("5 · a highlight")),
        ],
        help_text=_("How much the talk gave you, 1 to 5."),
    )
    is_mine = models.BooleanField(_("I gave this talk"), default=False)
    attended = models.BooleanField(
        _("attended"),
        default=True,
        help_text=_("Untick for programme entries you did not go to."),
    )
    external_id = models.CharField(
        _("programme id"),
        max_length=100,
        blank=True,
        help_text=_("The talk's id (guid) in an imported programme."),
    )
    tags = Tags()
    photos = models.ManyToManyField(
        Photo, verbose_name=_("photos"), related_name="talks", blank=True
    )

    objects = TalkQuerySet.as_manager()

    class Meta:
        ordering = [
            F("date").asc(nulls_last=True),
            # The day's talks by time, then the night after it (before the day change),
            # then those with no time.
            models.Case(
                models.When(start_time__isnull=True, then=2),
                models.When(start_time__lt=DAY_CHANGE, then=1),
                default=0,
            ).asc(),
            F("start_time").asc(),
            "id",
        ]
        verbose_name = _("talk")
        verbose_name_plural = _("talks")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="talk_rating_1_to_5",
            ),
            models.UniqueConstraint(
                fields=["event", "external_id"],
                condition=~Q(external_id=""),
                name="talk_programme_id_once_per_event",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "date", "start_time"]),
            models.Index(fields=["date", "start_time", "id"], name="talk_date_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return url("talks:detail", self.pk)

    def starts_at(self):
        """The local date and time the talk starts (naive, in its event's time zone)."""
        if self.date is None or self.start_time is None:
            return None
        return local_start(self.date, self.start_time)

    def clean(self):
        super().clean()
        # On an event's add page the event is not saved yet, so event_id is
        # empty; the inline formset has still set the instance.
        try:
            event = self.event
        except Event.DoesNotExist:
            event = None
        checkable = event is not None and self.date and event.start_date and event.end_date
        if checkable and not event.start_date <= self.date <= event.end_date:
            raise ValidationError({"date": _("The date must fall within the event's dates.")})

    @property
    def speaker_list(self):
        """The speakers in their order (read once by `with_speakers()` or
        `attach_speakers()`, else a query)."""
        speakers = getattr(self, "speakers_in_order", None)
        if speakers is None:
            speakers = list(self.speakers.order_by(*SPEAKER_ORDER))
        return speakers

    @transaction.atomic
    def set_speakers(self, speakers):
        """Replace the speakers with `speakers`, keeping their order."""
        TalkSpeaker.objects.filter(talk=self).delete()
        TalkSpeaker.objects.bulk_create(
            TalkSpeaker(talk=self, speaker=speaker, position=position)
            for position, speaker in enumerate(dict.fromkeys(speakers))
        )


def attach_speakers(talks):
    """Set every talk's speakers in order, as `speaker_list` reads them, in one query.

    For programmes of hundreds of talks: rows rather than link instances, and each
    speaker made once however many talks they give (778 talks: 17 -> 7 ms against
    `with_speakers()`). `talks` are model instances already read.
    """
    by_id = {}
    for talk in talks:
        talk.speakers_in_order = []
        by_id[talk.pk] = talk
    if not by_id:
        return
    fields = [field.attname for field in Speaker._meta.concrete_fields]
    rows = (
        TalkSpeaker.objects.filter(talk__in=list(by_id))
        .order_by("position", "id")
        .values_list("talk_id", *(f"speaker__{name}" for name in fields))
    )
    speakers = {}
    for talk_id, *values in rows:
        speaker = speakers.get(values[0])
        if speaker is None:
            speaker = speakers[values[0]] = Speaker.from_db(rows.db, fields, values)
        by_id[talk_id].speakers_in_order.append(speaker)


class TalkSpeaker(models.Model):
    """One speaker of a talk, at a position in the talk's list of speakers."""

    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="talk_speakers")
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="talk_appearances")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("talk speaker")
        verbose_name_plural = _("talk speakers")
        constraints = [
            models.UniqueConstraint(fields=["talk", "speaker"], name="talk_speaker_once"),
        ]

    def __str__(self):
        return f"{self.speaker} · {self.talk}"


class PaperQuerySet(VisibleQuerySet):
    def visibility_q(self, user):
        return event_visible_q(user, "event__")


class Paper(TopicsMixin, models.Model):
    """A paper seen at an event, at a poster or in a talk."""

    # What search reads, in this order (confjournal/search/).
    search_fields = ("title", "authors", "abstract")

    class Presentation(models.TextChoices):
        POSTER = "poster", _("Poster")
        ORAL = "oral", _("Oral")
        SPOTLIGHT = "spotlight", _("Spotlight")
        WORKSHOP = "workshop", _("Workshop")
        OTHER = "other", _("Other")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="papers"
    )
    title = NFCCharField(_("title"), max_length=300)
    authors = NFCTextField(
        _("authors"), blank=True, help_text=_("One per line, in the paper's order.")
    )
    presentation = models.CharField(
        _("presentation"), max_length=20, choices=Presentation, default=Presentation.POSTER
    )
    session = NFCCharField(
        _("session"), max_length=100, blank=True, help_text=_("Session or poster number.")
    )
    url = URLField(
        _("link"), max_length=500, blank=True, help_text=_("OpenReview or the paper's page.")
    )
    arxiv_id = models.CharField(
        _("arXiv id"),
        max_length=32,
        blank=True,
        validators=[
            RegexValidator(
                r"^(\d{4}\.\d{4,5}|[a-z\-]+(\.[A-Z]{2})?/\d{7})(v\d+)?$",
                _("An arXiv id looks like 2206.09959 or 2206.09959v2."),
            )
        ],
    )
    doi = models.CharField(
        _("DOI"),
        max_length=200,
        blank=True,
        validators=[RegexValidator(r"^10\.\d{4,9}/\S+$", _("A DOI looks like 10.1234/abc."))],
    )
    venue = NFCCharField(
        _("published in"),
        max_length=300,
        blank=True,
        help_text=_("Its proceedings or journal, when not this event's (from BibTeX)."),
    )
    published_year = models.PositiveSmallIntegerField(
        _("year of publication"),
        null=True,
        blank=True,
        help_text=_("When not this event's (from BibTeX)."),
    )
    abstract = NFCTextField(_("abstract"), blank=True)
    is_mine = models.BooleanField(_("I am an author"), default=False)
    talk = models.ForeignKey(
        Talk,
        verbose_name=_("talk"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="papers",
        help_text=_("The talk in which it was presented, if any."),
    )
    tags = Tags()
    photos = models.ManyToManyField(
        Photo, verbose_name=_("photos"), related_name="papers", blank=True
    )

    objects = PaperQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("paper")
        verbose_name_plural = _("papers")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return url("talks:paper_detail", self.pk)

    def clean(self):
        super().clean()
        if self.talk_id and self.event_id and self.talk.event_id != self.event_id:
            raise ValidationError({"talk": _("Pick a talk of the same event.")})

    @property
    def author_list(self):
        return [line.strip() for line in self.authors.splitlines() if line.strip()]

    @property
    def arxiv_url(self):
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else ""

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""


class NoteQuerySet(VisibleQuerySet):
    def visibility_q(self, user):
        return record_visible_q(user)

    def for_display(self):
        return self.select_related(
            "event__parent", "talk", "paper", "booth", "owner"
        ).prefetch_related(prefetch_topics())


class Note(TopicsMixin, models.Model):
    """What someone wrote about an event, or about one talk, paper or booth of it."""

    # What search reads, in this order (confjournal/search/).
    search_fields = ("title", "body")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="notes"
    )
    talk = models.ForeignKey(
        Talk,
        verbose_name=_("talk"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notes",
    )
    paper = models.ForeignKey(
        Paper,
        verbose_name=_("paper"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notes",
    )
    booth = models.ForeignKey(
        Booth,
        verbose_name=_("booth"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notes",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="notes",
    )
    title = NFCCharField(_("title"), max_length=200, blank=True)
    body = NFCTextField(_("note"), help_text=_("Markdown."))
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=Visibility,
        default=Visibility.PRIVATE,
        help_text=_("Private notes are seen by you alone."),
    )
    highlight = models.BooleanField(
        _("highlight"),
        default=False,
        help_text=_("One of the year's best moments: shown in the year in review."),
    )
    tags = Tags()
    photos = models.ManyToManyField(
        Photo, verbose_name=_("photos"), related_name="notes", blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        # Newest first (the note list, feeds) reads this index backwards, a page at a time.
        indexes = [models.Index(fields=["created_at", "id"], name="note_created_idx")]
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(talk__isnull=True, paper__isnull=True)
                    | Q(talk__isnull=True, booth__isnull=True)
                    | Q(paper__isnull=True, booth__isnull=True)
                ),
                name="note_about_one_thing",
                violation_error_message=_(
                    "A note can be about one talk, one paper or one booth, not several."
                ),
            ),
        ]

    def __str__(self):
        return self.title or Truncator(plain_text(self.body)).chars(60)

    def get_absolute_url(self):
        return url("talks:note_detail", self.pk)

    @property
    def subject(self):
        """The talk, paper or booth the note is about, if any."""
        return self.talk or self.paper or self.booth

    def clean(self):
        super().clean()
        if not self.event_id:
            return
        for name in ("talk", "paper", "booth"):
            target_id = getattr(self, f"{name}_id")
            if target_id and getattr(self, name).event_id != self.event_id:
                raise ValidationError({name: _("Pick one of this event's own.")})


TAGGED_MODELS = [Event, Talk, Paper, Booth, Note]


def visible_topics(user, *, one=False):
    """Tags used on at least one record `user` may see, with `usage` counts.

    A tag used only on private records is not listed, and private records
    never add to a count. With `one=True` (to look up one topic by its slug)
    each tagging is checked on its own record, instead of against the set of
    every record `user` may see: faster for one topic, slower for all of them.
    """
    usage = Q()
    for model in TAGGED_MODELS:
        visible = model.objects.visible_to(user)
        if model is Talk:
            # Programme talks nobody attended are not part of the journal yet.
            visible = visible.attended()
        if one:
            seen = Exists(visible.filter(pk=OuterRef("items__object_id")))
        else:
            seen = Q(items__object_id__in=visible.values("pk"))
        usage |= Q(
            seen,
            items__content_type__app_label=model._meta.app_label,
            items__content_type__model=model._meta.model_name,
        )
    return Tag.objects.annotate(usage=Count("items", filter=usage)).filter(usage__gt=0)


def tagged_records(model, user):
    """The records of a tagged model that count for `user`'s topics (attended talks only)."""
    visible = model.objects.visible_to(user)
    return visible.attended() if model is Talk else visible


def listed_topics(user):
    """Tags used on at least one record `user` may see, without counting them.

    EXISTS from the tag into each kind of record stops at the first visible one, where
    counting every tagging through the gate (`visible_topics`) reads them all. Count
    a page of them with `topic_usage`.
    """
    used = Q()
    for model in TAGGED_MODELS:
        used |= Exists(tagged_records(model, user).filter(tags=OuterRef("pk")))
    return Tag.objects.annotate(
        listed=models.ExpressionWrapper(used, output_field=models.BooleanField())
    ).filter(listed=True)


def topic_usage(user, tags):
    """{tag id: number of records `user` may see under it}, for the given `tags` only.

    One query: a GROUP BY per kind of record over the taggings of these tags,
    joined by UNION ALL; its cost grows with the page's taggings, not the journal's.
    """
    ids = [tag.pk for tag in tags]
    if not ids:
        return {}
    groups = [
        tagged_records(model, user)
        .filter(tags__in=ids)
        .values(tag_id=F("tags__id"))
        .annotate(n=Count("pk"))
        .order_by()
        for model in TAGGED_MODELS
    ]
    usage = {}
    for row in groups[0].union(*groups[1:], all=True):
        usage[row["tag_id"]] = usage.get(row["tag_id"], 0) + row["n"]
    return usage
