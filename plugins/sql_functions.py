"""SQL functions for the canned queries of metadata.yml and for readers' own SQL."""

from datasette import hookimpl

from kwp_archive.search import fts_query


@hookimpl
def prepare_connection(conn):
    conn.create_function("fts_query", 1, fts_query, deterministic=True)
