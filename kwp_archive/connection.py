"""What every connection to the database is given: the SQL functions of the site's queries and
of readers' own, and the limits on what one value, one pattern and one result may cost.

Datasette's time limit bounds how long a query runs between its steps; these bound what one
step may cost, which a time limit cannot (zeroblob(999999999) takes no time at all, printf()
of a huge width 8 s). The server's connections (plugins/connections.py) and the full-text
trial's (trial.py) are prepared by the same prepare()."""

import functools
import json
import sqlite3

from . import citations, dates
from .names import fold
from .search import fts_query, highlight_names, stem_candidates

# The longest string or blob any value may be, in bytes. The longest text in the sources is
# a summary of at most 100,000 characters (400,000 bytes of UTF-8 at the very most). instr()
# and replace() compare a needle at every place of a text, in one step: a million bytes let
# one call take 4 s, half a million about one.
MAX_VALUE = 500_000
# What the values of one result may weigh, roughly as the JSON that carries them: a blob
# goes out as base64 inside JSON and costs some 40 times its size to encode and keep.
MAX_RESULT = 32_000_000
_WEIGHT = {str: 2, bytes: 40}
# Functions that reach the process, not the data: fts3_tokenizer() registers tokenizers by
# memory address, load_extension() loads code, fts5() hands out a pointer to its API. And
# printf() (format()), which pads to any width a character at a time, past the length limit,
# in one step that no time limit interrupts: printf('%.*c', 2147483647, 'x') took 8 s.
DENIED_FUNCTIONS = {"fts3_tokenizer", "load_extension", "fts5", "printf", "format"}
# A LIKE or GLOB compares a pattern's every character with the text's, in one step too: the
# pattern is kept short (SQLite allows 50,000; 1,000 let one comparison take a second).
MAX_PATTERN = 500
# The stems the index holds among some candidates (documents_fts_terms: schema.py).
_STEMS = "select term from documents_fts_terms where term in (select value from json_each(?))"


class ResultTooLarge(sqlite3.OperationalError):
    pass


def _authorize(action, name, function, database, source):
    if action == sqlite3.SQLITE_FUNCTION and function.lower() in DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _weighing_row_factory():
    """sqlite3.Row, weighing each query's rows as fetched, to stop it past MAX_RESULT: before
    the memory is spent, not after."""
    state = {"cursor": None, "weight": 0}

    def row(cursor, values):
        if cursor is not state["cursor"]:
            state["cursor"], state["weight"] = cursor, 0
        state["weight"] += sum(len(value) * _WEIGHT[type(value)] if type(value) in _WEIGHT
                               else 8 for value in values)
        if state["weight"] > MAX_RESULT:
            raise ResultTooLarge(
                f"this result would be more than {MAX_RESULT // 1_000_000} MB: ask for fewer "
                "rows or smaller values (a LIMIT, or substr() of long text)")
        return sqlite3.Row(cursor, values)

    return row


def _fts_query_on(conn):
    """fts_query() with the stems of conn's index that the reader's prefixes stand for."""
    @functools.lru_cache(maxsize=256)  # a database is rebuilt, never changed under a server
    def query(text):
        candidates, stems = stem_candidates(text), frozenset()
        if candidates:
            cursor = conn.cursor()
            cursor.row_factory = None  # not a reader's result, to weigh
            try:
                stems = frozenset(term for (term,) in cursor.execute(
                    _STEMS, (json.dumps(candidates),)))
            except sqlite3.OperationalError:
                pass  # a database with no documents index: the prefixes as typed
        return fts_query(text, stems)
    return query


def prepare(conn):
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH, MAX_PATTERN)
    conn.set_authorizer(_authorize)
    conn.row_factory = _weighing_row_factory()
    query = _fts_query_on(conn)
    conn.create_function("fts_query", 1, query, deterministic=True)
    # Every table's search box runs escape_fts(:search): it finds names under any spelling too.
    conn.create_function("escape_fts", 1, query, deterministic=True)
    conn.create_function("fold_name", 1, fold, deterministic=True)
    conn.create_function("highlight_names", 2, highlight_names, deterministic=True)
    conn.create_function("first_day", 1, dates.first_day, deterministic=True)
    conn.create_function("last_day", 1, dates.last_day, deterministic=True)
    # chicago_citation(title, date[, archive, archive_reference, translator, source_url,
    # version, source_archive, document_number, release_date, volume, page])
    conn.create_function("chicago_citation", -1, citations.chicago, deterministic=True)
