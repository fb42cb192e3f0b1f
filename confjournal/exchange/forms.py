"""The admin's upload forms for bringing records in."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ProgrammeImportForm(forms.Form):
    """The event's "Import programme" page in the admin."""

    file = forms.FileField(
        label=_("Programme file"),
        help_text=_(
            "A frab schedule XML, a pretalx/frab schedule JSON or an iCalendar (.ics) file, "
            "as the conference publishes it; at most 10 MB."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Only show what would change"),
        required=False,
        help_text=_("Nothing is written; the changes are listed below."),
    )
    extend_dates = forms.BooleanField(
        label=_("Extend the event's dates to the programme's days"),
        required=False,
        help_text=_("When the programme's days begin before or end after the event's dates."),
    )
