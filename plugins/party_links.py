"""On the people and organisations tables, a party's document count links to its documents."""

from urllib.parse import urlencode

from datasette import hookimpl
from markupsafe import Markup, escape


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if column != "document_count" or table not in ("people", "organisations"):
        return None
    if table == "people":
        # The person query searches by name, so the link works under any spelling they are
        # known by; the full name is precise enough to find this person alone.
        path = datasette.urls.database(database) + "/person?" + urlencode({"name": row["name"]})
    else:
        path = datasette.urls.table(database, "document_organisations") + "?" + urlencode(
            {"organisation_id": row["id"]}
        )
    return Markup(f'<a href="{escape(path)}">{value}</a>')
