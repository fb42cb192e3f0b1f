"""The WSGI application gunicorn serves (gunicorn.conf.py)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "confjournal.settings")

application = get_wsgi_application()

# Django, its apps and their modules are loaded and live as long as the process: frozen,
# they are no longer rescanned by every full garbage collection, which a big page's
# thousands of rows set off (a slow tail on programme pages, docs/benchmarks.md).
gc.collect()
gc.freeze()
