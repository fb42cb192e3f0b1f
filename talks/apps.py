from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalksConfig(AppConfig):
    name = "talks"
    verbose_name = _("Talks, papers and notes")
    # Its models are the journal: cached pages, backups and search follow them
    # (confjournal/core/registry.py).
    journal = True
