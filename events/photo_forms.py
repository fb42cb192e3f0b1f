"""The photo entry form: one or several image files, each through the pipeline.

Every file is decoded and re-encoded while the form validates, so a file
that is not a safe image is a form error naming the file and the problem,
and nothing is stored. `save_photo_form` then stores each file as a photo
(the first on the form's own row, the others as copies of its alt text,
caption, booth and visibility) with `photos.store`.
"""

import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import photos
from events.models import Photo


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field taking several files at once (the pattern in Django's docs)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class PhotoForm(forms.ModelForm):
    upload = MultipleFileField(
        label=_("image files"),
        required=False,
        help_text=_(
            "JPEG, PNG, WebP or GIF. Several files at once become several photos with "
            "this alt text and caption; edit each afterwards. Location and other "
            "metadata are removed."
        ),
    )

    class Meta:
        model = Photo
        fields = ["event", "booth", "alt_text", "caption", "taken_at", "visibility"]

    def clean_upload(self):
        files = self.cleaned_data["upload"]
        if not files and self.instance.pk is None:
            raise ValidationError(_("Choose an image file."), code="required")
        if len(files) > 1 and self.instance.pk is not None:
            raise ValidationError(_("Replace a photo with one file, not several."))
        self.processed = []
        for upload in files:
            try:
                self.processed.append(photos.process(photos.read_upload(upload)))
            except photos.PhotoError as error:
                raise ValidationError(
                    _("%(name)s: %(problem)s"),
                    code="bad_image",
                    params={"name": upload.name, "problem": error},
                ) from error
        return files


class OwnPhotosFormSet(BaseInlineFormSet):
    """Rows may name only the photos the formset shows (the user's own)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields[self._pk_field.name].queryset = self.get_queryset()


def local_time(taken_at, event):
    """EXIF time is the camera's local time: read it in the event's time zone."""
    if taken_at is None or timezone.is_aware(taken_at):
        return taken_at
    try:
        zone = zoneinfo.ZoneInfo(event.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = timezone.get_default_timezone()
    return timezone.make_aware(taken_at, zone)


def save_photo_form(form, owner):
    """Store the form's photo and, for each extra file, one more; return them."""
    photo = form.save(commit=False)
    if photo.owner_id is None:
        photo.owner = owner
    processed = getattr(form, "processed", [])
    if not processed:
        photo.save()
        return [photo]
    typed_time = form.cleaned_data.get("taken_at")
    saved = []
    for index, item in enumerate(processed):
        target = photo
        if index:
            target = Photo(
                event=photo.event,
                booth=photo.booth,
                owner=photo.owner,
                visibility=photo.visibility,
                alt_text=photo.alt_text,
                caption=photo.caption,
            )
        if not (index == 0 and typed_time):
            target.taken_at = local_time(item.taken_at, photo.event)
        saved.append(photos.store(target, item))
    return saved
