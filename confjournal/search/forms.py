"""The search box and its filters."""

import unicodedata

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    """The search box and its filters; slugs are resolved by the view.

    The speaker field takes a slug (what the autocomplete fills in) or, typed by
    a person without JavaScript, a speaker's name or any other spelling of it,
    compared folded (NFC, lower case, runs of spaces as one): `clean_speaker`
    turns it into the slug of the one speaker `user` may see who has it.
    """

    KIND_CHOICES = [
        ("", _("Everything")),
        ("note", _("Notes")),
        ("talk", _("Talks")),
        ("paper", _("Papers")),
        ("booth", _("Booths")),
        ("event", _("Events")),
    ]

    q = forms.CharField(label=_("Search"), required=False, strip=False)
    speaker = forms.CharField(label=_("Speaker"), max_length=200, required=False)
    topic = forms.SlugField(label=_("Topic"), allow_unicode=True, max_length=100, required=False)
    event = forms.SlugField(label=_("Event"), allow_unicode=True, max_length=120, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=KIND_CHOICES, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user if user is not None else AnonymousUser()

    def clean_speaker(self):
        from confjournal.search.engine import fold
        from talks.models import Speaker

        value = unicodedata.normalize("NFC", self.cleaned_data["speaker"]).strip()
        if not value:
            return ""
        speakers = Speaker.objects.visible_to(self.user)
        if speakers.filter(slug=value).exists():
            return value

        def folded(text):
            return " ".join(fold(text).split())

        wanted = folded(value)
        slugs = sorted(
            slug
            for slug, name, aliases in speakers.values_list("slug", "name", "aliases")
            if wanted in {folded(s) for s in [name, *(aliases or "").splitlines()] if s.strip()}
        )
        if not slugs:
            raise forms.ValidationError(
                _("There is no speaker called “%(name)s”."), params={"name": value}
            )
        if len(slugs) > 1:
            raise forms.ValidationError(
                _("Several speakers are called “%(name)s”: type one of %(slugs)s."),
                params={"name": value, "slugs": ", ".join(slugs)},
            )
        return slugs[0]
