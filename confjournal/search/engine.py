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
  characters), and a GIN index on the set of the document's characters and
  character pairs (`cj_grams`), which answers terms of one or two characters.

Views call `search()` and never branch on the database.
"""

import itertools
import json
import re
import unicodedata
from dataclasses import dataclass

from django.apps import apps
from django.db import connection as default_connection
from django.db import connections, models, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL

from confjournal.core.dbobjects import ensure_installed
from confjournal.core.text import nfc

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


def _raw_document_sql(searchable, row=None):
    """SQLite SQL of a row's searched fields joined as stored, not folded."""
    prefix = f"{row}." if row else ""
    return " || char(10) || ".join(f"coalesce({prefix}{field}, '')" for field in searchable.fields)


def _document_sql(searchable, row=None):
    """SQLite SQL of the folded document of a row (`row` is "new"/"old" in triggers)."""
    return f"cj_fold({_raw_document_sql(searchable, row)})"


def _contains_sql(searchable, row):
    """SQLite SQL testing that a row's folded document contains the term `%s`.

    The same answer as `instr(cj_fold(…), %s) > 0`, the fold the index is built
    with, without handing the folded text back to SQLite: ~7 µs a record
    instead of ~10.6 at 500 characters.
    """
    return f"cj_contains({_raw_document_sql(searchable, row)}, %s)"


def contains_folded(text, term):
    """1 if the folded `text` contains `term` (already folded), else 0 (`cj_contains`)."""
    return int(text is not None and term in fold(text))


DOCUMENT_COLUMN = "search_document"


class DocumentColumn(models.Expression):
    """PostgreSQL: a record's stored, folded document (the `search_document` column).

    The column has no model field: triggers keep it (see `_postgres_document_schema`),
    so it is right whatever writes the row (save(), update(), bulk_create, raw SQL,
    a restore). It is resolved through the record's primary key so that it follows
    the table's alias in joins and subqueries.
    """

    output_field = models.TextField()

    def __init__(self, pk=None):
        super().__init__()
        self.pk = models.F("pk") if pk is None else pk

    def get_source_expressions(self):
        return [self.pk]

    def set_source_expressions(self, expressions):
        (self.pk,) = expressions

    def as_sql(self, compiler, connection, **extra_context):
        return f"{compiler.quote_name_unless_alias(self.pk.alias)}.{DOCUMENT_COLUMN}", []


class HasGram(models.Func):
    """PostgreSQL: whether a record's folded document holds `gram` (1 or 2 characters).

    `cj_grams(document)` is the set of the document's characters and character
    pairs, so a one- or two-character term occurs in the document exactly when
    it is in that set; a GIN index on `cj_grams(search_document)` (built by
    `install`) answers it without reading the text. The function is declared
    costly, so the planner asks the index instead of computing it for every row.
    (Its array may repeat a gram: GIN keeps each key once, and containment does
    not care.)
    """

    output_field = models.BooleanField()

    def __init__(self, grams):
        super().__init__(DocumentColumn(), *[models.Value(gram) for gram in grams])

    def as_sql(self, compiler, connection, **extra_context):
        document, *grams = self.get_source_expressions()
        document_sql, params = compiler.compile(document)
        params = list(params)
        gram_sqls = []
        for gram in grams:
            gram_sql, gram_params = compiler.compile(gram)
            gram_sqls.append(gram_sql)
            params.extend(gram_params)
        return f"(cj_grams({document_sql}) @> ARRAY[{', '.join(gram_sqls)}]::text[])", params


class HasText(models.Func):
    """PostgreSQL: whether the stored document holds `term`, tested on the row only.

    `strpos` is what a short term uses when it is not looked up in an index: a
    `LIKE` with no trigram in it would make the planner consider reading the whole
    trigram index. On the stored column it costs a few microseconds a row.
    """

    output_field = models.BooleanField()

    def __init__(self, term):
        super().__init__(DocumentColumn(), models.Value(term))

    def as_sql(self, compiler, connection, **extra_context):
        document, term = self.get_source_expressions()
        document_sql, params = compiler.compile(document)
        term_sql, term_params = compiler.compile(term)
        return f"(strpos({document_sql}, {term_sql}) > 0)", [*params, *term_params]


# The fold (NFC, then lower case) as the database spells it; IMMUTABLE, so it may
# be indexed. Python's lower() and PostgreSQL's (C.UTF-8) agree on the letters
# journals hold; the hypothesis test compares them with the Python oracle.
POSTGRES_FOLD_FUNCTION = """
CREATE OR REPLACE FUNCTION cj_fold(doc text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT lower(normalize(doc, NFC)) $$
"""

# Characters, then the pairs starting at odd and at even positions: every
# adjacent pair, in linear time ('.' matches a newline too in PostgreSQL's
# regular expressions). The first version took substr(doc, i, 2) for each i,
# which walks the string from its start each time: 7.7 ms for a 500-character
# document against 0.6 ms now, which matters when a bitmap recheck computes it.
POSTGRES_GRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION cj_grams(doc text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
  SELECT string_to_array(doc, NULL)
    || ARRAY(SELECT m[1] FROM regexp_matches(doc, '..', 'g') AS m)
    || ARRAY(SELECT m[1] FROM regexp_matches(substr(doc, 2), '..', 'g') AS m)
$$
"""


def _match(searchable, term):
    """SQLite: the FTS5 table and MATCH expression that find `term`."""
    if len(term) >= 3:
        return searchable.trigram_table, '"' + term.replace('"', '""') + '"'
    if len(term) == 2:
        return searchable.pair_table, f'"{char_pairs(term).split()[0]}"'
    return searchable.pair_table, f'"{ord(term):x}x"*'


def _matches(searchable, terms):
    """SQLite: one (table, MATCH expression) per FTS table, its terms joined by AND.

    FTS5 intersects the terms' lists itself, walking them side by side, which
    is much cheaper than materialising each term's list and intersecting those.
    The trigram table comes first: its terms are the longer, rarer ones.
    """
    by_table = {}
    for term in terms:
        table, match = _match(searchable, term)
        by_table.setdefault(table, []).append(match)
    return sorted(
        ((table, " AND ".join(matches)) for table, matches in by_table.items()),
        key=lambda item: item[0] != searchable.trigram_table,
    )


def _term_q(searchable, term, vendor, grams=True, indexed=True):
    """A Q keeping the records whose document contains `term` (see `prepared`).

    PostgreSQL: LIKE on the stored document, which the trigram index answers;
    a term of one or two characters, which has no trigram, asks the index of
    characters and pairs instead, or with `grams=False` tests the stored text.
    `indexed=False` tests the stored text for every term: the walk past the
    count cap reads a few records of each date and is better off testing their
    text than reading a common term's whole list from an index for each date.
    """
    if vendor == "sqlite":
        return _match_q(*_match(searchable, term))
    if not indexed:
        return Q(HasText(term))
    if len(term) >= 3:
        return Q(**{f"{DOCUMENT_COLUMN}__contains": term})
    if grams:
        return Q(HasGram([term]))
    return Q(HasText(term))


def _match_q(table, match):
    return Q(pk__in=RawSQL(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", [match]))


class CompiledIds(tuple):
    """The (sql, params) of an ids query compiled once, with the database it is for.

    `ids_sql` passes it through; `index_driven_ids_sql` and the SQLite walk of
    `newest_first_ids` take it in place of a queryset (compiling one costs ~1 ms).
    """

    def __new__(cls, sql, params, db):
        compiled = super().__new__(cls, (sql, tuple(params)))
        compiled.db = db
        return compiled


def ids_sql(queryset):
    """(sql, params) selecting the ids of `queryset`, unordered, for use in a subquery."""
    if isinstance(queryset, CompiledIds):
        return tuple(queryset)
    return queryset.order_by().values("pk").query.sql_with_params()


def compiled_ids(queryset):
    """`ids_sql(queryset)`, kept with its database, to be used again (see CompiledIds)."""
    return CompiledIds(*ids_sql(queryset), queryset.db)


def any_of_q(branches):
    """A Q keeping the records whose id one of `branches` selects: (sql, params) each.

    One UNION of small indexed lookups (a speaker's talks, a tag's items, the
    index for each spelling) is read once, then each id is looked up; an OR of
    the same conditions over joins would test every visible record instead.
    """
    sql = " UNION ".join(
        f"SELECT * FROM ({part}) AS branch_{number}" for number, (part, _) in enumerate(branches)
    )
    params = [param for _, part_params in branches for param in part_params]
    return Q(pk__in=RawSQL(sql, params))


def phrase_ids_sql(searchable, queryset, phrase):
    """(sql, params) selecting ids of records whose document contains `phrase`.

    On SQLite the index alone answers it (callers intersect with a visible_to
    queryset); elsewhere it is `queryset` narrowed by the phrase.
    """
    phrase = fold(phrase).strip()
    if connections[queryset.db].vendor == "sqlite":
        table, match = _match(searchable, phrase)
        return f"SELECT rowid FROM {table} WHERE {table} MATCH %s", (match,)
    return ids_sql(containing_all(searchable, queryset, [phrase]))


def index_driven_ids_sql(searchable, gate, terms, limit):
    """SQLite: (sql, params) selecting up to `limit` ids of `gate` containing every term.

    The FTS table drives: it yields matching rowids in order and each is
    looked up in `gate` (a visible_to queryset, which SQLite flattens into
    the join), so counting to a cap stops after `limit` hits instead of
    materialising every match first. Best when `gate` keeps most records
    (no filters). Returns None on other databases or without terms.
    """
    if connections[gate.db].vendor != "sqlite" or not terms:
        return None
    gate_sql, gate_params = ids_sql(gate)
    (driver, match), *others, text_terms = _sqlite_plan(gate.db, searchable, terms)
    where, params = [f"{driver} MATCH %s"], [match]
    for table, other in others:
        where.append(f"{driver}.rowid IN (SELECT rowid FROM {table} WHERE {table} MATCH %s)")
        params.append(other)
    join = ""
    if text_terms:
        join = f"CROSS JOIN {searchable.table} d ON d.id = g.pk "
        test, test_params = _terms_test(searchable, "d", text_terms)
        where.append(test)
        params.extend(test_params)
    sql = (
        f"SELECT g.pk FROM {driver} CROSS JOIN ({gate_sql}) g ON g.pk = {driver}.rowid "
        f"{join}WHERE {' AND '.join(where)} LIMIT %s"
    )
    return sql, [*gate_params, *params, limit]


# A mix of long and short terms on SQLite: the short terms' matches drive when
# there are at most this many of them (each costs a fold of its text, ~7 µs).
SQLITE_SHORT_DRIVER_ROWS = 2000


def _sqlite_plan(db, searchable, terms):
    """SQLite: the (FTS table, MATCH) pairs that find the candidates, then the terms
    to test on each candidate's folded text, as [(table, match), ..., text_terms].

    Terms of one kind: their table's MATCH (FTS5 intersects the lists itself).
    A mix of long and short terms never asks both tables: FTS5 would read both
    lists whole. `벤지오 강연` read the ~59,000 notes holding 벤지오 to keep the
    399 that also hold 강연 (54 ms), and a one-character term's prefix query reads
    the lists of every pair starting with it, so `벤 pruning` took 16 s and
    `의 transformer` a minute. So the short terms drive when they have few matches
    (counted up to the threshold, < 1 ms), the long terms otherwise, and the
    other side is tested on each candidate's folded text (`cj_contains`: the fold
    the index is built with, so the answer is the same).
    """
    matches = _matches(searchable, terms)
    if len(matches) != 2:
        return [*matches, []]
    long_terms = [term for term in terms if len(term) >= 3]
    short_terms = [term for term in terms if len(term) < 3]
    table, match = matches[1]
    with connections[db].cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH %s "
            f"LIMIT {SQLITE_SHORT_DRIVER_ROWS + 1})",
            [match],
        )
        (found,) = cursor.fetchone()
    if found <= SQLITE_SHORT_DRIVER_ROWS:
        return [matches[1], long_terms]
    return [matches[0], short_terms]


# Measured on the 100,000-note benchmark journal (SQLite 3.40.1): reading one
# match into an IN list costs about 0.15 µs plus 0.08 µs per further token of
# its phrase; checking one record's text directly costs about 15 µs.
LIST_COST_US, TOKEN_COST_US, SCAN_COST_US = 0.15, 0.08, 15.0
DENSITY_SAMPLE = 200
# What the walk may spend checking records' text before the index's list is the
# better way, and what one record costs (size L, SQLite 3.40.1, with the gate):
# ~3 µs for ASCII terms (LIKE), ~10 for others (LIKE, GLOB and the Python fold:
# a record without a multi-syllable Hangul term pays for several LIKEs).
SCAN_BUDGET_US = 2000
ASCII_SCAN_COST_US, TEXT_SCAN_COST_US = 3.0, 10.0
# Without a better guess, the share of records the gate (visibility, filters) keeps.
GATE_KEEPS = 0.5


def _tokens(term):
    if len(term) >= 3:
        return len(term) - 2
    return 1 if len(term) == 2 else 3  # a one-character prefix query reads many lists


# The only characters outside ASCII whose fold (NFC, then lower case) holds an
# ASCII character: İ → "i̇", Greek question mark → ";", Greek varia → "`",
# Kelvin sign → "k" (every code point checked; see the test).
FOLDS_TO_ASCII = {"\u0130": "i", "\u037e": ";", "\u1fef": "`", "\u212a": "k"}


def _like_pattern(text):
    """A LIKE pattern (ESCAPE '\\') matching any text that contains `text`."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _ascii_prefilter(searchable, row, term):
    """(sql, params) of a cheap test every record containing an ASCII `term` passes.

    Folding never turns ASCII into anything but ASCII letters' lower case (or
    removes one, when NFC composes it with an accent), and only the
    FOLDS_TO_ASCII characters fold into ASCII; so a record whose folded text
    contains an ASCII term has a field whose text holds it in SQLite's
    ASCII-only case-insensitive LIKE, or holds one of those characters. Of
    those, "İ" folds to "i" and a combining dot, so it can only complete a
    term that ends in "i". LIKE on each field runs in C without copying the
    text (`instr(lower(…))` of the joined fields cost three times as much);
    `cj_contains` still decides. None for a term with other characters (Hangul
    may be stored decomposed) or a line break (it could span two fields).
    """
    if not term.isascii() or "\n" in term:
        return None
    tests = [_any_field(searchable, row, "LIKE", _like_pattern(term), " ESCAPE '\\'")]
    for special, ascii_char in FOLDS_TO_ASCII.items():
        if ascii_char in term and (special != "\u0130" or term.endswith("i")):
            tests.append(_any_field(searchable, row, "LIKE", f"%{special}%"))
    return "(" + " OR ".join(sql for sql, _ in tests) + ")", [p for _, ps in tests for p in ps]


HANGUL_SYLLABLES = range(0xAC00, 0xD7A4)
# Trailing consonant jamo: NFC composes one into a preceding syllable without one.
TRAILING_JAMO = "[\u11a8-\u11c2]"


def _trailing(syllable):
    """The index (1-27) of a Hangul syllable's trailing consonant, 0 when it has none."""
    return (ord(syllable) - HANGUL_SYLLABLES.start) % 28


def _final_jamo(syllable):
    """The last jamo of a Hangul syllable's decomposition: trailing consonant, else vowel."""
    index = ord(syllable) - HANGUL_SYLLABLES.start
    trailing = _trailing(syllable)
    return chr(0x11A7 + trailing) if trailing else chr(0x1161 + index // 28 % 21)


def _any_field(searchable, row, operator, pattern, suffix=""):
    """(sql, params): `operator` `pattern` holds for one of the row's searched fields."""
    tests = " OR ".join(f"{row}.{field} {operator} %s{suffix}" for field in searchable.fields)
    return f"({tests})", [pattern] * len(searchable.fields)


def _hangul_test(searchable, row, term):
    """(sql, params) deciding `cj_contains` for a term of Hangul syllables, mostly in C.

    Hangul syllables have no case, and NFC makes a syllable only out of conjoining
    jamo, or a syllable without a trailing consonant and one (가 + ᆨ = 각). So:
    - a field holding the term as stored holds it folded, unless a trailing
      consonant follows the term's last syllable and that one has none (GLOB);
    - a record holding it neither as stored nor as the last jamo of one of its
      syllables (벤 from ᄇ ᅦ ᆫ or 베 ᆫ holds ᆫ) cannot hold it folded;
    - anything else (jamo stored decomposed) asks `cj_contains`.
    LIKE on each field costs 1-4 µs a note of Korean text, the Python fold 7-12.
    None for other terms.
    """
    if not term or any(ord(char) not in HANGUL_SYLLABLES for char in term):
        return None
    holds, holds_params = _any_field(searchable, row, "LIKE", f"%{term}%")
    sure, sure_params = holds, holds_params
    if not _trailing(term[-1]):
        composes, composes_params = _any_field(searchable, row, "GLOB", f"*{term}{TRAILING_JAMO}*")
        sure, sure_params = f"({holds} AND NOT {composes})", [*holds_params, *composes_params]
    maybe, maybe_params = [holds], [*holds_params]
    for jamo in sorted({_final_jamo(char) for char in term}):
        sql, params = _any_field(searchable, row, "LIKE", f"%{jamo}%")
        maybe.append(sql)
        maybe_params.extend(params)
    sql = (
        f"CASE WHEN {sure} THEN 1 WHEN {' OR '.join(maybe)} "
        f"THEN {_contains_sql(searchable, row)} ELSE 0 END"
    )
    return sql, [*sure_params, *maybe_params, term]


def _term_test(searchable, row, term):
    """(sql, params) true when the row's folded document contains `term`: in C where
    that is exact (Hangul) or a cheap filter first (ASCII), else `cj_contains`."""
    hangul = _hangul_test(searchable, row, term)
    if hangul:
        return hangul
    prefilter = _ascii_prefilter(searchable, row, term)
    contains = _contains_sql(searchable, row)
    if prefilter:
        return f"({prefilter[0]} AND {contains})", [*prefilter[1], term]
    return contains, [term]


def _terms_test(searchable, row, terms):
    """(sql, params) true when the row's folded document contains every term."""
    tests, params = [], []
    for term in terms:
        test, test_params = _term_test(searchable, row, term)
        tests.append(test)
        params.extend(test_params)
    return " AND ".join(tests), params


def _walk_scans(cursor, searchable, terms, limit, span=None):
    """Whether checking each record's text beats building the index's list of matches.

    A word in most records is found within a few dozen records of a walk, while
    listing its matches reads tens of thousands of them; a rarer word is the
    other way round. With `span`, the capped count's (count, lowest id, highest
    id), the decision needs no query: the index yields matches in id order, so
    the count's matches lie in that range and the walk can expect to check
    about `limit` / (count / range) records; it does when that costs at most
    SCAN_BUDGET_US (2 ms). Without it, the index's first
    DENSITY_SAMPLE matches are read, with the gate assumed to keep half of them.
    """
    if span and span[0] and span[1] is not None:
        count, low, high = span
        ascii_only = all(term.isascii() for term in terms)
        per_record = ASCII_SCAN_COST_US if ascii_only else TEXT_SCAN_COST_US
        return limit * (high - low + 1) / count * per_record <= SCAN_BUDGET_US
    (driver, match), *_ = _matches(searchable, terms)
    sample = f"(SELECT rowid FROM {driver} WHERE {driver} MATCH %s LIMIT {DENSITY_SAMPLE})"
    cursor.execute(
        # Separate subqueries: SQLite answers a lone min() or max() from the index.
        f"SELECT (SELECT count(*) FROM {sample}), (SELECT max(rowid) FROM {sample}), "
        f"(SELECT min(id) FROM {searchable.table}), (SELECT max(id) FROM {searchable.table})",
        [match, match],
    )
    sampled, reach, first, last = cursor.fetchone()
    if not sampled or sampled < DENSITY_SAMPLE or first is None:
        return False
    density = sampled / max(1, reach - first + 1)
    matches = density * (last - first + 1)
    tokens = sum(_tokens(term) for term in terms)
    list_cost = matches * (LIST_COST_US + TOKEN_COST_US * (tokens - 1))
    scan_cost = limit / (density * GATE_KEEPS) * SCAN_COST_US
    return scan_cost < list_cost


def newest_first_ids(searchable, gate, terms, limit, scan=None, span=None):
    """SQLite: the first `limit` ids of `gate` containing every term, newest event first.

    For a word in thousands of records, walking events newest first and
    stopping after a page beats sorting every match by event date. SQLite's
    planner cannot know a word is common, so CROSS JOIN and INDEXED BY fix the
    plan: events by date, their records, the gate (a visible_to queryset,
    flattened into the join), then the test for the terms: the index's list
    of matches, or for very common words the folded text itself (the same
    fold the index is built with, `cj_contains`, so the answers are the same).
    `scan` forces one of the two (the tests check both); None chooses, from
    `span` (the capped count's count, lowest and highest id) when given.
    PostgreSQL plans the same walk itself once told not to read every match
    (see `_postgres_walk`). Returns None without terms.
    """
    if not terms:
        return None
    if connections[gate.db].vendor == "postgresql":
        return _postgres_walk(searchable, gate, terms, limit)
    if connections[gate.db].vendor != "sqlite":
        return None
    gate_sql, gate_params = ids_sql(gate)
    with connections[gate.db].cursor() as cursor:
        conditions, params = [], []
        if scan is None:
            scan = _walk_scans(cursor, searchable, terms, limit, span)
        if scan:
            test, test_params = _terms_test(searchable, "n", terms)
            conditions.append(test)
            params.extend(test_params)
        else:
            *matches, text_terms = _sqlite_plan(gate.db, searchable, terms)
            for table, match in matches:
                conditions.append(f"+n.id IN (SELECT rowid FROM {table} WHERE {table} MATCH %s)")
                params.append(match)
            if text_terms:
                test, test_params = _terms_test(searchable, "n", text_terms)
                conditions.append(test)
                params.extend(test_params)
        if searchable.kind == "event":
            source, date = f"{searchable.table} n", "n.start_date"
        else:
            source = (
                "events_event e INDEXED BY event_start_date_idx "
                f"CROSS JOIN {searchable.table} n ON n.event_id = e.id"
            )
            date = "e.start_date"
        cursor.execute(
            f"SELECT n.id FROM {source} CROSS JOIN ({gate_sql}) g ON g.pk = n.id "
            f"WHERE {' AND '.join(conditions)} ORDER BY {date} DESC, n.id DESC LIMIT %s",
            [*gate_params, *params, limit],
        )
        return [row[0] for row in cursor.fetchall()]


def _postgres_walk(searchable, gate, terms, limit):
    """PostgreSQL: the first `limit` ids of `gate` containing every term, newest first.

    For a short or common term PostgreSQL underestimates how many records
    match, reads every one of them and sorts them (a second or more for a
    one-character term). This walks the event dates newest first instead, in
    one query: the distinct dates in order, and for each (LATERAL) the matches
    of that date, which PostgreSQL answers through the date index; the LIMIT
    stops the walk as soon as `limit` ids are found (an incremental sort keeps
    the dates' order and sorts each date's few ids). The terms are tested on
    each record's stored document (`strpos`, never an index): the walk runs
    only past the count cap, so every term is common, and a trigram index
    scan would read a word's whole list for each date. One query, whatever
    the number of dates it walks.
    """
    date = "start_date" if searchable.kind == "event" else "event__start_date"
    matching = (
        containing_all(searchable, gate, terms, indexed=False)
        .filter(**{date: RawSQL("dates.start_date", ())})
        .order_by()
        .values("pk")
    )
    sql, params = matching.query.sql_with_params()
    with connections[gate.db].cursor() as cursor:
        cursor.execute(
            "SELECT found.pk FROM (SELECT DISTINCT start_date FROM events_event) AS dates "
            f"CROSS JOIN LATERAL ({sql}) AS found "
            "ORDER BY dates.start_date DESC, found.pk DESC LIMIT %s",
            [*params, limit],
        )
        return [row[0] for row in cursor.fetchall()]


def prepared(searchable, queryset):
    """`queryset` ready for `term_q` conditions (PostgreSQL needs the expression)."""
    if connections[queryset.db].vendor == "sqlite":
        return queryset
    return queryset.alias(**{DOCUMENT_COLUMN: DocumentColumn()})


def term_q(searchable, queryset, term, grams=True, indexed=True):
    return _term_q(searchable, term, connections[queryset.db].vendor, grams, indexed)


def containing_all(searchable, queryset, terms, grams=True, indexed=True):
    """`queryset` narrowed to the records whose document contains every term."""
    queryset = prepared(searchable, queryset)
    if terms and connections[queryset.db].vendor == "sqlite":
        *matches, text_terms = _sqlite_plan(queryset.db, searchable, terms)
        if text_terms:
            (table, match), *_ = matches
            tests, params = _terms_test(searchable, "d", text_terms)
            return queryset.filter(
                pk__in=RawSQL(
                    f"SELECT d.id FROM {searchable.table} d "
                    f"WHERE d.id IN (SELECT rowid FROM {table} WHERE {table} MATCH %s) "
                    f"AND {tests}",
                    [match, *params],
                )
            )
        for table, match in matches:
            queryset = queryset.filter(_match_q(table, match))
        return queryset
    # PostgreSQL, terms of one kind: each its index (trigrams, or characters and
    # pairs). Mixed: never both indexes ANDed, since the trigram index's scan needs
    # its rows rechecked and the recheck would compute cj_grams on each (~0.6 ms).
    # One index finds the candidates and the other terms are tested on each
    # stored document instead (`strpos`, microseconds): see `_short_terms_drive`.
    short = [term for term in terms if len(term) <= 2]
    mixed = grams and indexed and short and len(short) < len(terms)
    if mixed and _short_terms_drive(searchable, queryset, short):
        table = searchable.table
        queryset = queryset.filter(
            pk__in=RawSQL(
                f"SELECT id FROM {table} WHERE cj_grams({DOCUMENT_COLUMN}) @> %s::text[]",
                [short],
            )
        )
        return queryset.filter(*[Q(HasText(term)) for term in terms])
    grams = grams and all(len(term) <= 2 for term in terms)
    for term in terms:
        queryset = queryset.filter(term_q(searchable, queryset, term, grams, indexed))
    return queryset


# A mix of long and short terms is looked up through the short terms' index of
# pairs when PostgreSQL expects at most this many records to hold them.
SHORT_DRIVER_ROWS = 5000


def _short_terms_drive(searchable, queryset, short):
    """PostgreSQL: whether the short terms are rare enough to find the candidates.

    Each candidate costs ~5 µs to test (reading its row), so the rarer side
    should find them: `벤지오 강연` read the 59,000 notes holding 벤지오 (0.34 s)
    where the 989 holding 강연 suffice (14 ms). The planner's estimate for the
    pairs index (from the statistics ANALYZE keeps on an index expression) says
    how many hold the short terms; EXPLAIN only plans, it reads no record. The
    long terms have no statistics (see `install_documents`), so the short terms
    drive whenever they are rare enough, and otherwise the trigram index does.
    """
    connection = connections[queryset.db]
    with connection.cursor() as cursor:
        cursor.execute(
            f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {searchable.table} "
            f"WHERE cj_grams({DOCUMENT_COLUMN}) @> %s::text[]",
            [short],
        )
        (plan,) = cursor.fetchone()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return plan[0]["Plan"]["Plan Rows"] <= SHORT_DRIVER_ROWS


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
        connection.connection.create_function("cj_contains", 2, contains_folded, deterministic=True)
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


def _postgres_grams_index_name(searchable):
    return f"search_{searchable.kind}_grams"


def _postgres_document_sql(searchable, row=None):
    """PostgreSQL SQL of the folded document of a row (`row` is "NEW" in the trigger)."""
    prefix = f"{row}." if row else ""
    parts = [f"coalesce({prefix}{field}, '')" for field in searchable.fields]
    return "cj_fold(" + " || E'\\n' || ".join(parts) + ")"


def _postgres_trigger_name(searchable):
    return f"{searchable.kind}_search_document"


def _postgres_document_function(searchable):
    return (
        f"CREATE OR REPLACE FUNCTION cj_{searchable.kind}_document() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN NEW.{DOCUMENT_COLUMN} := "
        f"{_postgres_document_sql(searchable, 'NEW')}; RETURN NEW; END $$"
    )


def install_documents(connection, kinds=None):
    """PostgreSQL: the stored, folded document column of each searchable table.

    A plain column kept by a BEFORE INSERT OR UPDATE trigger (on every update,
    whatever the columns it sets, so even a raw UPDATE of the column itself
    cannot leave it stale), then filled where it differs. A trigger rather than
    a generated column: PostgreSQL refuses to alter the type of a column a
    generated column reads, which would make a later `max_length` change fail.
    The migrations call this; `install` calls it again (idempotent). SQLite has
    its FTS5 tables instead: nothing to do there.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(POSTGRES_FOLD_FUNCTION)
        for searchable in SEARCHABLES:
            if kinds is not None and searchable.kind not in kinds:
                continue
            table, trigger = searchable.table, _postgres_trigger_name(searchable)
            # The search indexes go first: filling the column writes a new version of
            # every row, and indexes made before the column (on an expression of the
            # text) would each be updated, computing cj_grams for every row. `install`
            # (after every migrate too, see `ensure_index`) builds them on the column.
            for name in _postgres_indexes(searchable):
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
            cursor.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {DOCUMENT_COLUMN} text")
            # No planner statistics on the documents: ANALYZE leaves out values over
            # 1 kB, so what it gathered came from the short records only and said an
            # English word was in a quarter of the notes; the planner then read the
            # table in order, testing every row (pruning: 80 ms), instead of asking the
            # trigram index (10 ms). Without statistics it assumes a word is rare.
            cursor.execute(f"ALTER TABLE {table} ALTER COLUMN {DOCUMENT_COLUMN} SET STATISTICS 0")
            cursor.execute(_postgres_document_function(searchable))
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
            cursor.execute(
                f"CREATE TRIGGER {trigger} BEFORE INSERT OR UPDATE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION cj_{searchable.kind}_document()"
            )
            document = _postgres_document_sql(searchable)
            cursor.execute(
                f"UPDATE {table} SET {DOCUMENT_COLUMN} = {document} "
                f"WHERE {DOCUMENT_COLUMN} IS DISTINCT FROM {document}"
            )


def uninstall_documents(connection, kinds=None):
    """PostgreSQL: drop the document columns (and with them their indexes) and triggers."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for searchable in SEARCHABLES:
            if kinds is not None and searchable.kind not in kinds:
                continue
            table = searchable.table
            cursor.execute(
                f"DROP TRIGGER IF EXISTS {_postgres_trigger_name(searchable)} ON {table}"
            )
            cursor.execute(f"DROP FUNCTION IF EXISTS cj_{searchable.kind}_document()")
            cursor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {DOCUMENT_COLUMN}")


def _postgres_indexes(searchable):
    """The CREATE INDEX statements of one table, by index name."""
    table = searchable.table
    return {
        _postgres_index_name(searchable): (
            f"CREATE INDEX {_postgres_index_name(searchable)} ON {table} "
            f"USING gin ({DOCUMENT_COLUMN} gin_trgm_ops)"
        ),
        _postgres_grams_index_name(searchable): (
            f"CREATE INDEX {_postgres_grams_index_name(searchable)} ON {table} "
            f"USING gin (cj_grams({DOCUMENT_COLUMN}))"
        ),
    }


def _create_postgres_index(cursor, searchable):
    for name, sql in _postgres_indexes(searchable).items():
        cursor.execute(f"DROP INDEX IF EXISTS {name}")
        cursor.execute(sql)


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
            indexes = dict(cursor.fetchall())
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
            )
            triggers = set(cursor.fetchall())
            # Indexes made before the document column (on an expression) do not count.
            return all(
                (s.table, _postgres_trigger_name(s)) in triggers
                and all(DOCUMENT_COLUMN in indexes.get(name, "") for name in _postgres_indexes(s))
                for s in SEARCHABLES
            )
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
            # GIN builds sort their keys in this memory (PostgreSQL's default is 64 MB);
            # the pairs index holds ~1,000 keys a note. For this transaction only.
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(POSTGRES_GRAMS_FUNCTION)
            install_documents(connection)
            for searchable in SEARCHABLES:
                _create_postgres_index(cursor, searchable)
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
                # The document column and its trigger stay: bulk loads keep it exact.
                for name in _postgres_indexes(searchable):
                    cursor.execute(f"DROP INDEX IF EXISTS {name}")


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
    tables = [s.table for s in SEARCHABLES]
    ensure_installed(using, tables, index_is_current, install)


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
