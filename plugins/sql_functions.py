"""SQL functions for the canned queries of metadata.yml and for readers' own SQL."""

import functools
import json
import sqlite3

from datasette import hookimpl

from kwp_archive.names import fold
from kwp_archive.search import fts_query, highlight_names, stem_candidates

# The stems the index holds among some candidates (documents_fts_terms: schema.py).
_STEMS = "select term from documents_fts_terms where term in (select value from json_each(?))"


def _fts_query_on(conn):
    """fts_query() with the stems of conn's index that the reader's prefixes stand for."""
    @functools.lru_cache(maxsize=256)  # a database is rebuilt, never changed under a server
    def query(text):
        candidates, stems = stem_candidates(text), frozenset()
        if candidates:
            cursor = conn.cursor()
            cursor.row_factory = None  # not a reader's result, to weigh (plugins/limits.py)
            try:
                stems = frozenset(term for (term,) in cursor.execute(
                    _STEMS, (json.dumps(candidates),)))
            except sqlite3.OperationalError:
                pass  # a database with no documents index: the prefixes as typed
        return fts_query(text, stems)
    return query


# trylast: Datasette registers its own escape_fts on every connection, and ours must win.
@hookimpl(trylast=True)
def prepare_connection(conn):
    query = _fts_query_on(conn)
    conn.create_function("fts_query", 1, query, deterministic=True)
    conn.create_function("fold_name", 1, fold, deterministic=True)
    conn.create_function("highlight_names", 2, highlight_names, deterministic=True)
    # Every table's search box runs escape_fts(:search): it finds names under any spelling too.
    conn.create_function("escape_fts", 1, query, deterministic=True)
