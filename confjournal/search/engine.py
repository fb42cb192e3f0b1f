"""How a search finds records: terms, the document, and the queries on each database.

A query is split into terms (words, or "quoted phrases"); a record matches when every
term is a substring of its document, case-insensitively. A record's document is its
`search_fields` joined by newlines, so a term never spans two fields.

A search runs in two steps, the same on both databases:

1. `capped_ids`: up to `limit` ids of matching records that the gate (the viewer's
   `visible_to` and the filters) lets through, in no particular order, the index
   driving. When there are no more than the count cap, they are all the results.
2. Past the cap, `newest` walks the gate newest-first and tests each record's own text,
   stopping when a page is full: with that many matches, the newest come soon.

SQLite answers step 1 from the FTS5 tables of `index.py`: a term of three or more
characters is an FTS5 phrase; a shorter one is the OR of the trigrams that begin with
it, which the same statement reads from the table's vocabulary. Step 2 tests the text
the FTS5 table keeps with `LIKE` (ASCII case folding; a term with other cased letters
asks the FTS5 table about that one row). PostgreSQL answers step 1 from the grams a term
needs (`holds_grams`): its GIN index of each document's characters and pairs of
characters finds the candidates for a term of any length, and comparing the text
confirms them (`holds_text`); step 2 compares the text alone.
"""

import re
import unicodedata

from django.db import connection
from django.db.models import BooleanField, F, Func, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Upper
from django.db.models.lookups import Contains, IContains

from confjournal.search import index

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10


def fold(text):
    """The query's normalisation: NFC, lower case."""
    return None if text is None else unicodedata.normalize("NFC", text).lower()


def clean_query(raw):
    """The query as searched: NFC, control characters as spaces, no unpaired surrogates,
    capped in length.

    Returns (query, was_capped).
    """
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in raw or "")
    text = text.encode("utf-8", "ignore").decode("utf-8")
    text = unicodedata.normalize("NFC", text).strip()
    return text[:MAX_QUERY_LENGTH], len(text) > MAX_QUERY_LENGTH


_TERM = re.compile(r'"([^"]*)"?|(\S+)')


def parse_terms(query):
    """Folded search terms: words, or "quoted phrases" kept together (and trimmed)."""
    terms = []
    for quoted, word in _TERM.findall(query or ""):
        term = fold(quoted if quoted else word).strip()
        if term and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


class Document(Func):
    """PostgreSQL: a record's searched fields joined by newlines, NULL as empty: plain
    `||` (immutable, so an index can hold it), and quick for Django to build."""

    output_field = TextField()

    def __init__(self, model):
        super().__init__(*[F(name) for name in model.search_fields])

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for field in self.get_source_expressions():
            sql, field_params = compiler.compile(field)
            parts.append(f"COALESCE({sql}, '')")
            params += field_params
        return "(" + " || CHR(10) || ".join(parts) + ")", params


class Grams(Func):
    """PostgreSQL: `search_grams(text, singles)`, the characters (when `singles`) and
    pairs of characters of a text (`index.POSTGRES_GRAMS` defines it). `singles` is
    written into the SQL, not bound as a parameter: a prepared statement's generic plan
    uses the index only if it spells the index's expression the same way."""

    function = "search_grams"
    template = "%(function)s(%(expressions)s, %(singles)s)"
    output_field = TextField()  # a text[]; only ever compared in SQL

    def __init__(self, text, *, singles):
        super().__init__(text, singles="true" if singles else "false")


def grams_of_document(model):
    """PostgreSQL: what the GIN index of `model` holds for each record."""
    return Grams(Upper(Document(model)), singles=True)


def holds_grams(model, term):
    """PostgreSQL: the record's grams include the term's pairs (its character, when it is
    one), which the GIN index answers; every record holding the term passes. For a term
    of one or two characters that is exactly holding it (a term has no spaces at its ends
    nor control characters, so a record's U+0001, a space in its grams, cannot pass)."""
    wanted = Grams(Upper(Value(term, output_field=TextField())), singles=False)
    return Func(
        grams_of_document(model),
        wanted,
        template="(%(expressions)s)",
        arg_joiner=" @> ",
        output_field=BooleanField(),
    )


def holds_text(model, term):
    """PostgreSQL: the record's text holds the term, ignoring case. A term without cased
    letters (Hangul, digits) is compared as it is: upper-casing a long Korean text costs
    PostgreSQL four times the comparison."""
    if term.upper() == term.lower():
        return Contains(Document(model), term)
    return IContains(Document(model), term)


# --------------------------------------------------------------------------- step 1


def _quoted(text):
    return '"' + text.replace('"', '""') + '"'


def _part(model, phrase):
    """SQLite: (sql, params) of the FTS5 query of one phrase, as an SQL text expression:
    the phrase quoted, or, for one shorter than a trigram, the OR of the trigrams that
    begin with it, read from the table's vocabulary within the same statement (`""`,
    which matches nothing, when none does)."""
    if len(phrase) >= 3:
        return "%s", [_quoted(phrase)]
    quoted = "'\"' || replace(term, '\"', '\"\"') || '\"'"
    return (
        f"(SELECT coalesce('(' || group_concat({quoted}, ' OR ') || ')', '\"\"') "
        f"FROM {index.vocabulary_table(model)} WHERE term >= %s AND term < %s)",
        [phrase, phrase + "\U0010ffff"],
    )


def _fts_query(model, phrases, operator):
    """SQLite: (sql, params) of the FTS5 query joining `phrases` by AND or OR."""
    parts = [_part(model, phrase) for phrase in phrases]
    sql = f" || ' {operator} ' || ".join(part_sql for part_sql, _params in parts)
    return sql, [param for _sql, params in parts for param in params]


def _fts_select(model, terms):
    """SQLite: (sql, params) of the ids in one FTS5 table whose text holds every term (FTS5
    merges even a common character's hundred trigrams faster than LIKE reads the texts)."""
    fts = index.fts_table(model)
    query, params = _fts_query(model, terms, "AND")
    return f"SELECT rowid FROM {fts} WHERE {fts} MATCH ({query})", params


def matching(queryset, terms):
    """`queryset` narrowed to the records whose document holds every term."""
    if not terms:
        return queryset
    model = queryset.model
    if connection.vendor == "sqlite":
        return queryset.filter(pk__in=RawSQL(*_fts_select(model, terms)))
    # A short term's grams are the whole test; PostgreSQL also estimates its rows from
    # them, where a LIKE beside them would make it expect ten and join by nested loops.
    tests = [holds_grams(model, term) for term in terms]
    tests += [holds_text(model, term) for term in terms if len(term) >= 3]
    return queryset.filter(*tests)


def mentioning(model, phrases):
    """The ids of the records of `model` whose document holds any of `phrases`, as a
    queryset to combine (`union`) or to filter by (`pk__in`)."""
    phrases = sorted({fold(p).strip() for p in phrases if p and p.strip()})
    everything = model.objects.order_by().values("pk")
    if not phrases:
        return everything.none()
    if connection.vendor == "sqlite":
        fts = index.fts_table(model)
        query, params = _fts_query(model, phrases, "OR")
        ids = RawSQL(f"SELECT rowid FROM {fts} WHERE {fts} MATCH ({query})", params)
        return everything.filter(pk__in=ids)
    # One SELECT a phrase: under an OR, PostgreSQL would work out the grams of every
    # record that fails the first phrase, instead of reading them from the index.
    each = [matching(everything, [phrase]) for phrase in phrases]
    return each[0].union(*each[1:]) if len(each) > 1 else each[0]


def capped_ids_sql(gate, terms, limit):
    """(sql, params) selecting up to `limit` ids of `gate`'s records holding every term,
    in no order. On SQLite the FTS5 table drives and each match is looked up in the gate
    by its id, so a common word stops at `limit` instead of listing every match."""
    model = gate.model
    if connection.vendor != "sqlite" or not terms:
        return matching(gate, terms).order_by().values("pk")[:limit].query.sql_with_params()
    sql, params = _fts_select(model, terms)
    fts = index.fts_table(model)
    in_gate = gate.filter(pk=RawSQL(f"{fts}.rowid", [])).order_by().values("pk")
    gate_sql, gate_params = in_gate.query.sql_with_params()
    return f"{sql} AND EXISTS ({gate_sql}) LIMIT %s", (*params, *gate_params, limit)


# --------------------------------------------------------------------------- step 2


def _like(term):
    return "%" + re.sub(r"([\\%_])", r"\\\1", term) + "%"


def folds_beyond_ascii(term):
    """Whether `term` has a cased letter outside ASCII, which SQLite's LIKE does not fold."""
    return any(not char.isascii() and char.upper() != char.lower() for char in term)


def newest(gate, terms, start, stop):
    """Records `start` to `stop` of `gate` holding every term, newest event first.

    The records are read event by event in date order (SQLite: CROSS JOIN keeps the
    events outside; PostgreSQL: a LATERAL subquery that OFFSET 0 keeps from being
    flattened) and each one's own text is tested, so the reading stops with the page: no
    list of every match is built. (PostgreSQL's estimate of how many records hold a
    word's grams is far too low, so left to itself it would read and sort them all.)
    """
    model = gate.model
    if connection.vendor != "sqlite":
        if model._meta.model_name == "event":
            return matching(gate, terms)[start:stop]
        holding = gate.filter(*[holds_text(model, term) for term in terms])
        on_event = holding.filter(event=RawSQL("walk_event.id", [])).order_by().values("pk")
        sql, params = on_event.query.sql_with_params()
        events = model._meta.get_field("event").related_model._meta.db_table
        walk = (
            f"SELECT walk.id FROM {events} walk_event CROSS JOIN LATERAL ({sql} OFFSET 0) "
            "AS walk(id) ORDER BY walk_event.start_date DESC, walk.id DESC LIMIT %s OFFSET %s"
        )
        return gate.filter(pk__in=RawSQL(walk, [*params, stop - start, start]))
    fts, table = index.fts_table(model), model._meta.db_table
    tests, params = [], []
    for term in terms:
        if folds_beyond_ascii(term):
            # LIKE folds ASCII letters only: ask the FTS5 table about this row.
            part, part_params = _part(model, term)
            tests.append(
                f"r.id IN (SELECT rowid FROM {fts} WHERE {fts} MATCH ({part}) AND rowid = r.id)"
            )
            params += part_params
        else:
            tests.append(f"(SELECT doc FROM {fts} WHERE rowid = r.id) LIKE %s ESCAPE '\\'")
            params.append(_like(term))
    in_gate = gate.filter(pk=RawSQL("r.id", [])).order_by().values("pk")
    gate_sql, gate_params = in_gate.query.sql_with_params()
    where = " AND ".join([*tests, f"EXISTS ({gate_sql})"])
    if model._meta.model_name == "event":
        walk = f"SELECT r.id FROM {table} r WHERE {where} ORDER BY r.start_date DESC, r.id DESC"
    else:
        events = model._meta.get_field("event").related_model._meta.db_table
        walk = (
            f"SELECT r.id FROM {events} e CROSS JOIN {table} r ON r.event_id = e.id "
            f"WHERE {where} ORDER BY e.start_date DESC, r.id DESC"
        )
    ids = RawSQL(f"{walk} LIMIT %s OFFSET %s", [*params, *gate_params, stop - start, start])
    return gate.filter(pk__in=ids)


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
