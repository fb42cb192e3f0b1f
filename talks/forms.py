from django import forms
from django.utils.translation import gettext_lazy as _

from confjournal.core.listing import TagYearFilterForm
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
