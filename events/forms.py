from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from confjournal.core.listing import TagYearFilterForm
from events.models import Booth, Event


class CountryCodeField(forms.CharField):
    """A country code (`KR`), checked against django-countries' list.

    A ChoiceField of every country (~250) is deep-copied into each form instance on
    every timeline request; the timeline offers only the countries of its events
    anyway. An unknown code is the ChoiceField's error.
    """

    default_error_messages = {
        "invalid_choice": forms.ChoiceField.default_error_messages["invalid_choice"],
    }

    def validate(self, value):
        super().validate(value)
        if value and value not in countries:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )


class TimelineFilterForm(TagYearFilterForm):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *Event.Kind.choices], required=False
    )
    country = CountryCodeField(label=_("Country"), required=False)


class BoothFilterForm(TagYearFilterForm):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *Booth.Kind.choices], required=False
    )
