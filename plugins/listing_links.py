"""On the collections and subjects tables, a listing's document count links to its documents
in the documents table, as a party's count links to its documents."""

from urllib.parse import urlencode

from datasette import hookimpl
from markupsafe import Markup, escape

from kwp_archive.database import ARRAY_SOURCES


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    # The documents table holds each document's listings by name, in a column named as the
    # table of listings (ARRAY_SOURCES): subjects in `subjects`, collections in `collections`.
    if table not in ARRAY_SOURCES or column != "document_count" or not value:
        return None
    path = datasette.urls.table(database, "documents") + "?" + urlencode(
        {f"{table}__arraycontains": row["name"]})
    return Markup(f'<a href="{escape(path)}">{value}</a>')
