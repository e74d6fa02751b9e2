"""Every list of documents leads to them: a document's title, and its id in a query's
results, link to its page, in the site's tables, canned queries and readers' SQL alike."""

from datasette import hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup, escape


def document_id(row, table):
    """The id of the document a row stands for, or None. Only documents have a title, so a
    query's row with an id and a title is a document; a document_id column names one."""
    columns = row.keys()
    if "document_id" in columns:
        return row["document_id"]
    if "id" in columns and "title" in columns and table in (None, "documents"):
        return row["id"]
    return None


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if not isinstance(value, str) or not value:
        return None
    # Datasette links the documents table's id, and a link table's document_id, itself.
    if column == "title" or (column in ("id", "document_id") and table is None):
        identifier = document_id(row, table)
        if not isinstance(identifier, str) or not identifier:
            return None
        path = datasette.urls.row(database, "documents", tilde_encode(identifier))
        return Markup(f'<a href="{escape(path)}">{escape(value)}</a>')
    return None
