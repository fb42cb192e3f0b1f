from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ConfJournalConfig(AppConfig):
    name = "confjournal"
    verbose_name = "ConfJournal"

    def ready(self):
        from confjournal.search import index
        from confjournal.web import pagecache

        # Database objects no migration holds, made (or mended) after each migrate.
        post_migrate.connect(index.ensure_index, dispatch_uid="cj_search_index")
        post_migrate.connect(pagecache.ensure_triggers, dispatch_uid="cj_page_cache_triggers")
