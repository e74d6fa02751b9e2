"""A cell holding a JSON array (a party's roles, a document's collections and subjects) shows
the words it holds, "author, recipient", not the array's JSON. JSON and CSV keep the arrays,
for SQL's json_each and for whoever reads them with a program."""

import json

from datasette import hookimpl

from kwp_archive.derived import COUNTED_ARRAY_FACETS


@hookimpl
def render_cell(value, column, table):
    if column not in COUNTED_ARRAY_FACETS.get(table, ()) or not isinstance(value, str):
        return None
    try:
        items = json.loads(value)
    except ValueError:
        return None
    if not isinstance(items, list):
        return None
    # Datasette shows its own rendering of a cell for an empty string: a dash says "none".
    return ", ".join(map(str, items)) or "—"
