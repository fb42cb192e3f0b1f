"""The journal's models, in one place: what the page cache watches, the archive keeps and
search reads.

An app whose models make up the journal says so on its AppConfig (`journal = True`);
a model that search reads names its searched fields (`search_fields`). Nothing else
lists apps or models, so a new app or model is cached, backed up and searched as soon
as it says so.
"""

from django.apps import apps


def journal_apps():
    """The AppConfigs of the journal's apps, in INSTALLED_APPS order."""
    return [config for config in apps.get_app_configs() if getattr(config, "journal", False)]


def journal_models(*, include_auto_created=False):
    """Every concrete model of the journal's apps (many-to-many tables too, if asked)."""
    return [
        model
        for config in journal_apps()
        for model in config.get_models(include_auto_created=include_auto_created)
        if model._meta.managed and not model._meta.proxy
    ]


def searchable_models():
    """The journal's models that search reads: those with `search_fields`."""
    return [model for model in journal_models() if getattr(model, "search_fields", None)]
