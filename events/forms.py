from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from confjournal.listing import TagYearFilterForm
from events.models import Booth, Event


class TimelineFilterForm(TagYearFilterForm):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *Event.Kind.choices], required=False
    )
    country = forms.ChoiceField(
        label=_("Country"), choices=[("", _("All countries")), *countries], required=False
    )


class BoothFilterForm(TagYearFilterForm):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *Booth.Kind.choices], required=False
    )
