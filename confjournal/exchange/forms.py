"""The admin's upload forms for bringing records in."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DryRunForm(forms.Form):
    """An import page that can list the changes without writing them."""

    dry_run = forms.BooleanField(
        label=_("Only show what would change"),
        required=False,
        help_text=_("Nothing is written; the changes are listed below."),
    )


class ProgrammeImportForm(DryRunForm):
    """The event's "Import programme" page in the admin."""

    field_order = ["file", "dry_run", "extend_dates"]

    file = forms.FileField(
        label=_("Programme file"),
        help_text=_(
            "A frab schedule XML, a pretalx/frab schedule JSON or an iCalendar (.ics) file, "
            "as the conference publishes it; at most 10 MB."
        ),
    )
    extend_dates = forms.BooleanField(
        label=_("Extend the event's dates to the programme's days"),
        required=False,
        help_text=_("When the programme's days begin before or end after the event's dates."),
    )


class PapersImportForm(DryRunForm):
    """The event's "Import papers" page in the admin: a BibTeX file, or its text."""

    field_order = ["file", "text", "dry_run", "skip_bad"]

    file = forms.FileField(
        label=_("BibTeX file"),
        required=False,
        help_text=_("A .bib file, at most 5 MB."),
    )
    text = forms.CharField(
        label=_("or BibTeX text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_('Paste one or more entries, e.g. from a paper\'s "cite" box.'),
    )
    skip_bad = forms.BooleanField(
        label=_("Import the rest when an entry is broken"),
        required=False,
        help_text=_("Otherwise a broken entry stops the whole import."),
    )

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), (data.get("text") or "").strip()
        if upload is None and not text:
            raise forms.ValidationError(_("Choose a BibTeX file or paste its text."))
        if upload is not None:
            if upload.size > 5 * 1024 * 1024:
                raise forms.ValidationError(_("The file is over 5 MB."))
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
        data["bibtex"] = text
        return data


class PostImportForm(forms.Form):
    """The event's "Import a post" page in the admin."""

    file = forms.FileField(
        label=_("Saved post"),
        help_text=_(
            "A page saved from the browser as a .zip with its files, or a Markdown (.md) "
            "file; at most 50 MB."
        ),
    )
    visibility = forms.ChoiceField(
        label=_("visibility"),
        choices=[("private", _("Private")), ("public", _("Public"))],
        initial="private",
        help_text=_("Of the note and the photos made from its images."),
    )
