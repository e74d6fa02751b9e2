"""On the people and organisations tables, a party's name links to its page and its document
count to its documents."""

from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup, escape


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if table not in ("people", "organisations"):
        return None
    if column == "name" and isinstance(value, str):
        # The name leads to the party's page, as a document's title leads to its page.
        path = datasette.urls.row(database, table, tilde_encode(row["id"]))
        return Markup(f'<a href="{escape(path)}">{escape(value)}</a>')
    if column != "document_count":
        return None
    # Their queries search by name: the full name finds the party alone, under any spelling.
    query = "person" if table == "people" else "organisation"
    path = f"{datasette.urls.database(database)}/{query}?" + urlencode({"name": row["name"]})
    return Markup(f'<a href="{escape(path)}">{value}</a>')
