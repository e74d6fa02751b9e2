"""SQL functions for the canned queries of metadata.yml and for readers' own SQL."""

from datasette import hookimpl

from kwp_archive.names import fold
from kwp_archive.search import fts_query, highlight_names


# trylast: Datasette registers its own escape_fts on every connection, and ours must win.
@hookimpl(trylast=True)
def prepare_connection(conn):
    conn.create_function("fts_query", 1, fts_query, deterministic=True)
    conn.create_function("fold_name", 1, fold, deterministic=True)
    conn.create_function("highlight_names", 2, highlight_names, deterministic=True)
    # Every table's search box runs escape_fts(:search): it finds names under any spelling too.
    conn.create_function("escape_fts", 1, fts_query, deterministic=True)
