"""On the people and organisations tables, a party's document count links to its documents."""

from urllib.parse import urlencode

from datasette import hookimpl
from markupsafe import Markup, escape


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if column != "document_count" or table not in ("people", "organisations"):
        return None
    # The person and organisation queries search by name, so the link works under any
    # spelling a party is known by; the full name is precise enough to find it alone.
    query = "person" if table == "people" else "organisation"
    path = f"{datasette.urls.database(database)}/{query}?" + urlencode({"name": row["name"]})
    return Markup(f'<a href="{escape(path)}">{value}</a>')
