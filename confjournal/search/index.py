"""The search index: what each database keeps so that a term is found without reading
every record, made and repaired from the models' `search_fields`.

SQLite: each searchable table has an FTS5 table `search_<kind>` (trigram tokenizer,
`case_sensitive 0`) holding each record's searched fields joined by newlines, and two
newlines more, so that every character of the text begins a trigram (a one- or
two-character term is then the OR of the trigrams that begin with it, read from the
index's vocabulary, `search_<kind>_terms`). Triggers in plain SQL keep it, so any SQLite
client can write to the journal's tables and the index follows.

PostgreSQL: a pg_trgm GIN index on the upper-cased document of each table, the same
expression `engine.document()` builds for queries.

Nothing here is in a migration: `ensure_index` (after every `migrate`) creates whatever
is missing or out of date and fills it, and `rebuild` (the `rebuild_search_index`
command) makes it all again.
"""

import hashlib

from django.db import connections, transaction
from django.db.models.functions import Upper
from django.db.models.sql import Query

from confjournal.core.registry import searchable_models

# What earlier versions of the index left behind, dropped by `rebuild`.
RETIRED_SQLITE = ("search_{kind}_tri", "search_{kind}_bi")
RETIRED_SQLITE_TRIGGERS = ("{kind}_search_ai", "{kind}_search_ad", "{kind}_search_au")


def kind(model):
    return model._meta.model_name


def fts_table(model):
    return f"search_{kind(model)}"


def vocabulary_table(model):
    return f"search_{kind(model)}_terms"


def document_sql(model, row):
    """SQLite SQL of a row's document (`row` is "new" or "old" in a trigger)."""
    fields = [
        f"coalesce({row}.{model._meta.get_field(name).column}, '')" for name in model.search_fields
    ]
    return " || char(10) || ".join(fields) + " || char(10, 10)"


def sqlite_schema(model):
    """{name: CREATE statement} of one model's FTS table, vocabulary and triggers."""
    table, fts = model._meta.db_table, fts_table(model)
    columns = ", ".join(model._meta.get_field(name).column for name in model.search_fields)
    insert = f"INSERT INTO {fts}(rowid, doc) VALUES (new.id, {document_sql(model, 'new')});"
    delete = f"DELETE FROM {fts} WHERE rowid = old.id;"
    return {
        fts: f"CREATE VIRTUAL TABLE {fts} USING fts5(doc, tokenize='trigram case_sensitive 0')",
        vocabulary_table(model): (
            f"CREATE VIRTUAL TABLE {vocabulary_table(model)} USING fts5vocab({fts}, 'row')"
        ),
        f"{fts}_insert": f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"{fts}_delete": f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {delete} END",
        f"{fts}_update": (
            f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {columns} ON {table} "
            f"BEGIN {delete} {insert} END"
        ),
    }


def postgres_index_name(model):
    """The GIN index's name carries the fields, so that a change of them makes a new one."""
    fields = hashlib.sha1(",".join(model.search_fields).encode(), usedforsecurity=False)
    return f"search_{kind(model)}_{fields.hexdigest()[:8]}"


def postgres_index_sql(model, connection):
    """CREATE INDEX of a pg_trgm index on the expression `icontains` compares: the upper
    case of `engine.document()`, compiled as Django compiles it for a query."""
    from confjournal.search.engine import document

    query = Query(model, alias_cols=False)
    expression = Upper(document(model)).resolve_expression(query)
    sql, params = query.get_compiler(connection=connection).compile(expression)
    with connection.schema_editor() as editor:
        sql %= tuple(editor.quote_value(param) for param in params)
    return (
        f"CREATE INDEX {postgres_index_name(model)} ON {model._meta.db_table} "
        f"USING gin (({sql}) gin_trgm_ops)"
    )


def is_current(connection, model):
    """Whether one model's index is in place as the model describes it now."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'trigger')")
            present = dict(cursor.fetchall())
            return all(present.get(name) == sql for name, sql in sqlite_schema(model).items())
        cursor.execute(
            "SELECT 1 FROM pg_indexes WHERE indexname = %s", [postgres_index_name(model)]
        )
        return cursor.fetchone() is not None


def install(connection, model):
    """Make one model's index afresh and fill it from its table."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            _drop_sqlite(cursor, model)
            for sql in sqlite_schema(model).values():
                cursor.execute(sql)
            fields = document_sql(model, model._meta.db_table)
            cursor.execute(
                f"INSERT INTO {fts_table(model)}(rowid, doc) "
                f"SELECT id, {fields} FROM {model._meta.db_table}"
            )
        elif connection.vendor == "postgresql":
            # Foreign-key checks deferred in this transaction would make CREATE INDEX fail.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname LIKE %s",
                [model._meta.db_table, f"search\\_{kind(model)}\\_%"],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP INDEX {name}")
            cursor.execute(postgres_index_sql(model, connection))


def _drop_sqlite(cursor, model):
    names = [f"{fts_table(model)}_{event}" for event in ("insert", "delete", "update")]
    names += [name.format(kind=kind(model)) for name in RETIRED_SQLITE_TRIGGERS]
    for name in names:
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    tables = [vocabulary_table(model), fts_table(model)]
    tables += [name.format(kind=kind(model)) for name in RETIRED_SQLITE]
    for name in tables:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")


def drop(using="default"):
    """Take the index away (a bulk load runs faster without its triggers; `rebuild` after)."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for model in searchable_models():
            if connection.vendor == "sqlite":
                _drop_sqlite(cursor, model)
            elif connection.vendor == "postgresql":
                cursor.execute(f"DROP INDEX IF EXISTS {postgres_index_name(model)}")


def rebuild(using="default"):
    """Make the whole index again, in one transaction (searches use the old one till then)."""
    connection = connections[using]
    with transaction.atomic(using=using):
        for model in searchable_models():
            install(connection, model)
    return [kind(model) for model in searchable_models()]


def ensure_index(sender=None, using="default", **kwargs):
    """post_migrate: re-create what a migration dropped (SQLite drops a rebuilt table's
    triggers) or what no longer fits the models; a no-op when all is in place."""
    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    tables = set(connection.introspection.table_names())
    with transaction.atomic(using=using):
        for model in searchable_models():
            if model._meta.db_table in tables and not is_current(connection, model):
                install(connection, model)
