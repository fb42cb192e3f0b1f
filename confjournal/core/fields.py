"""Model fields shared by both apps."""

from django.db import models

from confjournal.core.text import nfc


class NFCMixin:
    """Normalise a text field to NFC on clean and whenever it is written."""

    def to_python(self, value):
        return nfc(super().to_python(value))

    def pre_save(self, model_instance, add):
        value = nfc(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        return nfc(super().get_prep_value(value))


class NFCCharField(NFCMixin, models.CharField):
    pass


class NFCTextField(NFCMixin, models.TextField):
    pass


class URLField(models.URLField):
    """A URL field whose form assumes https:// when the scheme is left out."""

    def formfield(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        return super().formfield(**kwargs)
