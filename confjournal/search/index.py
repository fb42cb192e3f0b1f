"""The search index: what each database keeps so that a term is found without reading
every record, made and repaired from the models' `search_fields`.

SQLite: each searchable table has an FTS5 table `search_<kind>` (trigram tokenizer,
`case_sensitive 0`) holding each record's searched fields joined by newlines, and two
newlines more, so that every character of the text begins a trigram (a one- or
two-character term is then the OR of the trigrams that begin with it, read from the
index's vocabulary, `search_<kind>_terms`). Triggers in plain SQL keep it, so any SQLite
client can write to the journal's tables and the index follows.

PostgreSQL: a GIN index of each record's grams, `search_grams(UPPER(document))`: every
character of the upper-cased document and every pair of adjacent characters. A term's
pairs (or its one character) are in the grams of every record that holds it, so the
index finds the candidates for a term of any length, one or two characters included, and
`icontains` on the document confirms them. The function is plain SQL in the database, so
any client's writes keep the index.

Nothing here is in a migration: `ensure_index` (after every `migrate`) creates whatever
is missing or out of date and fills it, and `rebuild` (the `rebuild_search_index`
command) makes it all again.
"""

import hashlib

from django.db import connections, transaction
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


# The grams of a text: its characters (when `singles`; always for a one-character text)
# and its pairs of adjacent characters, split out with two passes of regexp_replace (odd
# and even positions). U+0001 marks the splits, so the text's own U+0001 become spaces.
# Not inlined (it has a FROM), so its COST keeps the planner from running it per row.
POSTGRES_GRAMS = r"""
CREATE OR REPLACE FUNCTION search_grams(doc text, singles boolean) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
  SELECT array_remove(
    CASE WHEN singles OR length(d) < 2 THEN string_to_array(d, NULL) ELSE '{}' END
    || string_to_array(regexp_replace(d, '(..)', E'\\1\x01', 'g'), E'\x01')
    || string_to_array(regexp_replace(substr(d, 2), '(..)', E'\\1\x01', 'g'), E'\x01'),
    '')
  FROM (SELECT translate(doc, E'\x01', ' ') AS d) AS mapped
$$
"""


def postgres_index_name(model, connection=None):
    """The GIN index's name carries a hash of what it holds (the compiled expression and
    the function), so that a change of either makes a new one."""
    made_of = _grams_sql(model, connection or connections["default"]) + POSTGRES_GRAMS
    digest = hashlib.sha1(made_of.encode(), usedforsecurity=False).hexdigest()
    return f"search_{kind(model)}_{digest[:8]}"


def _grams_sql(model, connection):
    """The SQL of `engine.grams_of_document()`, compiled as Django compiles it for a
    query, so that the planner matches the index to the queries."""
    from confjournal.search.engine import grams_of_document

    query = Query(model, alias_cols=False)
    expression = grams_of_document(model).resolve_expression(query)
    sql, params = query.get_compiler(connection=connection).compile(expression)
    with connection.schema_editor() as editor:
        return sql % tuple(editor.quote_value(param) for param in params)


def postgres_index_sql(model, connection):
    """CREATE INDEX of the GIN index on the grams of the document."""
    name, table = postgres_index_name(model, connection), model._meta.db_table
    return f"CREATE INDEX {name} ON {table} USING gin (({_grams_sql(model, connection)}))"


def is_current(connection, model):
    """Whether one model's index is in place as the model describes it now."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'trigger')")
            present = dict(cursor.fetchall())
            return all(present.get(name) == sql for name, sql in sqlite_schema(model).items())
        cursor.execute(
            "SELECT 1 FROM pg_indexes WHERE indexname = %s",
            [postgres_index_name(model, connection)],
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
            cursor.execute(POSTGRES_GRAMS)
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
                cursor.execute(f"DROP INDEX IF EXISTS {postgres_index_name(model, connection)}")


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
