from django import forms
from django.utils.translation import gettext_lazy as _

from confjournal.listing import TagYearFilterForm
from talks.models import Paper, Talk


class TalkFilterForm(TagYearFilterForm):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *Talk.Kind.choices], required=False
    )


class PaperFilterForm(TagYearFilterForm):
    presentation = forms.ChoiceField(
        label=_("Presentation"),
        choices=[("", _("All presentations")), *Paper.Presentation.choices],
        required=False,
    )


class SearchForm(forms.Form):
    """The search box and its filters; slugs are resolved by the view."""

    KIND_CHOICES = [
        ("", _("Everything")),
        ("note", _("Notes")),
        ("talk", _("Talks")),
        ("paper", _("Papers")),
        ("booth", _("Booths")),
        ("event", _("Events")),
    ]

    q = forms.CharField(label=_("Search"), required=False, strip=False)
    speaker = forms.SlugField(
        label=_("Speaker"), allow_unicode=True, max_length=120, required=False
    )
    topic = forms.SlugField(label=_("Topic"), allow_unicode=True, max_length=100, required=False)
    event = forms.SlugField(label=_("Event"), allow_unicode=True, max_length=120, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=KIND_CHOICES, required=False)


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
