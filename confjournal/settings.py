"""Settings for ConfJournal, read from environment variables.

Defaults are safe for a laptop: DEBUG is off unless asked for, there is no
fallback secret key outside DEBUG, and only loopback hosts are allowed.
"""

import datetime
import json
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from PIL import Image

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("CONFJOURNAL_DATA_DIR", BASE_DIR / "data"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and (DATA_DIR / "secret_key").is_file():
    # The key `make run` made once for this checkout, so manage.py works as typed.
    SECRET_KEY = (DATA_DIR / "secret_key").read_text().strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment, run `make run` once "
            "(it keeps one in data/secret_key), or DEBUG=1 for local work."
        )
    SECRET_KEY = "insecure-debug-only-key"  # noqa: S105 - only ever used with DEBUG=1

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
if "*" in ALLOWED_HOSTS and not DEBUG:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS=* accepts any Host header. Name the site's host names instead."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "axes",
    "csp",
    "taggit",
    "django_countries",
    "events",
    "talks",
    # After the apps: its admin module re-registers the Event admin with both apps' inlines.
    "confjournal",
]

MIDDLEWARE = [
    # /health/ for load balancers, before the host check and the HTTPS redirect.
    "confjournal.web.health.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Above WhiteNoise, so static files carry the same policy headers as pages.
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "confjournal.web.middleware.RejectNullCharactersMiddleware",
    # Anonymous page cache (confjournal/web/pagecache.py): stores here, above the
    # session and CSRF middleware, so it sees the cookies a page sets...
    "confjournal.web.pagecache.StorePageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A 404 at an event's old address becomes a redirect to its new one (events/slugs.py).
    "events.slugs.FormerSlugRedirectMiddleware",
    # ...and serves from here, once the language is known.
    "confjournal.web.pagecache.FetchPageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: it turns a lockout noted during login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "confjournal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "confjournal.exchange.welcome.demo_only",
            ],
        },
    },
    # Only the rows of long lists (confjournal/core/lists.py says why).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "confjournal.core.lists.environment"},
    },
]

# Widgets by Django's Jinja2 templates where it has them (confjournal/core/formrendering.py).
FORM_RENDERER = "confjournal.core.formrendering.JinjaFirst"

WSGI_APPLICATION = "confjournal.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'confjournal.sqlite3'}",
        # A connection outlives its request (checked before it is reused): opening one for
        # each cost the cold pages over HTTP ~20% of their throughput on SQLite, and
        # PostgreSQL keeps the statements it prepared (below) only on an open connection.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers share one file: WAL lets readers run beside a
    # writer, IMMEDIATE transactions take the write lock up front so two
    # writers queue on the busy timeout instead of failing with "locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=10000;"
            # Read the file through a memory map instead of read() calls into
            # a small per-connection cache.
            "PRAGMA mmap_size=1073741824;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A page reads a few hundred rows: compiling its query to machine code (JIT, 46 ms)
    # or starting parallel workers costs more than they save (the search page's counts:
    # 117 -> 14 ms on a 2-core server).
    # Given as the connection's options, they would replace PGOPTIONS: both come after
    # ours (with the options of DATABASE_URL's query string last), so that they win.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    given = [os.environ.get("PGOPTIONS", ""), options.get("options", "")]
    options["options"] = " ".join(
        ["-c jit=off -c max_parallel_workers_per_gather=0", *filter(None, given)]
    )
    # A statement run a few times on a connection is prepared, so PostgreSQL plans it
    # once: planning the joins of a list of notes with their event, talk, paper, booth
    # and author took 5-10 ms a request, more than running it. PgBouncer before 1.22 in
    # transaction mode cannot keep prepared statements: PG_PREPARE=0 turns them off.
    if os.environ.get("PG_PREPARE", "1") != "0":
        options.setdefault("server_side_binding", True)
        options.setdefault("prepare_threshold", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username and address never reach the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The page's language is the one picked in the header's switcher (a cookie),
# else the browser's Accept-Language (LocaleMiddleware), else English.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ko", _("Korean"))]
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = env_bool("SECURE_COOKIES")
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Seoul")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
# Uploaded files (photos) go through Django's storage API only, so object
# storage is configuration: MEDIA_STORAGE=storages.backends.s3.S3Storage and
# MEDIA_STORAGE_OPTIONS='{"bucket_name": "…"}' with django-storages (README).
STORAGES = {
    "default": {
        "BACKEND": os.environ.get("MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": json.loads(os.environ.get("MEDIA_STORAGE_OPTIONS") or "{}"),
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Photos (events/photos.py): uploads over PHOTO_MAX_BYTES are refused before
# decoding, and so is any image of more than PHOTO_MAX_PIXELS pixels (50 MP:
# well above a 48 MP phone camera, far below a decompression bomb's 400 MP).
# Media files are reached only through the storage API (STORAGES["default"]),
# so object storage is a matter of configuration (README, "Photos").
PHOTO_MAX_BYTES = int(os.environ.get("PHOTO_MAX_BYTES", str(20 * 1024 * 1024)))
PHOTO_MAX_PIXELS = 50_000_000
Image.MAX_IMAGE_PIXELS = PHOTO_MAX_PIXELS

LOGIN_URL = "admin:login"
# Where a log-in goes when its `next` is missing or points off-site.
LOGIN_REDIRECT_URL = "admin:index"

# Tags: our own Tag model (events.Tag) normalises and bounds names; this parser
# makes typed tag strings NFC before they are looked up.
TAGGIT_TAGS_FROM_STRING = "confjournal.core.tagging.parse_tags"
TAGGIT_CASE_INSENSITIVE = True

# Page cache for anonymous visitors (confjournal/web/pagecache.py): pages are keyed
# by a journal version that database triggers bump on every write, so no page
# is ever stale. The cache lives in each process's memory unless CACHE_BACKEND
# names a shared one, e.g. CACHE_BACKEND=django.core.cache.backends.redis.RedisCache
# CACHE_LOCATION=redis://127.0.0.1:6379/1 for several app servers (README).
PAGE_CACHE = env_bool("PAGE_CACHE", True)
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "3600"))
PAGE_CACHE_EXCLUDE = ("/admin/", "/i18n/")
# Pages are stored zlib-compressed, up to PAGE_CACHE_MAX_BYTES each, so a
# worker's cache stays under MAX_ENTRIES x this (about 40 MB). Bigger ones (the
# BibTeX of every paper, the full calendar of a large journal) are kept
# uncompressed, up to PAGE_CACHE_LARGE_BYTES each, in a cache with room for
# CACHE_LARGE_MAX_ENTRIES of them (0 turns that off).
PAGE_CACHE_MAX_BYTES = int(os.environ.get("PAGE_CACHE_MAX_BYTES", str(128 * 1024)))
PAGE_CACHE_LARGE_BYTES = int(os.environ.get("PAGE_CACHE_LARGE_BYTES", str(16 * 1024 * 1024)))
_large_entries = int(os.environ.get("CACHE_LARGE_MAX_ENTRIES", "4"))
PAGE_CACHE_LARGE_ALIAS = "large" if _large_entries > 0 and PAGE_CACHE_LARGE_BYTES > 0 else None
CACHES = {
    "default": {
        "BACKEND": os.environ.get("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": os.environ.get("CACHE_LOCATION", "confjournal-pages"),
    }
}
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # A Redis that stops answering is given up on quickly (pages then come from the
    # views, /health/ says 503) instead of holding every request until gunicorn's timeout.
    _seconds = float(os.environ.get("CACHE_TIMEOUT", "0.5"))
    CACHES["default"]["OPTIONS"] = {"socket_connect_timeout": _seconds, "socket_timeout": _seconds}
CACHES["large"] = {**CACHES["default"], "KEY_PREFIX": "large"}
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    # At most this many pages per process (a compressed page is 1-50 KB).
    CACHES["default"]["OPTIONS"] = {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "300"))}
    CACHES["large"]["LOCATION"] = "confjournal-large-pages"
    CACHES["large"]["OPTIONS"] = {"MAX_ENTRIES": max(_large_entries, 1)}

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# For a site served over HTTPS (README, "Running in production"). Off by default
# so that http://127.0.0.1:8000 keeps working on a laptop.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
if env_bool("BEHIND_HTTPS_PROXY"):
    # Only behind a proxy that sets X-Forwarded-Proto itself, overwriting what
    # the client sent; otherwise a client could claim HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Content-Security-Policy (django-csp 4): scripts and styles only from our own
# files, so neither an inline <script> nor a style= attribute runs. Images may
# come from https: too, for the pictures that notes link in Markdown.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "https:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Failed logins (django-axes, database handler): a username from one address
# is locked out after AXES_FAILURE_LIMIT failures, for LOGIN_LOCKOUT_MINUTES.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "60")))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "confjournal.web.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "confjournal.web.clientip.client_ip"
# How many reverse proxies stand between the clients and gunicorn, each adding
# the address it saw to X-Forwarded-For. 0: clients connect directly and
# X-Forwarded-For is ignored; 1: one nginx or Caddy in front (confjournal/web/clientip.py).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

PAGINATE_BY = 20

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Search results are counted up to this many; beyond it the page says "1,000+".
SEARCH_COUNT_CAP = int(os.environ.get("SEARCH_COUNT_CAP", "1000"))
