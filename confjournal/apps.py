from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class ConfJournalConfig(AppConfig):
    name = "confjournal"
    verbose_name = "ConfJournal"

    def ready(self):
        from confjournal.search import engine as search

        connection_created.connect(search.register_functions, dispatch_uid="cj_search_functions")
        post_migrate.connect(search.ensure_index, dispatch_uid="cj_search_index")
        from confjournal.web import pagecache

        post_migrate.connect(pagecache.ensure_triggers, dispatch_uid="cj_page_cache_triggers")
