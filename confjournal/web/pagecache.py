"""Full-page cache for anonymous visitors, keyed by a journal version.

Correct by construction, not by remembering to invalidate:

* Only a request that carries no cookie but the language and CSRF cookies is
  served from or stored in the cache: a session cookie (anyone logged in, or
  with pending messages) always goes to the view. Such a request is anonymous,
  and an anonymous visitor is shown public records only (the visibility gate),
  so a stored page holds nothing private.
* Only a GET answered 200, not streamed, that sets no cookie (a page that used
  a CSRF token sets one, so it is never stored), is not marked private or
  no-store, and was rendered for an anonymous user, is stored.
* The key holds the scheme, host, full path with query string, the active
  language (LocaleMiddleware has already resolved it from the language
  cookie or Accept-Language), today's date (the home page's "on this day")
  and the **journal version**: a one-row number that database triggers set
  on every insert, update and delete of every table a public page reads
  (QuerySet.update(), bulk_create, raw SQL and cascades included). A write
  makes every stored page unreachable at once; old entries age out. Each write
  sets a new random number, not the next one: a database restored from a
  backup, or made afresh, would otherwise count again through versions that
  keyed pages of another journal.
* A response that varies on a header other than Cookie and Accept-Language
  keeps that header's value; a hit needs the same value.

Reading the version is one indexed query per cached request, on a connection
kept open for it (see `request_version`). The version is read before the view
runs, so a page stored under version v shows the journal as of v or later,
never older.

The same triggers set a version per table too (and per kind of record for the taggings,
VERSION_PARTS), which `Section` keys a part of a page on: an event page's talks stay kept
while only notes are written. Sections and `version_cached` serve logged-in users as well.

Two middlewares, like Django's own cache: `StorePageMiddleware` sits above
SessionMiddleware so it sees the final response (cookies, Vary);
`FetchPageMiddleware` sits below AuthenticationMiddleware so it runs once the
language is known. Turned on by the PAGE_CACHE setting (off in tests/settings.py
so query-count tests measure the views; tests/test_pagecache.py turns it on).
"""

import hashlib
import logging
import threading
import zlib

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connections, transaction
from django.db import connection as default_connection
from django.http import HttpResponse
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.cache import cc_delim_re

from confjournal.core.dbobjects import ensure_installed
from confjournal.core.registry import journal_models
from confjournal.core.visibility import sees_everything

VERSION_TABLE = "confjournal_journal_version"
# A version per table, set by the same triggers (`Section`).
TABLE_VERSIONS = "confjournal_table_version"
# Besides the journal's own models, public pages read auth's user table (owner names).
EXTRA_MODELS = ("auth.User",)
# Of these tables, only these columns are on pages: a log-in (last_login) changes none.
WATCHED_COLUMNS = {"auth_user": ("username", "first_name", "last_name")}
# Tables whose rows also set a version per value of a column: the taggings of each kind of
# record ("events_taggeditem:7"), so that a note's topic leaves the talks' topics kept.
VERSION_PARTS = {"events_taggeditem": "content_type_id"}
# Of these tables, the columns that decide who sees a record under a row and in which year:
# an UPDATE changing one also sets the version "<table>:counted" (`counted_part`), which
# /stats/ keys the counts of talks, notes and the rest on. Renaming an event, or adding
# one, leaves those counts kept; a deleted event's records are deleted first.
COUNTED_COLUMNS = {"events_event": ("visibility", "parent_id", "start_date", "owner_id")}
# Vary headers the key already accounts for.
KEYED_VARY = {"cookie", "accept-language"}
TRIGGER_PREFIX = "cj_jv_"
# Pages longer than this (uncompressed) go to the large-page cache as they are.
LARGE_FROM = 1024 * 1024
PG_FUNCTION = "cj_journal_version_bump"
PG_PART_FUNCTION = "cj_table_part_version_bump"
PG_COUNTED_FUNCTION = "cj_counted_version_bump"
logger = logging.getLogger(__name__)


def _setting(name, default):
    return getattr(settings, name, default)


def enabled():
    return _setting("PAGE_CACHE", False)


# --------------------------------------------------------------------------- version


def journal_tables():
    """Every table behind a public page, many-to-many tables included."""
    models = journal_models(include_auto_created=True)
    models += [apps.get_model(label) for label in EXTRA_MODELS]
    return sorted({model._meta.db_table for model in models})


def current_version(using="default"):
    """The journal version, or None when the counter is missing (then nothing is cached)."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT version FROM {VERSION_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


# The version is read on a connection of its own, one per thread, kept open:
# with CONN_MAX_AGE=0 a request's own connection is opened and closed per
# request (SQLite then parses the schema again), which would be most of a cached
# hit's cost. The reader runs in autocommit, so each read
# sees every committed write: it is exact. Inside a transaction (a test's, or
# code that wrote and has not committed yet) the request's own connection is
# used instead, so that its own writes count.
_readers = threading.local()


def _reader(using):
    reader = getattr(_readers, using, None)
    if reader is None:
        reader = connections.create_connection(using)
        setattr(_readers, using, reader)
    return reader


def close_readers():
    """Close this thread's version reader connections (tests, before dropping the database)."""
    for using in list(vars(_readers)):
        getattr(_readers, using).close()
        delattr(_readers, using)


def request_version(using="default"):
    """The version for a request: on the reader connection, or None if it fails."""
    own = connections[using]
    if own.in_atomic_block:
        return current_version(using)
    reader = _reader(using)
    try:
        with reader.cursor() as cursor:
            cursor.execute(f"SELECT version FROM {VERSION_TABLE} WHERE id = 1")
            row = cursor.fetchone()
    except DatabaseError:
        # A dropped connection (database restarted): serve from the view this
        # time and reconnect on the next request.
        reader.close()
        delattr(_readers, using)
        return None
    return row[0] if row else None


def _updated(table):
    """The UPDATE a trigger watches: of any column, or of the ones pages show."""
    columns = WATCHED_COLUMNS.get(table)
    return f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"


# The next version: a random 53-bit number (an integer JavaScript reads exactly).
NEXT_VERSION = {
    "sqlite": "random() & 9007199254740991",
    "postgresql": "floor(random() * 9007199254740991)::bigint",
}
BUMP = "UPDATE " + VERSION_TABLE + " SET version = {next} WHERE id = 1"


def bump_sql(vendor):
    return BUMP.format(next=NEXT_VERSION.get(vendor, "version + 1"))


def table_bump_sql(vendor, name):
    """Set the version of the table named by the SQL expression `name` to a new number.

    An upsert, not SQLite's INSERT OR REPLACE: inside a trigger that would take the
    conflict rule of the statement that fired it (an INSERT OR IGNORE would ignore it)."""
    return (
        f"INSERT INTO {TABLE_VERSIONS} (name, version) VALUES ({name}, {NEXT_VERSION[vendor]}) "
        "ON CONFLICT (name) DO UPDATE SET version = excluded.version"
    )


def counted_part(model):
    """The version of `model`'s table that moves only when COUNTED_COLUMNS change."""
    return _counted_name(model._meta.db_table)


def _counted_name(table):
    return f"{table}:counted"


def _counted_trigger(table):
    # Named after its columns, so that a trigger watching others is seen as out of date.
    columns = ",".join(COUNTED_COLUMNS[table]).encode()
    digest = hashlib.sha1(columns, usedforsecurity=False).hexdigest()[:8]
    return f"{TRIGGER_PREFIX}{table}_counted_{digest}"


def _sqlite_triggers(table):
    column = VERSION_PARTS.get(table)
    triggers = {}
    if table in COUNTED_COLUMNS:
        columns = COUNTED_COLUMNS[table]
        changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns)
        name, bump = _counted_trigger(table), table_bump_sql("sqlite", f"'{_counted_name(table)}'")
        triggers[name] = (
            f"CREATE TRIGGER {name} AFTER UPDATE OF {', '.join(columns)} ON {table} "
            f"WHEN {changed} BEGIN {bump}; END"
        )
    for suffix, action, rows in (
        ("ai", "INSERT", ["new"]),
        ("au", _updated(table), ["old", "new"]),
        ("ad", "DELETE", ["old"]),
    ):
        bumps = [bump_sql("sqlite"), table_bump_sql("sqlite", f"'{table}'")]
        if column:
            bumps += [table_bump_sql("sqlite", f"'{table}:' || {row}.{column}") for row in rows]
        name = f"{TRIGGER_PREFIX}{table}_{suffix}"
        triggers[name] = (
            f"CREATE TRIGGER {name} AFTER {action} ON {table} BEGIN {'; '.join(bumps)}; END"
        )
    return triggers


def _postgres_trigger(table):
    # A trigger watching some columns has a name of its own, so that the one it replaces
    # (watching every column) is seen as out of date and dropped.
    return f"{TRIGGER_PREFIX}{table}" + ("_cols" if table in WATCHED_COLUMNS else "")


PG_FUNCTION_BODY = f"""
BEGIN
    {bump_sql("postgresql")};
    {table_bump_sql("postgresql", "TG_TABLE_NAME")};
    IF TG_OP = 'TRUNCATE' THEN
        UPDATE {TABLE_VERSIONS} SET version = {NEXT_VERSION["postgresql"]}
        WHERE name LIKE TG_TABLE_NAME || ':%';
    END IF;
    RETURN NULL;
END
"""
# For VERSION_PARTS, once a statement: the parts its rows were or are in (the column the
# trigger names), read from the statement's transition table `changed`.
PG_PART_FUNCTION_BODY = f"""
BEGIN
    INSERT INTO {TABLE_VERSIONS} (name, version)
    SELECT part, {NEXT_VERSION["postgresql"]}
    FROM (SELECT DISTINCT TG_TABLE_NAME || ':' || (to_jsonb(changed) ->> TG_ARGV[0]) AS part
          FROM changed) AS parts
    ON CONFLICT (name) DO UPDATE SET version = excluded.version;
    RETURN NULL;
END
"""


# For COUNTED_COLUMNS, once an UPDATE: whether a row's columns named by the trigger's
# arguments changed, from the statement's transition tables of old and new rows.
PG_COUNTED_FUNCTION_BODY = f"""
BEGIN
    IF EXISTS (
        SELECT 1 FROM old_rows FULL JOIN new_rows ON old_rows.id = new_rows.id
        WHERE old_rows.id IS NULL OR new_rows.id IS NULL OR EXISTS (
            SELECT 1 FROM unnest(TG_ARGV) AS c
            WHERE to_jsonb(old_rows) -> c IS DISTINCT FROM to_jsonb(new_rows) -> c)
    ) THEN
        {table_bump_sql("postgresql", "TG_TABLE_NAME || ':counted'")};
    END IF;
    RETURN NULL;
END
"""


def _postgres_counted_trigger(table):
    name, columns = _counted_trigger(table), ", ".join(f"'{c}'" for c in COUNTED_COLUMNS[table])
    return (
        f"CREATE TRIGGER {name} AFTER UPDATE ON {table} "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
        f"EXECUTE FUNCTION {PG_COUNTED_FUNCTION}({columns})"
    )


def _postgres_function(name, body):
    return f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $${body}$$ LANGUAGE plpgsql"


def _postgres_part_triggers(table):
    """{name: CREATE TRIGGER} of a table in VERSION_PARTS: a transition table holds the
    rows of one kind of statement, and an UPDATE's old and new rows need one each."""
    return {
        f"{TRIGGER_PREFIX}{table}_{suffix}": (
            f"CREATE TRIGGER {TRIGGER_PREFIX}{table}_{suffix} AFTER {action} ON {table} "
            f"REFERENCING {rows} TABLE AS changed FOR EACH STATEMENT "
            f"EXECUTE FUNCTION {PG_PART_FUNCTION}('{VERSION_PARTS[table]}')"
        )
        for suffix, action, rows in (
            ("parts_inserted", "INSERT", "NEW"),
            ("parts_deleted", "DELETE", "OLD"),
            ("parts_updated_from", "UPDATE", "OLD"),
            ("parts_updated_to", "UPDATE", "NEW"),
        )
    }


def triggers_are_current(connection=default_connection, tables=None):
    """True when the counter row and every trigger are in place."""
    tables = journal_tables() if tables is None else tables
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {VERSION_TABLE} WHERE id = 1")
        if cursor.fetchone()[0] != 1:
            return False
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            present = dict(cursor.fetchall())
            return all(
                present.get(name) == sql
                for table in tables
                for name, sql in _sqlite_triggers(table).items()
            )
        if connection.vendor == "postgresql":
            bodies = {
                PG_FUNCTION: PG_FUNCTION_BODY,
                PG_PART_FUNCTION: PG_PART_FUNCTION_BODY,
                PG_COUNTED_FUNCTION: PG_COUNTED_FUNCTION_BODY,
            }
            cursor.execute(
                "SELECT proname, prosrc FROM pg_proc WHERE proname = ANY(%s)", [list(bodies)]
            )
            if dict(cursor.fetchall()) != bodies:
                return False
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
            )
            present = set(cursor.fetchall())
            wanted = {(table, _postgres_trigger(table)) for table in tables}
            for table in set(tables) & set(VERSION_PARTS):
                wanted |= {(table, name) for name in _postgres_part_triggers(table)}
            wanted |= {(t, _counted_trigger(t)) for t in set(tables) & set(COUNTED_COLUMNS)}
            return wanted <= present
    return False


def install_triggers(connection=default_connection, tables=None):
    """(Re-)create the counter row and the version triggers on every journal table."""
    tables = journal_tables() if tables is None else tables
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {VERSION_TABLE} WHERE id = 1")
        if cursor.fetchone()[0] == 0:
            cursor.execute(f"INSERT INTO {VERSION_TABLE} (id, version) VALUES (1, 1)")
        if connection.vendor == "sqlite":
            for table in tables:
                for name, sql in _sqlite_triggers(table).items():
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                    cursor.execute(sql)
        elif connection.vendor == "postgresql":
            cursor.execute(_postgres_function(PG_FUNCTION, PG_FUNCTION_BODY))
            cursor.execute(_postgres_function(PG_PART_FUNCTION, PG_PART_FUNCTION_BODY))
            cursor.execute(_postgres_function(PG_COUNTED_FUNCTION, PG_COUNTED_FUNCTION_BODY))
            for table in tables:
                name = _postgres_trigger(table)
                parts = _postgres_part_triggers(table) if table in VERSION_PARTS else {}
                cursor.execute(
                    "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                    "WHERE c.relname = %s AND t.tgname LIKE %s",
                    [table, f"{TRIGGER_PREFIX}{table}_counted%"],
                )
                counted_before = [row[0] for row in cursor.fetchall()]
                for old in {name, f"{TRIGGER_PREFIX}{table}", *parts, *counted_before}:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {old} ON {table}")
                cursor.execute(
                    f"CREATE TRIGGER {name} AFTER INSERT OR {_updated(table)} OR DELETE OR "
                    f"TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}()"
                )
                for sql in parts.values():
                    cursor.execute(sql)
                if table in COUNTED_COLUMNS:
                    cursor.execute(_postgres_counted_trigger(table))
        # Pages and sections stored before the triggers were (re)made may be stale.
        cursor.execute(bump_sql(connection.vendor))
        # A row for every table and every part now in one, then a new version for all.
        ensure = f"INSERT INTO {TABLE_VERSIONS} (name, version) {{}} ON CONFLICT (name) DO NOTHING"
        for table in tables:
            cursor.execute(ensure.format("VALUES (%s, 0)"), [table])
            if table in COUNTED_COLUMNS:
                cursor.execute(ensure.format("VALUES (%s, 0)"), [_counted_name(table)])
            if table in VERSION_PARTS:
                # "WHERE true": SQLite's parser needs it between a SELECT and ON CONFLICT.
                part = f"'{table}:' || {VERSION_PARTS[table]}"
                cursor.execute(ensure.format(f"SELECT DISTINCT {part}, 0 FROM {table} WHERE true"))
        cursor.execute(f"UPDATE {TABLE_VERSIONS} SET version = {NEXT_VERSION[connection.vendor]}")


def uninstall_triggers(connection=default_connection):
    """Drop every version trigger (before the counter table goes)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [TRIGGER_PREFIX + "%"],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}() CASCADE")
            cursor.execute(f"DROP FUNCTION IF EXISTS {PG_PART_FUNCTION}() CASCADE")
            cursor.execute(f"DROP FUNCTION IF EXISTS {PG_COUNTED_FUNCTION}() CASCADE")


def ensure_triggers(sender=None, using="default", **kwargs):
    """post_migrate handler: a migration that rebuilds a table (SQLite) drops its triggers.

    Re-creates them when any is missing; a no-op when all are in place or while
    the tables do not exist yet.
    """
    tables = journal_tables()
    ensure_installed(
        using,
        [VERSION_TABLE, TABLE_VERSIONS, *tables],
        lambda connection: triggers_are_current(connection, tables),
        lambda connection: install_triggers(connection, tables),
    )


# --------------------------------------------------------------------------- middleware


def _cache():
    return caches[_setting("PAGE_CACHE_ALIAS", "default")]


def _large_cache():
    """Where pages too big to compress cheaply are kept (whole-journal exports), or None."""
    alias = _setting("PAGE_CACHE_LARGE_ALIAS", None)
    return caches[alias] if alias else None


def get_quietly(cache, key):
    """A stored entry, or None, also when a shared cache (Redis) does not answer:
    then pages come from the views, slower but whole, until it is back."""
    try:
        return cache.get(key)
    except Exception:
        logger.warning("page cache: the cache does not answer", exc_info=True)
        return None


def set_quietly(cache, key, entry, seconds):
    try:
        cache.set(key, entry, seconds)
    except Exception:
        logger.warning("page cache: the cache does not answer", exc_info=True)


def clear():
    """Forget every stored page (tests and benchmarks; a write needs no clearing)."""
    for cache in (_cache(), _large_cache()):
        if cache is not None:
            cache.clear()


def _cacheable_request(request):
    if not enabled() or request.method not in ("GET", "HEAD"):
        return False
    if any(request.path.startswith(p) for p in _setting("PAGE_CACHE_EXCLUDE", ())):
        return False
    allowed = {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
    return set(request.COOKIES) <= allowed


def _key(request, version):
    parts = [
        str(version),
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        request.scheme,
        request.get_host(),
        request.get_full_path(),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"page:{digest}"


def _vary(response):
    if not response.has_header("Vary"):
        return []
    return [h.strip().lower() for h in cc_delim_re.split(response["Vary"]) if h.strip()]


def _header_value(request, header):
    return request.META.get("HTTP_" + header.upper().replace("-", "_"))


class FetchPageMiddleware:
    """Serve a stored page to an anonymous visitor (below AuthenticationMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _cacheable_request(request):
            version = request_version()
            if version is not None:
                key = _key(request, version)
                entry = get_quietly(_cache(), key)
                if entry is None and (large := _large_cache()) is not None:
                    entry = get_quietly(large, key)
                if entry is not None and all(
                    _header_value(request, h) == v for h, v in entry["vary"].items()
                ):
                    content = entry["content"]
                    if entry.get("compressed", True):
                        content = zlib.decompress(content)
                    response = HttpResponse(content, status=entry["status"])
                    for name, value in entry["headers"]:
                        response[name] = value
                    response.page_cache_hit = True
                    return response
                if request.method == "GET":
                    request.page_cache_key = key
        return self.get_response(request)


class StorePageMiddleware:
    """Store an anonymous visitor's page (above SessionMiddleware, to see cookies and Vary)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "page_cache_key", None)
        if key and self._storable(request, response):
            extra = [h for h in _vary(response) if h not in KEYED_VARY]
            if "*" not in extra:
                self._store(request, response, key, extra)
        return response

    @staticmethod
    def _store(request, response, key, extra):
        entry = {
            "status": response.status_code,
            "headers": list(response.items()),
            "vary": {h: _header_value(request, h) for h in extra},
        }
        raw = response.content
        seconds = _setting("PAGE_CACHE_SECONDS", 3600)
        # A page is stored compressed (HTML shrinks about tenfold), and only up to
        # PAGE_CACHE_MAX_BYTES: MAX_ENTRIES x that bounds a worker's cache.
        if len(raw) <= LARGE_FROM:
            content = zlib.compress(raw, 1)
            if len(content) <= _setting("PAGE_CACHE_MAX_BYTES", 128 * 1024):
                set_quietly(_cache(), key, {**entry, "content": content}, seconds)
                return
        # Bigger ones (the BibTeX of every paper) would cost more to compress and
        # decompress on every hit than they save: they are kept as they are in a
        # cache of their own with room for a few of them
        # (CACHE_LARGE_MAX_ENTRIES x PAGE_CACHE_LARGE_BYTES bounds it).
        large = _large_cache()
        if large is not None and len(raw) <= _setting("PAGE_CACHE_LARGE_BYTES", 0):
            set_quietly(large, key, {**entry, "content": raw, "compressed": False}, seconds)

    @staticmethod
    def _storable(request, response):
        user = getattr(request, "user", None)
        cache_control = response.get("Cache-Control", "").lower()
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not response.has_header("Set-Cookie")
            and "private" not in cache_control
            and "no-store" not in cache_control
            and (user is None or not user.is_authenticated)
            # Belt and braces: a page that holds a CSRF token also set the
            # cookie (so the check above refuses it), but never store one.
            and b"csrfmiddlewaretoken" not in response.content
        )


# The journal version changes with every write, so a cached entry is only ever
# reached while the journal is as it was counted; this bounds the cache's size.
CACHE_SECONDS = 3600


def viewer_scope(user):
    """Who sees the same counts: everyone anonymous, every superuser, or one user.

    Superusers share one entry because they all see every record; any other
    logged-in user gets their own, so one person's private records never count
    for someone else.
    """
    if sees_everything(user):
        return "all"
    if user.is_authenticated:
        return f"user-{user.pk}"
    return "public"


def viewer_key(user):
    """What a rendered part of a page varies by: who sees it, in which language, and the
    address prefix its links begin with."""
    return f"{viewer_scope(user)}:{translation.get_language()}:{get_script_prefix()}"


def _keep(key, value, seconds):
    """`value`, stored under `key` once the transaction commits (None: not stored)."""
    if key is not None:
        transaction.on_commit(lambda: set_quietly(caches["default"], key, value, seconds))
    return value


def version_cached(name, compute, seconds=CACHE_SECONDS):
    """`compute()`, kept in the cache under `name` and the journal version.

    The version is read first (one indexed query), so an entry never holds data
    older than its key. The entry is stored once the transaction commits (at
    once in autocommit, as requests run): what a transaction that is rolled back
    saw, with the version it bumped, never reaches the cache, where the next
    write would make that version current again. Without the version (its table
    missing) nothing is cached.
    """
    version = current_version()
    if version is None:
        return compute()
    key = f"{name}:{version}"
    value = get_quietly(caches["default"], key)
    return _keep(key, compute(), seconds) if value is None else value


def table_versions():
    """{table: version} of every journal table, in one query."""
    with default_connection.cursor() as cursor:
        cursor.execute(f"SELECT name, version FROM {TABLE_VERSIONS}")
        return dict(cursor.fetchall())


def _version(versions, name):
    """The version of a table, or of a part of one ("events_taggeditem:7"); None for a
    table without one. A part without a version has no row: none was written since the
    triggers were installed, which gave every part then in the table a version."""
    if name in versions:
        return versions[name]
    table = name.split(":")[0]
    return 0 if table != name and table in versions else None


class Section:
    """A part of a page kept in the cache until one of the tables it reads is written.

    `name` says which part, for whom and in which language; `tables` are every model
    whose table the part reads, or the name of a part of a table (VERSION_PARTS, such as
    `events.models.taggings_of(Talk)`); `versions` are `table_versions()`, read once for a
    page of several parts. The key holds their versions, which the journal's triggers set
    with the journal version: a note written leaves an event's talks kept, a talk written
    does not. A table without a version (not a journal table) keeps nothing.
    """

    def __init__(self, name, tables, versions=None):
        versions = table_versions() if versions is None else versions
        names = sorted({t if isinstance(t, str) else t._meta.db_table for t in tables})
        found = [_version(versions, table) for table in names]
        key = ",".join(map(str, found)).encode()
        self.key = None
        if None not in found:
            self.key = f"{name}:{hashlib.sha1(key, usedforsecurity=False).hexdigest()}"

    def get(self):
        return None if self.key is None else get_quietly(caches["default"], self.key)

    def keep(self, value, seconds=CACHE_SECONDS):
        """`value`, stored once the transaction commits (as `version_cached` does)."""
        return _keep(self.key, value, seconds)

    def cached(self, compute):
        """The kept value, or `compute()` kept."""
        value = self.get()
        return self.keep(compute()) if value is None else value
