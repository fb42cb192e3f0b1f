"""Substring search over the journal, the same answers on SQLite and PostgreSQL.

What a search means: a record matches a term when the term, folded (NFC, then
lower case), occurs in the record's folded document (its searched fields joined
by newlines). Several terms must all occur; a "quoted phrase" is one term.
`fold(term) in fold(document)` in Python is the oracle the tests compare with.

How it is fast:
- SQLite: two contentless FTS5 tables per searchable model, kept by triggers.
  A trigram table (case-sensitive, over the folded document) answers terms of
  three or more characters; a table of character-pair tokens ("ac15xc5f0" for
  강연, plus the last character alone) answers terms of one or two characters,
  which trigrams cannot. The triggers call `cj_fold` and `cj_grams`, Python
  functions registered on every connection Django opens (a write from a
  connection without them fails rather than leaving the index stale).
- PostgreSQL: a pg_trgm GIN index on the folded document expression, which a
  `LIKE '%term%'` on the same expression uses (terms of three or more
  characters; shorter ones are correct but scan).

Views call `search()` and never branch on the database.
"""

import itertools
import re
import unicodedata
from dataclasses import dataclass

from django.apps import apps
from django.db import connection as default_connection
from django.db import connections, models, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.sql import Query

from confjournal.text import nfc

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10


@dataclass(frozen=True)
class Searchable:
    """One searchable model: its type name, model and searched fields, in order."""

    kind: str
    model_label: str
    fields: tuple

    @property
    def model(self):
        return apps.get_model(self.model_label)

    @property
    def table(self):
        return self.model._meta.db_table

    @property
    def trigram_table(self):
        return f"search_{self.kind}_tri"

    @property
    def pair_table(self):
        return f"search_{self.kind}_bi"


# Notes first: results are shown grouped in this order.
SEARCHABLES = (
    Searchable("note", "talks.Note", ("title", "body")),
    Searchable("talk", "talks.Talk", ("title", "abstract")),
    Searchable("paper", "talks.Paper", ("title", "authors", "abstract")),
    Searchable("booth", "events.Booth", ("organization", "location", "showcase", "swag")),
    Searchable(
        "event", "events.Event", ("name", "series", "venue", "city", "organizer", "summary")
    ),
)
BY_KIND = {s.kind: s for s in SEARCHABLES}


def fold(text):
    """The one normalisation of searched text and queries: NFC, lower case."""
    if text is None:
        return None
    return nfc(text).lower()


def char_pairs(folded):
    """Index tokens for one- and two-character terms: each adjacent pair, hex-coded.

    Every position of the text starts a token (the last character alone), so a
    one-character term is the prefix "<hex>x" and a two-character term a token.
    """
    if not folded:
        return ""
    tokens = [f"{ord(a):x}x{ord(b):x}" for a, b in itertools.pairwise(folded)]
    tokens.append(f"{ord(folded[-1]):x}x")
    return " ".join(tokens)


def clean_query(raw):
    """The query as searched: NFC, no NUL or unpaired surrogates, capped in length.

    Returns (query, was_capped).
    """
    text = (raw or "").replace("\x00", " ")
    text = text.encode("utf-8", "ignore").decode("utf-8")
    text = unicodedata.normalize("NFC", text).strip()
    capped = len(text) > MAX_QUERY_LENGTH
    return text[:MAX_QUERY_LENGTH], capped


_TERM = re.compile(r'"([^"]*)"?|(\S+)')


def parse_terms(query):
    """Folded search terms: words, or "quoted phrases" kept together."""
    terms = []
    for quoted, word in _TERM.findall(query or ""):
        term = fold(quoted if quoted else word)
        if term and term.strip() and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


# --------------------------------------------------------------------------- SQL


def _document_sql(searchable, row=None):
    """SQLite SQL of the folded document of a row (`row` is "new"/"old" in triggers)."""
    prefix = f"{row}." if row else ""
    parts = [f"coalesce({prefix}{field}, '')" for field in searchable.fields]
    return "cj_fold(" + " || char(10) || ".join(parts) + ")"


class Document(models.Func):
    """PostgreSQL: the folded document, as the trigram index and queries spell it.

    `||` and lower() are immutable, so the expression can be indexed; the
    same class builds the index and the queries, so they always agree.
    """

    output_field = models.TextField()

    def __init__(self, fields):
        super().__init__(*[models.F(name) for name in fields])

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, expression_params = compiler.compile(expression)
            parts.append(f"coalesce({sql}, '')")
            params.extend(expression_params)
        return "(lower(" + " || E'\\n' || ".join(parts) + "))", params


def _match(searchable, term):
    """SQLite: the FTS5 table and MATCH expression that find `term`."""
    if len(term) >= 3:
        return searchable.trigram_table, '"' + term.replace('"', '""') + '"'
    if len(term) == 2:
        return searchable.pair_table, f'"{char_pairs(term).split()[0]}"'
    return searchable.pair_table, f'"{ord(term):x}x"*'


def _term_q(searchable, term, vendor):
    """A Q keeping the records whose document contains `term` (see `prepared`)."""
    if vendor == "sqlite":
        table, match = _match(searchable, term)
        return Q(pk__in=RawSQL(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", [match]))
    # PostgreSQL: LIKE on the expression the trigram index is built on.
    return Q(search_document__contains=term)


def newest_first_candidates(searchable, terms, offset, limit, using="default"):
    """SQLite: ids of records containing every term, newest event first.

    Visibility and filters are NOT applied: callers keep the ids that their
    `visible_to` queryset also returns. For a word in thousands of records,
    walking events newest first and probing the index stops after a page,
    where sorting every match by event date would read them all; SQLite's
    planner cannot know a word is common, so CROSS JOIN and INDEXED BY fix
    the plan (events by date, then their records, then the index probe).
    Returns None where this walk does not apply (other databases, no terms).
    """
    connection = connections[using]
    if connection.vendor != "sqlite" or not terms:
        return None
    conditions, params = [], []
    for term in terms:
        table, match = _match(searchable, term)
        conditions.append(f"+n.id IN (SELECT rowid FROM {table} WHERE {table} MATCH %s)")
        params.append(match)
    where = " AND ".join(conditions)
    if searchable.kind == "event":
        source, date = f"{searchable.table} n", "n.start_date"
    else:
        source = (
            "events_event e INDEXED BY event_start_date_idx "
            f"CROSS JOIN {searchable.table} n ON n.event_id = e.id"
        )
        date = "e.start_date"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT n.id FROM {source} WHERE {where} "
            f"ORDER BY {date} DESC, n.id DESC LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        return [row[0] for row in cursor.fetchall()]


def prepared(searchable, queryset):
    """`queryset` ready for `term_q` conditions (PostgreSQL needs the expression)."""
    if connections[queryset.db].vendor == "sqlite":
        return queryset
    return queryset.alias(search_document=Document(searchable.fields))


def term_q(searchable, queryset, term):
    return _term_q(searchable, term, connections[queryset.db].vendor)


def containing_all(searchable, queryset, terms):
    """`queryset` narrowed to the records whose document contains every term."""
    queryset = prepared(searchable, queryset)
    for term in terms:
        queryset = queryset.filter(term_q(searchable, queryset, term))
    return queryset


def containing_any_q(searchable, queryset, phrases):
    """A Q for the records of a `prepared` queryset that contain any of `phrases`."""
    condition = Q(pk__in=[])
    for phrase in sorted({fold(p).strip() for p in phrases if p and p.strip()}):
        condition |= term_q(searchable, queryset, phrase)
    return condition


# --------------------------------------------------------------------------- index


def register_functions(sender, connection, **kwargs):
    """connection_created handler: the folding functions the SQLite triggers call."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("cj_fold", 1, fold, deterministic=True)
        connection.connection.create_function("cj_grams", 1, char_pairs, deterministic=True)


def _sqlite_schema(searchable):
    """CREATE statements of one model's FTS tables and triggers, by object name."""
    s, table = searchable, searchable.table
    new_doc, old_doc = _document_sql(s, "new"), _document_sql(s, "old")
    insert = (
        f"INSERT INTO {s.trigram_table}(rowid, doc) VALUES (new.id, {new_doc}); "
        f"INSERT INTO {s.pair_table}(rowid, grams) VALUES (new.id, cj_grams({new_doc}));"
    )
    delete = (
        f"INSERT INTO {s.trigram_table}({s.trigram_table}, rowid, doc) "
        f"VALUES ('delete', old.id, {old_doc}); "
        f"INSERT INTO {s.pair_table}({s.pair_table}, rowid, grams) "
        f"VALUES ('delete', old.id, cj_grams({old_doc}));"
    )
    columns = ", ".join(s.fields)
    return {
        s.trigram_table: (
            f"CREATE VIRTUAL TABLE {s.trigram_table} USING fts5("
            "doc, content='', tokenize='trigram case_sensitive 1')"
        ),
        s.pair_table: (
            f"CREATE VIRTUAL TABLE {s.pair_table} USING fts5(grams, content='', tokenize='ascii')"
        ),
        f"{s.kind}_search_ai": (
            f"CREATE TRIGGER {s.kind}_search_ai AFTER INSERT ON {table} BEGIN {insert} END"
        ),
        f"{s.kind}_search_ad": (
            f"CREATE TRIGGER {s.kind}_search_ad AFTER DELETE ON {table} BEGIN {delete} END"
        ),
        f"{s.kind}_search_au": (
            f"CREATE TRIGGER {s.kind}_search_au AFTER UPDATE OF {columns} ON {table} "
            f"BEGIN {delete} {insert} END"
        ),
    }


def _postgres_index_name(searchable):
    return f"search_{searchable.kind}_trgm"


def _create_postgres_index(cursor, connection, searchable):
    query = Query(searchable.model, alias_cols=False)
    compiler = query.get_compiler(connection=connection)
    document, params = (
        Document(searchable.fields).resolve_expression(query).as_sql(compiler, connection)
    )
    name = _postgres_index_name(searchable)
    cursor.execute(f"DROP INDEX IF EXISTS {name}")
    cursor.execute(
        f"CREATE INDEX {name} ON {searchable.table} USING gin ({document} gin_trgm_ops)", params
    )


def index_is_current(connection=default_connection):
    """True when every FTS table, trigger (SQLite) or index (PostgreSQL) is in place."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'trigger')")
            present = dict(cursor.fetchall())
            return all(
                present.get(name) == sql
                for s in SEARCHABLES
                for name, sql in _sqlite_schema(s).items()
            )
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes")
            present = dict(cursor.fetchall())
            return all(_postgres_index_name(s) in present for s in SEARCHABLES)
    return True


def install(connection=default_connection, progress=None):
    """Create (or re-create) the search index and fill it from the tables.

    Runs in one transaction: searches see the old index until it commits.
    `progress(kind, done, total)` is called as rows are indexed.
    """
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for searchable in SEARCHABLES:
                _install_sqlite(cursor, searchable, progress)
        elif connection.vendor == "postgresql":
            # Deferred foreign-key checks pending in this transaction would
            # make CREATE INDEX fail: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            for searchable in SEARCHABLES:
                _create_postgres_index(cursor, connection, searchable)
                if progress:
                    progress(searchable.kind, 1, 1)


def uninstall(connection=default_connection):
    """Drop the index (bulk loads then call `install` once, which is much faster)."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for searchable in SEARCHABLES:
            if connection.vendor == "sqlite":
                for name in _sqlite_schema(searchable):
                    kind = "TABLE" if name.startswith("search_") else "TRIGGER"
                    cursor.execute(f"DROP {kind} IF EXISTS {name}")
            elif connection.vendor == "postgresql":
                cursor.execute(f"DROP INDEX IF EXISTS {_postgres_index_name(searchable)}")


def _install_sqlite(cursor, searchable, progress, batch=2000):
    schema = _sqlite_schema(searchable)
    for name in schema:
        kind = "TABLE" if name.startswith("search_") else "TRIGGER"
        cursor.execute(f"DROP {kind} IF EXISTS {name}")
    for sql in schema.values():
        cursor.execute(sql)
    s = searchable
    cursor.execute(f"SELECT count(*) FROM {s.table}")
    total = cursor.fetchone()[0]
    document = _document_sql(s)
    done, last_id = 0, 0
    while True:
        # Keyset batches keep memory flat on a big journal.
        cursor.execute(
            f"SELECT id, {document} FROM {s.table} WHERE id > %s ORDER BY id LIMIT %s",
            [last_id, batch],
        )
        rows = cursor.fetchall()
        if not rows:
            break
        cursor.executemany(
            f"INSERT INTO {s.trigram_table}(rowid, doc) VALUES (%s, %s)", [tuple(r) for r in rows]
        )
        cursor.executemany(
            f"INSERT INTO {s.pair_table}(rowid, grams) VALUES (%s, %s)",
            [(pk, char_pairs(doc)) for pk, doc in rows],
        )
        last_id = rows[-1][0]
        done += len(rows)
        if progress:
            progress(s.kind, done, total)
    if progress and total == 0:
        progress(s.kind, 0, 0)


def ensure_index(sender=None, using="default", **kwargs):
    """post_migrate handler: migrations that rebuild a table drop its triggers.

    Re-creates whatever is missing and refills the index; a no-op when it is
    all in place, or while the searched tables do not exist yet.
    """
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    if all(s.table in tables for s in SEARCHABLES) and not index_is_current(connection):
        install(connection)


# --------------------------------------------------------------------------- snippets


def snippet(text, terms, width=160):
    """A window of `text` around the first match, as (piece, is_match) parts.

    The parts are plain strings; templates escape them, so a match inside
    `<script>` text shows as text.
    """
    text = text or ""
    pattern = (
        re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
        if terms
        else None
    )
    first = pattern.search(text) if pattern else None
    if first is None:
        start = 0
    else:
        start = max(0, first.start() - width // 3)
        # Start at a word boundary when one is near.
        space = text.rfind(" ", 0, start)
        if space != -1 and start - space < 20:
            start = space + 1
    end = min(len(text), start + width)
    window = text[start:end]
    parts = []
    if start > 0:
        parts.append(("…", False))
    position = 0
    if pattern:
        for match in pattern.finditer(window):
            if match.start() > position:
                parts.append((window[position : match.start()], False))
            parts.append((match.group(0), True))
            position = match.end()
    if position < len(window):
        parts.append((window[position:], False))
    if end < len(text):
        parts.append(("…", False))
    return parts
